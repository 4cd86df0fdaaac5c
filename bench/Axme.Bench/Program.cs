using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Axme.Bench;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (UsageException e)
{
    if (e.Message.Length > 0) Console.Error.WriteLine($"error: {e.Message}\n");
    Console.Error.WriteLine(BenchOptions.Usage);
    return e.Message.Length > 0 ? 2 : 0;
}

var bench = new Bench(options);
return await bench.RunAsync();

namespace Axme.Bench
{
    /// <summary>
    /// The phases, in order: warm-up, creates at 1/16/64, round trips, SSE first event, creates at half the peak rate,
    /// then the agent round trips over streams and over http webhooks.
    /// </summary>
    public sealed class Bench(BenchOptions o)
    {
        public const double TargetCreateShareOfLifecycle3 = 0.25;
        public const double TargetHalfPeakP99Ms = 50;

        private readonly AxpClient _client = new(o.Url, o.Key);
        private readonly ProcStats _proc = new(o.Pids, o.PgDatabase);
        private readonly List<PhaseResult> _phases = [];

        public async Task<int> RunAsync()
        {
            var startedAt = DateTimeOffset.UtcNow;
            var loadAtStart = ProcStats.LoadAverage();
            Log($"target {o.Url} (payload {AxpClient.PayloadBytes} B, create body {AxpClient.CreateBody.Length} B); load average {loadAtStart}");
            if (!await HealthyAsync()) return Fail($"{o.Url}health did not answer 200");
            try
            {
                await _client.CreateAsync(CancellationToken.None);
            }
            catch (Exception e) when (e is BenchHttpException or HttpRequestException)
            {
                return Fail($"a first create failed: {e.Message}");
            }

            var warm = await WarmUpAsync();
            Log($"warm-up done in {warm.WallS} s: {warm.Creates} creates, {warm.RoundTrips} round trips, {warm.SseSamples} SSE samples, {warm.Errors} errors {string.Join(" | ", warm.FirstErrors)}");

            foreach (var (c, n) in new[] { (1, o.CreatesC1), (16, o.Creates), (64, o.Creates) })
                await Phase($"create_c{c}", $"create, {c} client(s)", c, n, CreatePhase(n, c));
            await Phase("roundtrip_c16", "create → resolve, 16 clients", 16, o.RoundTrips, RoundTripPhase(o.RoundTrips, 16));
            await Phase("sse_first_event", $"SSE first event after resolve, {o.SseParallel} parallel", o.SseParallel, o.SseSamples, SsePhase());
            var peak = _phases.Where(p => p.Name.StartsWith("create_c", StringComparison.Ordinal)).MaxBy(p => p.OpsPerS)!;
            var rate = Math.Max(1, Math.Round(peak.OpsPerS / 2, 1));
            await Phase("create_half_peak", $"create, open loop at {rate.ToString(CultureInfo.InvariantCulture)}/s (50% of peak)", 0,
                (int)Math.Ceiling(rate * o.HalfPeakSeconds), HalfPeakPhase(rate));
            if (o.StreamAgents.Count > 0) await AgentRoundTripPhases(new StreamRoundTrip(), o.StreamAgents);
            if (o.HttpAgents.Count > 0)
            {
                await using var receiver = await WebhookRoundTrip.StartAsync();
                Log($"webhook receiver on {receiver.BaseUrl}");
                await AgentRoundTripPhases(receiver, o.HttpAgents);
            }
            if (o.ScenarioOps > 0) await ScenarioPhase();

            var result = new BenchResult(
                Tool: "Axme.Bench",
                Date: startedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                Url: o.Url.ToString(),
                Note: o.Note,
                Machine: new MachineInfo(Environment.ProcessorCount, loadAtStart, ProcStats.LoadAverage(), RuntimeInformation.OSDescription,
                    RuntimeInformation.FrameworkDescription),
                Config: new BenchConfig(AxpClient.PayloadBytes, o.Warmup, o.CreatesC1, o.Creates, o.RoundTrips, o.SseSamples, o.SseParallel,
                    o.HalfPeakSeconds, o.PhaseCap.TotalSeconds, o.Pids.Count > 0 ? o.Pids : null, o.PgDatabase),
                WarmUp: warm,
                Phases: _phases.ToDictionary(p => p.Name),
                Headline: Headline(peak, rate),
                Pgbench: Peers.Read(o.PeersResults));
            var json = JsonSerializer.Serialize(result, Report.Json);
            var outFile = o.Out ?? Path.Combine(Report.RepoRoot(), "bench", "results", startedAt.ToString("yyyy-MM-dd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + ".json");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outFile))!);
            await File.WriteAllTextAsync(outFile, json + "\n");

            Console.WriteLine(Report.Markdown(result));
            Console.WriteLine($"JSON: {outFile}");
            return _phases.Sum(p => p.Errors) == 0 ? 0 : 1;
        }

        private Headline Headline(PhaseResult peak, double rate)
        {
            var rt = _phases.Single(p => p.Name == "roundtrip_c16");
            var sse = _phases.Single(p => p.Name == "sse_first_event");
            var half = _phases.Single(p => p.Name == "create_half_peak");
            var lifecycle3 = Peers.Read(o.PeersResults)?.Lifecycle3Tps;
            var share = lifecycle3 is > 0 ? Math.Round(peak.OpsPerS / lifecycle3.Value, 4) : (double?)null;
            return new Headline(peak.OpsPerS, peak.Concurrency, rt.OpsPerS, rt.Latency.P50Ms, rt.Latency.P99Ms,
                sse.Latency.P50Ms, sse.Latency.P95Ms, rate, half.OpsPerS, half.Latency.P99Ms,
                lifecycle3, share, TargetCreateShareOfLifecycle3, share is { } s ? s >= TargetCreateShareOfLifecycle3 : null,
                TargetHalfPeakP99Ms, half.Latency.P99Ms is { } p99 && half.Errors == 0 ? p99 <= TargetHalfPeakP99Ms : false);
        }

        private async Task<bool> HealthyAsync()
        {
            for (var i = 0; i < 20; i++)
            {
                try
                {
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    if (await _client.HealthyAsync(cts.Token)) return true;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // not up yet
                }
                await Task.Delay(500);
            }
            return false;
        }

        /// <summary>
        /// Untimed: every code path of the timed phases, long enough for the JIT to finish tiering up (a first
        /// run measured 2-3x the silo CPU per create at 1 client while it was still compiling), then a pause
        /// for the background tier-1 compilations to land.
        /// </summary>
        private async Task<WarmUpResult> WarmUpAsync()
        {
            var errors = new ErrorLog();
            var sw = Stopwatch.StartNew();
            var (creates, sequential, roundTrips, sse) = (o.Warmup, Math.Min(200, o.Warmup / 4), o.Warmup / 4, o.Warmup > 0 ? 40 : 0);
            if (o.Warmup > 0)
            {
                // At the highest concurrency, so the node's PostgreSQL pool and our connections are already open when timing starts.
                await Load.ClosedAsync(creates, 64, o.PhaseCap, new Recorder(creates), errors, (_, ct) => _client.CreateAsync(ct));
                await Load.ClosedAsync(sequential, 1, o.PhaseCap, new Recorder(sequential), errors, (_, ct) => _client.CreateAsync(ct));
                await Load.ClosedAsync(roundTrips, 16, o.PhaseCap, new Recorder(roundTrips), errors,
                    async (_, ct) => await _client.ResolveAsync(await _client.CreateAsync(ct), ct));
                await Load.ClosedAsync(sse, 4, o.PhaseCap, new Recorder(sse), errors, (_, ct) => SseSampleAsync(new Recorder(1), new Recorder(1), new(), ct));
                await Task.Delay(TimeSpan.FromSeconds(3));
            }
            return new WarmUpResult(creates + sequential, roundTrips, sse, errors.Count, errors.First, LatencyStats.Round(sw.Elapsed.TotalSeconds));
        }

        private delegate Task<(TimeSpan Wall, Dictionary<string, object>? Extra)> PhaseBody(Recorder latencies, ErrorLog errors);

        private async Task Phase(string name, string description, int concurrency, int requested, PhaseBody body)
        {
            await Task.Delay(1000); // let the previous phase's tail settle
            Log($"{name}: {description}, up to {requested} ops, cap {o.PhaseCap.TotalSeconds} s");
            var latencies = new Recorder(requested);
            var errors = new ErrorLog();
            var before = _proc.Take();
            var (wall, extra) = await body(latencies, errors);
            var cpu = ProcStats.Between(before, _proc.Take());
            var stats = latencies.Stats();
            var result = new PhaseResult(name, description, concurrency, requested, stats.Count, errors.Count, errors.First,
                LatencyStats.Round(wall.TotalSeconds), LatencyStats.Round(stats.Count / wall.TotalSeconds), stats, cpu, extra);
            _phases.Add(result);
            Log($"{name}: {result.Completed} ok, {result.Errors} errors, {result.OpsPerS} ops/s, p50 {stats.P50Ms} p95 {stats.P95Ms} p99 {stats.P99Ms} ms; " +
                $"cpu {string.Join(' ', cpu.ServerCpuS.Select(kv => $"{kv.Key}={kv.Value}"))} client={cpu.ClientCpuS} other={cpu.OtherCpuS}");
            foreach (var e in result.FirstErrors) Log($"  error: {e}");
        }

        private PhaseBody CreatePhase(int n, int c) => async (latencies, errors) =>
            (await Load.ClosedAsync(n, c, o.PhaseCap, latencies, errors, (_, ct) => _client.CreateAsync(ct)), null);

        private PhaseBody RoundTripPhase(int n, int c) => async (latencies, errors) =>
        {
            var create = new Recorder(n);
            var resolve = new Recorder(n);
            var wall = await Load.ClosedAsync(n, c, o.PhaseCap, latencies, errors, async (_, ct) =>
            {
                var t0 = Stopwatch.GetTimestamp();
                var id = await _client.CreateAsync(ct);
                var t1 = Stopwatch.GetTimestamp();
                await _client.ResolveAsync(id, ct);
                create.Add(Recorder.Ms(t0, t1));
                resolve.Add(Recorder.Ms(t1, Stopwatch.GetTimestamp()));
            });
            return (wall, new Dictionary<string, object> { ["create_step"] = create.Stats(), ["resolve_step"] = resolve.Stats() });
        };

        private PhaseBody SsePhase() => async (latencies, errors) =>
        {
            var whole = new Recorder(o.SseSamples);
            var resolve = new Recorder(o.SseSamples);
            var sequences = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
            var wall = await Load.ClosedAsync(o.SseSamples, o.SseParallel, o.PhaseCap, whole, errors,
                (_, ct) => SseSampleAsync(latencies, resolve, sequences, ct));
            return (wall, new Dictionary<string, object>
            {
                ["metric"] = "latency = resolve request sent → first 'event: intent.' line read; ops/s = samples/s",
                ["resolve_response"] = resolve.Stats(),
                ["whole_sample_incl_create_and_stream_end"] = whole.Stats(),
                ["event_sequences"] = new SortedDictionary<string, int>(sequences, StringComparer.Ordinal),
            });
        };

        /// <summary>
        /// One sample: create an intent, open its stream after the creation events (since=2), then resolve it
        /// and time the first intent.* event. Reads the stream to its end so the connection can be reused.
        /// </summary>
        private async Task SseSampleAsync(Recorder firstEvent, Recorder resolveResponse, ConcurrentDictionary<string, int> sequences, CancellationToken ct)
        {
            var id = await _client.CreateAsync(ct);
            using var window = CancellationTokenSource.CreateLinkedTokenSource(ct);
            window.CancelAfter(TimeSpan.FromSeconds(15)); // the server ends the stream after wait_seconds=10 at the latest
            using var response = await _client.OpenStreamAsync(id, window.Token);
            await using var stream = await response.Content.ReadAsStreamAsync(window.Token);
            using var reader = new StreamReader(stream);
            var sent = Stopwatch.GetTimestamp();
            var resolve = ResolveTimedAsync();
            long? first = null;
            var events = new List<string>();
            while (await reader.ReadLineAsync(window.Token) is { } line)
            {
                if (!line.StartsWith("event: ", StringComparison.Ordinal)) continue;
                var type = line["event: ".Length..];
                events.Add(type);
                if (first is null && type.StartsWith("intent.", StringComparison.Ordinal)) first = Stopwatch.GetTimestamp();
            }
            var resolved = await resolve;
            sequences.AddOrUpdate(string.Join(",", events), 1, (_, n) => n + 1);
            resolveResponse.Add(Recorder.Ms(sent, resolved));
            if (first is not { } f) throw new BenchHttpException($"stream of {id} ended without an intent.* event: [{string.Join(",", events)}]");
            firstEvent.Add(Recorder.Ms(sent, f));

            async Task<long> ResolveTimedAsync()
            {
                await _client.ResolveAsync(id, window.Token);
                return Stopwatch.GetTimestamp();
            }
        }

        /// <summary>
        /// Agent round trips of one binding (stream listener, http webhook) at every agent count of
        /// <paramref name="counts"/>: agents are created (untimed), their side started, a short untimed warm-up
        /// run, then the timed phase "{kind}_rt_a{A}".
        /// </summary>
        private async Task AgentRoundTripPhases(AgentBinding binding, IReadOnlyList<int> counts)
        {
            var runId = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture) + Random.Shared.Next(1000, 9999).ToString(CultureInfo.InvariantCulture);
            var rt = new AgentRoundTrip(o.Url, o.Key, runId);
            using var submitter = AgentRoundTrip.NewClient(o.Url, o.Key);
            foreach (var a in counts)
            {
                var name = $"{binding.Kind}_rt_a{a}";
                List<AgentRoundTrip.Agent> agents;
                var setup = Stopwatch.StartNew();
                try
                {
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
                    agents = await rt.CreateAgentsAsync($"bench-{binding.Kind}-a{a}", a, binding.Registration, cts.Token);
                }
                catch (Exception e)
                {
                    Log($"{name}: creating {a} agents failed: {e.Message}");
                    continue;
                }
                var agentErrors = new ErrorLog();
                using var stop = new CancellationTokenSource();
                var agentTasks = agents.Select(ag => Task.Run(() => binding.RunAgentAsync(ag, o.StreamConcurrency, agentErrors, stop.Token))).ToList();
                var next = -1;
                AgentRoundTrip.Agent Pick() => agents[(int)((uint)Interlocked.Increment(ref next) % (uint)agents.Count)];
                // Untimed warm-up: every agent's side running and one intent through each (at least 64).
                var warm = Math.Max(64, a);
                var warmErrors = new ErrorLog();
                await Load.ClosedAsync(warm, o.StreamConcurrency, o.PhaseCap, new Recorder(warm), warmErrors,
                    (_, ct) => AgentRoundTrip.SubmitAndWaitAsync(submitter, Pick(), ct));
                Log($"{name}: {a} agents created and warmed up in {setup.Elapsed.TotalSeconds:F1} s ({warm} round trips, {warmErrors.Count} errors {string.Join(" | ", warmErrors.First)})");
                var before = binding.Counters(agents);
                var agentErrorsBefore = agentErrors.Count;
                await Phase(name, $"{binding.Description}, {a} agent(s), submitter concurrency {o.StreamConcurrency}", o.StreamConcurrency, o.StreamOps,
                    async (latencies, errors) =>
                    {
                        var wall = await Load.ClosedAsync(o.StreamOps, o.StreamConcurrency, o.PhaseCap, latencies, errors,
                            (_, ct) => AgentRoundTrip.SubmitAndWaitAsync(submitter, Pick(), ct));
                        var extra = new Dictionary<string, object> { ["metric"] = binding.Metric, ["agents"] = a };
                        foreach (var (counter, value) in binding.Counters(agents)) extra[counter] = value - before.GetValueOrDefault(counter);
                        extra["agent_errors"] = agentErrors.Count - agentErrorsBefore;
                        extra["agent_first_errors"] = agentErrors.First;
                        return (wall, extra);
                    });
                await stop.CancelAsync();
                await Task.WhenAny(Task.WhenAll(agentTasks), Task.Delay(TimeSpan.FromSeconds(35))); // bounded: listeners end within one stream window
                if (agentErrors.Count > 0) Log($"{name}: agent errors {agentErrors.Count} (warm-up included): {string.Join(" | ", agentErrors.First)}");
                foreach (var ag in agents) ag.Http.Dispose();
            }
        }

        /// <summary>
        /// The scenario round trip (<see cref="ScenarioRoundTrip"/>): two stream agents created and listening
        /// (untimed), a short untimed warm-up, then "scenario_rt" with ScenarioOps workflows at StreamConcurrency.
        /// </summary>
        private async Task ScenarioPhase()
        {
            var runId = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture) + Random.Shared.Next(1000, 9999).ToString(CultureInfo.InvariantCulture);
            var rt = new AgentRoundTrip(o.Url, o.Key, runId);
            using var submitter = AgentRoundTrip.NewClient(o.Url, o.Key);
            var binding = new StreamRoundTrip();
            List<AgentRoundTrip.Agent> agents;
            using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
                agents = await rt.CreateAgentsAsync("bench-scn", 2, binding.Registration, cts.Token);
            var bundle = ScenarioRoundTrip.Bundle(agents[0].Name, agents[1].Name);
            var agentErrors = new ErrorLog();
            using var stop = new CancellationTokenSource();
            var agentTasks = agents.Select(ag => Task.Run(() => binding.RunAgentAsync(ag, o.StreamConcurrency, agentErrors, stop.Token))).ToList();
            var warmErrors = new ErrorLog();
            await Load.ClosedAsync(32, o.StreamConcurrency, o.PhaseCap, new Recorder(32), warmErrors,
                (_, ct) => ScenarioRoundTrip.ApplyAndWaitAsync(submitter, bundle, ct));
            Log($"scenario_rt: agents created and warmed up ({warmErrors.Count} errors {string.Join(" | ", warmErrors.First)})");
            var before = binding.Counters(agents);
            await Phase("scenario_rt", $"scenario round trip (2 agent steps + 1 human step), concurrency {o.StreamConcurrency}", o.StreamConcurrency, o.ScenarioOps,
                async (latencies, errors) =>
                {
                    var wall = await Load.ClosedAsync(o.ScenarioOps, o.StreamConcurrency, o.PhaseCap, latencies, errors,
                        (_, ct) => ScenarioRoundTrip.ApplyAndWaitAsync(submitter, bundle, ct));
                    var extra = new Dictionary<string, object> { ["metric"] = ScenarioRoundTrip.Metric, ["steps_per_workflow"] = 3 };
                    foreach (var (counter, value) in binding.Counters(agents)) extra[counter] = value - before.GetValueOrDefault(counter);
                    extra["agent_errors"] = agentErrors.Count;
                    return (wall, extra);
                });
            await stop.CancelAsync();
            await Task.WhenAny(Task.WhenAll(agentTasks), Task.Delay(TimeSpan.FromSeconds(35)));
            foreach (var ag in agents) ag.Http.Dispose();
        }

        private PhaseBody HalfPeakPhase(double rate) => async (latencies, errors) =>
        {
            var service = new Recorder((int)Math.Ceiling(rate * o.HalfPeakSeconds));
            var (wall, scheduled, lag) = await Load.OpenAsync(rate, TimeSpan.FromSeconds(o.HalfPeakSeconds), 256, o.PhaseCap,
                latencies, service, errors, ct => _client.CreateAsync(ct));
            return (wall, new Dictionary<string, object>
            {
                ["metric"] = "latency from the scheduled start (open loop, no coordinated omission)",
                ["target_rate_per_s"] = rate,
                ["scheduled"] = scheduled,
                ["service_time_from_actual_send"] = service.Stats(),
                ["max_dispatch_lag_ms"] = lag,
            });
        };

        private static int Fail(string message)
        {
            Log($"ERROR: {message}");
            return 1;
        }

        public static void Log(string message) =>
            Console.Error.WriteLine($"[{DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] {message}");
    }
}
