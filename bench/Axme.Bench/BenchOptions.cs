using System.Globalization;
using System.Net;

namespace Axme.Bench;

/// <summary>Command-line options; each one also reads an AXME_BENCH_* environment variable.</summary>
public sealed class BenchOptions
{
    public const string Usage = """
        Axme.Bench: throughput and latency of a running Axme node (AXP intent API over HTTP).

          dotnet Axme.Bench.dll [--option value ...]

          --url URL              base URL, loopback only (AXME_BENCH_URL, default http://127.0.0.1:8100)
          --key KEY              API key sent as x-api-key (AXME_BENCH_KEY, required)
          --warmup N             untimed warm-up: N creates at 64 clients (AXME_BENCH_WARMUP, default 2000),
                                 then min(200, N/4) at 1 client, N/4 round trips, 40 SSE samples, a 3 s pause
          --creates N            creates per concurrency level 16 and 64 (AXME_BENCH_CREATES, default 3000)
          --creates-c1 N         creates at concurrency 1 (AXME_BENCH_CREATES_C1, default 500)
          --roundtrips N         create+resolve round trips at concurrency 16 (AXME_BENCH_ROUNDTRIPS, default 1500)
          --sse-samples N        SSE first-event samples (AXME_BENCH_SSE_SAMPLES, default 200)
          --sse-parallel N       SSE samples in flight at once (AXME_BENCH_SSE_PARALLEL, default 8)
          --half-peak-seconds S  open-loop run at 50% of the peak create rate (AXME_BENCH_HALF_PEAK_SECONDS, default 10)
          --stream-agents LIST   agent counts of the stream round trip phases, comma-separated, or "none"
                                 (AXME_BENCH_STREAM_AGENTS, default 1,10,100)
          --http-agents LIST     agent counts of the http webhook round trip phases, comma-separated, or "none"
                                 (AXME_BENCH_HTTP_AGENTS, default 1,10,100); webhooks go to a receiver in this process
          --stream-ops N         intents per stream and per http round trip phase (AXME_BENCH_STREAM_OPS, default 1000)
          --scenario-ops N       workflows of the scenario round trip (full/multi-agent shape; AXME_BENCH_SCENARIO_OPS,
                                 default 300; 0 = no scenario phase)
          --stream-concurrency N submitter concurrency of the stream and http round trips, also each agent's
                                 resolves in flight (AXME_BENCH_STREAM_CONCURRENCY, default 32)
          --phase-seconds S      time cap of every phase (AXME_BENCH_PHASE_SECONDS, default 60)
          --pids name=pid,...    server processes to account CPU for (AXME_BENCH_PIDS), e.g. silo=123,postgres=456;
                                 a component named postgres is split into the backends of --pg-database and the rest
          --pg-database NAME     the node's database, to tell its backends apart (AXME_BENCH_PG_DATABASE)
          --peers-results FILE   results.json of /work/shared/bench/peers/run.sh (pgbench) from the same run (AXME_BENCH_PEERS_RESULTS)
          --note TEXT            free text stored in the JSON, e.g. the commit (AXME_BENCH_NOTE)
          --out FILE             JSON output (AXME_BENCH_OUT, default bench/results/<UTC date-time>.json under the repo)
        """;

    public Uri Url { get; private set; } = new("http://127.0.0.1:8100");
    public string Key { get; private set; } = "";
    public int Warmup { get; private set; } = 2000;
    public int Creates { get; private set; } = 3000;
    public int CreatesC1 { get; private set; } = 500;
    public int RoundTrips { get; private set; } = 1500;
    public int SseSamples { get; private set; } = 200;
    public int SseParallel { get; private set; } = 8;
    public double HalfPeakSeconds { get; private set; } = 10;
    public IReadOnlyList<int> StreamAgents { get; private set; } = [1, 10, 100];
    public IReadOnlyList<int> HttpAgents { get; private set; } = [1, 10, 100];
    public int StreamOps { get; private set; } = 1000;
    public int ScenarioOps { get; private set; } = 300;
    public int StreamConcurrency { get; private set; } = 32;
    public TimeSpan PhaseCap { get; private set; } = TimeSpan.FromSeconds(60);
    public Dictionary<string, int> Pids { get; } = new(StringComparer.Ordinal);
    public string? PgDatabase { get; private set; }
    public string? PeersResults { get; private set; }
    public string? Out { get; private set; }
    public string? Note { get; private set; }

    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] names = ["url", "key", "warmup", "creates", "creates-c1", "roundtrips", "sse-samples", "sse-parallel",
            "half-peak-seconds", "phase-seconds",
            "stream-agents", "http-agents", "stream-ops", "scenario-ops", "stream-concurrency", "pids", "pg-database", "peers-results", "note", "out"];
        foreach (var name in names)
        {
            var env = "AXME_BENCH_" + name.Replace('-', '_').ToUpperInvariant();
            if (Environment.GetEnvironmentVariable(env) is { Length: > 0 } v) values[name] = v;
        }
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (a is "-h" or "--help") throw new UsageException("");
            if (!a.StartsWith("--", StringComparison.Ordinal) || !names.Contains(a[2..]))
                throw new UsageException($"unknown argument: {a}");
            if (i + 1 >= args.Length) throw new UsageException($"{a} needs a value");
            values[a[2..]] = args[++i];
        }

        var o = new BenchOptions();
        if (values.TryGetValue("url", out var url))
            o.Url = Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var u) ? u : throw new UsageException($"bad --url {url}");
        if (!IsLoopback(o.Url)) throw new UsageException($"--url must point at 127.0.0.1 / localhost (got {o.Url.Host})");
        o.Key = values.GetValueOrDefault("key") ?? throw new UsageException("--key (or AXME_BENCH_KEY) is required");
        o.Warmup = Int(values, "warmup", o.Warmup, 0);
        o.Creates = Int(values, "creates", o.Creates, 1);
        o.CreatesC1 = Int(values, "creates-c1", o.CreatesC1, 1);
        o.RoundTrips = Int(values, "roundtrips", o.RoundTrips, 1);
        o.SseSamples = Int(values, "sse-samples", o.SseSamples, 1);
        o.SseParallel = Int(values, "sse-parallel", o.SseParallel, 1);
        o.HalfPeakSeconds = Int(values, "half-peak-seconds", (int)o.HalfPeakSeconds, 1);
        o.PhaseCap = TimeSpan.FromSeconds(Int(values, "phase-seconds", (int)o.PhaseCap.TotalSeconds, 1));
        o.StreamOps = Int(values, "stream-ops", o.StreamOps, 1);
        o.ScenarioOps = Int(values, "scenario-ops", o.ScenarioOps, 0);
        o.StreamConcurrency = Int(values, "stream-concurrency", o.StreamConcurrency, 1);
        o.StreamAgents = AgentCounts(values, "stream-agents", o.StreamAgents);
        o.HttpAgents = AgentCounts(values, "http-agents", o.HttpAgents);
        if (values.TryGetValue("pids", out var pids))
        {
            foreach (var part in pids.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var kv = part.Split('=', 2);
                if (kv.Length != 2 || !int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
                    throw new UsageException($"bad --pids entry: {part}");
                o.Pids[kv[0]] = pid;
            }
        }
        o.PgDatabase = values.GetValueOrDefault("pg-database");
        o.PeersResults = values.GetValueOrDefault("peers-results");
        o.Out = values.GetValueOrDefault("out");
        o.Note = values.GetValueOrDefault("note");
        return o;
    }

    private static int Int(Dictionary<string, string> values, string name, int fallback, int min)
    {
        if (!values.TryGetValue(name, out var text)) return fallback;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min
            ? v
            : throw new UsageException($"--{name} must be an integer >= {min} (got {text})");
    }

    /// <summary>A comma-separated list of agent counts (1..1000); "none", "0" or empty for no phases.</summary>
    private static IReadOnlyList<int> AgentCounts(Dictionary<string, string> values, string name, IReadOnlyList<int> fallback)
    {
        if (!values.TryGetValue(name, out var text)) return fallback;
        return text.Trim() is "" or "none" or "0"
            ? []
            : [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(a =>
                int.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 1000
                    ? n
                    : throw new UsageException($"bad --{name} entry: {a} (1..1000)"))];
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}

/// <summary>Bad arguments: the message and the usage text go to stderr.</summary>
public sealed class UsageException(string message) : Exception(message);
