using System.Net.Http.Headers;
using System.Text.Json;

namespace Axme.Bench;

/// <summary>
/// "Stream round trip" (issue 3): A agents, each a service account with its own key and its own long-lived
/// listener on GET /v1/agents/{name}/intents/stream (reconnecting with its cursor, wait_seconds=15), resolve
/// what they are delivered; the submitter side is <see cref="AgentRoundTrip.SubmitAndWaitAsync"/>.
/// </summary>
public sealed class StreamRoundTrip : AgentBinding
{
    private long _reconnects;

    public override string Kind => "stream";

    public override string Description => "stream round trip";

    public override string Metric =>
        "latency = create sent → 'event: intent.completed' read on the submitter's intent stream (since=2); " +
        "each agent: own service account + key, one long-lived listener (wait_seconds=15, reconnects with its cursor), resolves COMPLETED with its key";

    public override Dictionary<string, long> Counters(IReadOnlyList<AgentRoundTrip.Agent> agents)
    {
        var counters = base.Counters(agents);
        counters["agent_stream_reconnects"] = Interlocked.Read(ref _reconnects);
        return counters;
    }

    /// <summary>One agent's listener: reconnects with its cursor until <paramref name="stop"/>; every delivery goes to its resolver.</summary>
    public override async Task RunAgentAsync(AgentRoundTrip.Agent agent, int maxInFlight, ErrorLog errors, CancellationToken stop)
    {
        long cursor = 0;
        using var resolver = new AgentRoundTrip.Resolver(agent, maxInFlight, errors);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/agents/{agent.Name}/intents/stream?since={cursor}&wait_seconds=15");
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                using var window = CancellationTokenSource.CreateLinkedTokenSource(stop);
                window.CancelAfter(TimeSpan.FromSeconds(25));
                using var response = await agent.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, window.Token);
                if (!response.IsSuccessStatusCode)
                    throw new BenchHttpException($"agent stream {agent.Name} -> {(int)response.StatusCode}", response.StatusCode);
                await using var stream = await response.Content.ReadAsStreamAsync(window.Token);
                using var reader = new StreamReader(stream);
                string? evt = null;
                while (await reader.ReadLineAsync(window.Token) is { } line)
                {
                    if (line.StartsWith("id: ", StringComparison.Ordinal) && long.TryParse(line.AsSpan(4), out var id)) cursor = Math.Max(cursor, id);
                    else if (line.StartsWith("event: ", StringComparison.Ordinal)) evt = line[7..];
                    else if (line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        using var doc = JsonDocument.Parse(line.AsMemory(6));
                        if (evt == "stream.timeout" && doc.RootElement.TryGetProperty("next_seq", out var next)) cursor = Math.Max(cursor, next.GetInt64());
                        else if (evt == "intent.delivered" && doc.RootElement.TryGetProperty("intent_id", out var iid) && iid.GetString() is { } intentId)
                            await resolver.StartAsync(intentId, stop);
                        evt = null;
                    }
                }
                Interlocked.Increment(ref _reconnects);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                errors.Add(e);
                try { await Task.Delay(200, stop); } catch (OperationCanceledException) { break; }
            }
        }
        await resolver.DrainAsync();
    }
}
