using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Axme.Testing;

/// <summary>
/// A PostgreSQL server of one test's own, which it may kill: a second private cluster started by the project's
/// scripts/postgres.sh (installed, initialised and owned exactly like the shared one) in a temporary directory on a
/// free port. The shared server of TestPostgres is never touched.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "axme-pg-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly int _port = NodeProcess.FreePort();

    /// <summary>The connection string of its database "axme".</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={_port};Database=axme;Username=axme;Password=axme";

    public static async Task<PrivatePostgres> StartAsync()
    {
        var pg = new PrivatePostgres();
        Directory.CreateDirectory(pg._root);
        await pg.ScriptAsync("start");
        return pg;
    }

    /// <summary>Starts it again (after a kill: the script clears what the dead postmaster left and PostgreSQL recovers).</summary>
    public Task StartAgainAsync() => ScriptAsync("start");

    /// <summary>pg_ctl stop -m fast (every session ended, a checkpoint), as a restart does first.</summary>
    public Task StopFastAsync() => ScriptAsync("stop");

    /// <summary>SIGKILL to the postmaster: its backends die with it, nothing is checkpointed, the next start recovers from the WAL.</summary>
    public void KillPostmaster()
    {
        var pid = PostmasterPid;
        if (Kill(pid, 9) != 0) throw new InvalidOperationException($"kill -9 {pid} failed");
    }

    /// <summary>The running postmaster's process id (from its postmaster.pid).</summary>
    public int PostmasterPid => int.Parse(File.ReadLines(Path.Combine(_root, "pg", "postmaster.pid")).First());

    private async Task ScriptAsync(string command)
    {
        var psi = new ProcessStartInfo("bash", [Path.Combine(NodeProcess.RepositoryRoot, "scripts", "postgres.sh"), command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Not the shared server the test run exported: a cluster of its own.
        psi.Environment.Remove("AXME_POSTGRES");
        psi.Environment.Remove("AXME_PG_MANAGED");
        psi.Environment["AXME_PG_DATA_ROOT"] = _root;
        psi.Environment["AXME_PG_PORT"] = _port.ToString();
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"scripts/postgres.sh {command} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ScriptAsync("stop");
        }
        finally
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
