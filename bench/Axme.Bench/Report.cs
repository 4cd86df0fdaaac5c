using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Axme.Bench;

public sealed record PhaseResult(string Name, string Description, int Concurrency, int Requested, int Completed, int Errors,
    IReadOnlyList<string> FirstErrors, double WallS, double OpsPerS, LatencyStats Latency, CpuUsage Cpu, Dictionary<string, object>? Extra);

public sealed record MachineInfo(int Cpus, string? LoadAverageAtStart, string? LoadAverageAtEnd, string Os, string Runtime);

public sealed record BenchConfig(int PayloadBytes, int Warmup, int CreatesC1, int Creates, int RoundTrips, int SseSamples, int SseParallel,
    double HalfPeakSeconds, double PhaseCapSeconds, Dictionary<string, int>? Pids, string? PgDatabase);

public sealed record WarmUpResult(int Creates, int RoundTrips, int SseSamples, int Errors, IReadOnlyList<string> FirstErrors, double WallS);

public sealed record Headline(double PeakCreatesPerS, int PeakAtConcurrency, double RoundTripOpsPerS, double? RoundTripP50Ms, double? RoundTripP99Ms,
    double? SseFirstEventP50Ms, double? SseFirstEventP95Ms, double HalfPeakTargetRate, double HalfPeakAchievedRate, double? HalfPeakP99Ms,
    double? PgbenchLifecycle3Tps, double? CreatesShareOfLifecycle3, double TargetCreatesShareOfLifecycle3, bool? CreatesShareTargetMet,
    double TargetHalfPeakP99Ms, bool HalfPeakP99TargetMet);

public sealed record BenchResult(string Tool, string Date, string Url, string? Note, MachineInfo Machine, BenchConfig Config, WarmUpResult WarmUp,
    Dictionary<string, PhaseResult> Phases, Headline Headline, PgbenchResult? Pgbench);

/// <summary>The pgbench part of the peers' results.json (same run), as far as this report needs it.</summary>
public sealed record PgbenchResult(string File, string? Date, string? LoadBefore, string? PostgresVersion, double? Insert1Tps, double? Insert1LatencyAvgMs,
    double? Insert1OtherCpuS, double? Lifecycle3Tps, double? Lifecycle3LatencyAvgMs, double? Lifecycle3OtherCpuS, int? Clients, int? DurationS);

public static class Peers
{
    public static PgbenchResult? Read(string? file)
    {
        if (file is null || !File.Exists(file)) return null;
        var root = JsonNode.Parse(File.ReadAllText(file));
        var pg = root?["pgbench"];
        double? D(JsonNode? n) => n is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;
        return new PgbenchResult(Path.GetFullPath(file), root?["date"]?.GetValue<string>(), root?["machine"]?["load_before"]?.GetValue<string>(),
            root?["versions"]?["postgresql"]?.GetValue<string>(),
            D(pg?["insert1"]?["tps"]), D(pg?["insert1"]?["latency_avg_ms"]), D(pg?["insert1"]?["other_cpu_s"]),
            D(pg?["lifecycle3"]?["tps"]), D(pg?["lifecycle3"]?["latency_avg_ms"]), D(pg?["lifecycle3"]?["other_cpu_s"]),
            (int?)D(pg?["lifecycle3"]?["clients"]), (int?)D(pg?["lifecycle3"]?["duration_s"]));
    }
}

public static class Report
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The directory holding Axme.Orleans.sln above the working directory, else the working directory.</summary>
    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(Environment.CurrentDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Axme.Orleans.sln"))) return d.FullName;
        return Environment.CurrentDirectory;
    }

    public static string Markdown(BenchResult r)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"### Axme.Bench {r.Date} — {r.Url}, {r.Machine.Cpus} CPUs, load average at start: {r.Machine.LoadAverageAtStart}");
        sb.AppendLine();
        sb.AppendLine("| phase | C | ok/err | ops/s | p50 ms | p95 ms | p99 ms | max ms | silo CPU s | PG CPU s (node db + rest) | client CPU s | other CPU s |");
        sb.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var p in r.Phases.Values)
        {
            var cpu = p.Cpu.ServerCpuS;
            var silo = cpu.TryGetValue("silo", out var s) ? F(s) : "";
            var pg = cpu.TryGetValue("postgres_db", out var db) ? $"{F(db)} + {F(cpu.GetValueOrDefault("postgres_rest"))}"
                : cpu.TryGetValue("postgres", out var all) ? F(all) : "";
            var c = p.Concurrency > 0 ? p.Concurrency.ToString(inv) : "open";
            sb.AppendLine(inv, $"| {p.Description} | {c} | {p.Completed}/{p.Errors} | {F(p.OpsPerS)} | {F(p.Latency.P50Ms)} | {F(p.Latency.P95Ms)} | " +
                $"{F(p.Latency.P99Ms)} | {F(p.Latency.MaxMs)} | {silo} | {pg} | {F(p.Cpu.ClientCpuS)} | {F(p.Cpu.OtherCpuS)} |");
        }
        sb.AppendLine();
        var h = r.Headline;
        sb.AppendLine(inv, $"- peak creates/s: **{F(h.PeakCreatesPerS)}** (at {h.PeakAtConcurrency} clients); round trip: {F(h.RoundTripOpsPerS)} ops/s, p50 {F(h.RoundTripP50Ms)} ms, p99 {F(h.RoundTripP99Ms)} ms");
        sb.AppendLine(inv, $"- SSE first event after resolve: p50 {F(h.SseFirstEventP50Ms)} ms, p95 {F(h.SseFirstEventP95Ms)} ms");
        sb.AppendLine(inv, $"- p99 create latency at 50% of peak ({F(h.HalfPeakTargetRate)}/s target, {F(h.HalfPeakAchievedRate)}/s achieved): **{F(h.HalfPeakP99Ms)} ms** " +
            $"(target ≤ {F(h.TargetHalfPeakP99Ms)} ms: {(h.HalfPeakP99TargetMet ? "met" : "MISSED")})");
        if (r.Pgbench is { } pgb)
        {
            sb.AppendLine(inv, $"- pgbench (same run, {pgb.Clients} clients × {pgb.DurationS} s, private PostgreSQL {pgb.PostgresVersion}): insert1 {F(pgb.Insert1Tps)} TPS, lifecycle3 {F(pgb.Lifecycle3Tps)} TPS");
            sb.AppendLine(inv, $"- creates/s ÷ lifecycle3 TPS: **{(h.CreatesShareOfLifecycle3 is { } share ? (share * 100).ToString("0.0", inv) + " %" : "n/a")}** " +
                $"(target ≥ {h.TargetCreatesShareOfLifecycle3 * 100:0} %: {(h.CreatesShareTargetMet is true ? "met" : h.CreatesShareTargetMet is false ? "MISSED" : "n/a")})");
        }
        else
        {
            sb.AppendLine("- pgbench: no peers results given (--peers-results)");
        }
        sb.Append("CPU columns: CPU seconds during the phase from /proc (silo = the node's dotnet process; PG = backends of the node's database + the rest of the cluster; other = whole machine minus those and the client).");
        return sb.ToString();
    }

    private static string F(double? v) => v is { } d ? d.ToString(d >= 100 ? "0" : "0.0#", CultureInfo.InvariantCulture) : "";
}
