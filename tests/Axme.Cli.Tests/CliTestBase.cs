using System.Text;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Cli.Tests;

/// <summary>Runs the built axme binary as a real process against the fixture's node, with its own config directory.</summary>
public abstract class CliTestBase(CliNodeFixture fixture) : IDisposable
{
    protected CliNodeFixture Fixture { get; } = fixture;

    protected readonly string _config = Directory.CreateTempSubdirectory("axme-cli-").FullName;

    /// <summary>The config file the CLI writes for this test.</summary>
    protected string ConfigFile => Path.Combine(_config, "axme", "config.json");

    public void Dispose() => Directory.Delete(_config, recursive: true);

    protected static string RepoRoot => NodeProcess.RepositoryRoot;

    private static string CliDll
    {
        get
        {
            var config = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
            return Path.Combine(RepoRoot, "src", "Cli", "bin", config, "net10.0", "axme.dll");
        }
    }

    protected Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?>? env, params string[] args) => RunAsync(env, null, args);

    /// <summary>Runs the CLI; <paramref name="onLine"/> sees each line of its standard output as it is written.</summary>
    protected Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?>? env, Action<string>? onLine, params string[] args) => RunAsync(env, onLine, null, args);

    /// <summary>Runs the CLI with <paramref name="input"/> as its standard input (a wizard's answers, one per line).</summary>
    protected Task<CliResult> RunWithInputAsync(string input, params string[] args) => RunAsync(null, null, input, args);

    private async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?>? env, Action<string>? onLine, string? input, string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null, UseShellExecute = false };
        psi.ArgumentList.Add(CliDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["XDG_CONFIG_HOME"] = _config;
        psi.Environment["AXME_BASE_URL"] = Fixture.Node.BaseAddress.ToString();
        psi.Environment["AXME_API_KEY"] = Fixture.Key;
        foreach (var (k, v) in env ?? new Dictionary<string, string?>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        if (input is not null)
        {
            await p.StandardInput.WriteAsync(input);
            p.StandardInput.Close();
        }
        var stdout = onLine is null ? p.StandardOutput.ReadToEndAsync() : LinesAsync(p.StandardOutput, onLine);
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        return new CliResult(p.ExitCode, await stdout, await stderr);
    }

    protected Task<CliResult> RunAsync(params string[] args) => RunAsync(null, args);

    private static async Task<string> LinesAsync(StreamReader output, Action<string> onLine)
    {
        var all = new StringBuilder();
        while (await output.ReadLineAsync() is { } line)
        {
            all.Append(line).Append('\n');
            onLine(line);
        }
        return all.ToString();
    }
}
