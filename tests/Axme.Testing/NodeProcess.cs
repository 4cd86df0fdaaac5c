using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace Axme.Testing;

/// <summary>
/// A real node: the built Axme.Silo.dll started as its own process with its own HTTP port, against a
/// test database. Can be stopped gracefully or killed with SIGKILL and started again on the same data.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    public NodeProcess(string postgres, string clusterId, IReadOnlyDictionary<string, string>? settings = null, string? adminKey = "test-admin-key-0123456789abcdefghijk")
    {
        Postgres = postgres;
        ClusterId = clusterId;
        AdminKey = adminKey;
        Settings = settings ?? new Dictionary<string, string>();
        Port = FreePort();
        SiloPort = FreePort();
        GatewayPort = FreePort();
    }

    /// <summary>Orleans ports stay the same across restarts of this node, as they do for a real deployment.</summary>
    public int SiloPort { get; }
    public int GatewayPort { get; }

    public string Postgres { get; }
    public string ClusterId { get; }
    public string? AdminKey { get; }
    public IReadOnlyDictionary<string, string> Settings { get; }
    public int Port { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Where the test nodes' key-ring certificate lives: one file for this user's test nodes, made by the first node that needs it.</summary>
    public static readonly string KeyRingCertificatePath =
        Path.Combine(Path.GetTempPath(), "axme-tests-" + Environment.UserName, "keyring.pfx");

    /// <summary>The repository these tests were built in (the folder of Axme.Orleans.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Axme.Orleans.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root from " + AppContext.BaseDirectory);
        }
    }

    public static string SiloDll
    {
        get
        {
            var configuration = typeof(NodeProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            var dll = Path.Combine(RepositoryRoot, "src", "Silo", "bin", configuration, "net10.0", "Axme.Silo.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("build the solution first", dll);
        }
    }

    /// <summary>Starts the process and waits until it is ready (PostgreSQL and silo up, API listening).</summary>
    public async Task StartAsync(TimeSpan? timeout = null)
    {
        if (IsRunning) throw new InvalidOperationException("already running");
        var psi = new ProcessStartInfo("dotnet", [SiloDll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(SiloDll)!,
        };
        psi.Environment["AXME_POSTGRES"] = Postgres;
        psi.Environment["AXME_PORT"] = Port.ToString();
        psi.Environment["AXME_SILO_PORT"] = SiloPort.ToString();
        psi.Environment["AXME_GATEWAY_PORT"] = GatewayPort.ToString();
        psi.Environment["AXME_CLUSTER_ID"] = ClusterId;
        psi.Environment["AXME_SERVICE_ID"] = ClusterId;
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["Axme__MinimumReminderPeriod"] = "00:00:01";
        psi.Environment["Axme__Intents__DeadlineReminderPeriod"] = "00:00:02";
        psi.Environment["Axme__Api__RateLimitPermits"] = "0";
        psi.Environment["Axme__Api__DrainDelay"] = "00:00:00"; // no load balancer to wait for (RollingRestartTests sets one)
        psi.Environment["Axme__Delivery__ReminderPeriod"] = "00:00:02";
        psi.Environment["Axme__Delivery__RetryBaseDelay"] = "00:00:00.200";
        psi.Environment["Axme__Delivery__RetryMaxDelay"] = "00:00:01";
        psi.Environment["Axme__Delivery__RequestTimeout"] = "00:00:03";
        // The tests' webhook receivers listen on this machine: allowed explicitly, as ADR 017 says a developer does.
        psi.Environment["Axme__Delivery__AllowPrivateNetworks"] = "127.0.0.1";
        // The key ring's key-encryption certificate (ADR 017 §7), one per test run, made by the first node that needs it.
        psi.Environment["AXME_KEYRING_CERT"] = KeyRingCertificatePath;
        psi.Environment["AXME_KEYRING_CREATE"] = "true";
        psi.Environment.Remove("AXME_ADMIN_KEY");
        if (AdminKey is not null) psi.Environment["AXME_ADMIN_KEY"] = AdminKey;
        foreach (var (k, v) in Settings) psi.Environment[k] = v;

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                // The exit can be seen before the last lines were read; this waits for both streams' end.
                await process.WaitForExitAsync();
                throw new InvalidOperationException($"node exited with {process.ExitCode} during start:\n{Output}");
            }
            try
            {
                using var ready = await http.GetAsync("/ready");
                if (ready.StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"node did not become ready in time:\n{Output}");
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash.</summary>
    public async Task KillAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>SIGTERM (what Ctrl-C or a service manager sends), then wait for a clean exit.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (_process is null) return 0;
        if (!_process.HasExited) Signal(_process.Id, 15);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        var code = _process.ExitCode;
        _process.Dispose();
        _process = null;
        return code;
    }

    public HttpClient CreateClient(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if ((apiKey ?? AdminKey) is { } key) client.DefaultRequestHeaders.Add("x-api-key", key);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await KillAsync();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true, EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    private static void Signal(int pid, int signal) => _ = Kill(pid, signal);

    private static readonly HashSet<int> HandedOut = [];
    private static readonly List<FileStream> Claims = [];
    private static readonly string ClaimFolder = Path.Combine(Path.GetTempPath(), "axme-test-ports");
    private static readonly Lock PortGate = new();

    /// <summary>
    /// A port free now, below the kernel's ephemeral range (32768-60999 on Linux): a port the OS picked for a listener
    /// could be taken as the source port of an outgoing connection before the node bound it (a silo failed to start
    /// with "Address already in use" that way). Never the same port twice in one test process, nor in two test processes
    /// running at once (./test.sh runs the projects in parallel, and two of them once drew the same port between its
    /// check and the node's bind): each port handed out is claimed by an exclusive lock on a file named after it, held
    /// until this process exits.
    /// </summary>
    public static int FreePort()
    {
        lock (PortGate)
            while (true)
            {
                var port = Random.Shared.Next(20000, 32700);
                if (!HandedOut.Add(port) || !Claim(port)) continue;
                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    return port;
                }
                catch (SocketException)
                {
                    // in use: another one
                }
            }
    }

    /// <summary>False when another test process holds the port (its lock on the file; the kernel drops it when that process exits).</summary>
    private static bool Claim(int port)
    {
        Directory.CreateDirectory(ClaimFolder);
        try
        {
            Claims.Add(new FileStream(Path.Combine(ClaimFolder, port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
