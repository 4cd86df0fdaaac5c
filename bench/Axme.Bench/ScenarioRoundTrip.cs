using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Axme.Bench;

/// <summary>
/// "Scenario round trip" (issue 5, item 7): the full/multi-agent workflow — compliance agent step, risk agent
/// step, CAB human sign-off — applied as a ScenarioBundle; the two agents are the bench's stream listeners
/// (they resolve their step intents), and the bench answers the human step as soon as the parent's stream
/// shows intent.human_task_assigned. One op = apply → 'event: intent.completed' on the parent's stream.
/// </summary>
public static class ScenarioRoundTrip
{
    public const string Metric =
        "latency = POST /v1/scenarios/apply sent → 'event: intent.completed' on the parent's stream; two agent steps run by " +
        "the bench's stream listeners (resolve COMPLETED with their keys), the CAB step answered by the submitter (resume task_result approved) " +
        "when the parent's stream shows intent.human_task_assigned";

    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly byte[] Approve = """{"task_result":{"outcome":"approved","comment":"bench"}}"""u8.ToArray();

    /// <summary>The bundle (the shipped full/multi-agent example's shape) for this run's two agents.</summary>
    public static byte[] Bundle(string compliance, string risk) => Encoding.UTF8.GetBytes($$$"""
        {"scenario_id":"bench.multi_agent.v1","title":"bench",
         "agents":[{"role":"compliance","address":"{{{compliance}}}","create_if_missing":true,"delivery_mode":"stream"},
                   {"role":"risk","address":"{{{risk}}}","create_if_missing":true,"delivery_mode":"stream"}],
         "humans":[{"role":"cab","display_name":"Change Advisory Board"}],
         "workflow":{"steps":[
           {"step_id":"compliance_check","tool_id":"tool.agent.task.v1","assigned_to":"compliance","step_deadline_seconds":60},
           {"step_id":"risk_assessment","tool_id":"tool.agent.task.v1","assigned_to":"risk","step_deadline_seconds":60},
           {"step_id":"cab_signoff","tool_id":"tool.approval.human_signoff","assigned_to":"cab","requires_approval":true,
            "step_deadline_seconds":3600,"human_task":{"title":"CAB sign-off"}}]},
         "intent":{"type":"intent.bench.cab_approval.v1","payload":{"change_id":"CHG-1","risk_level":"medium"},"max_delivery_attempts":3}}
        """);

    /// <summary>Submitter side of one workflow: apply, follow the parent's stream, answer the human step, wait for intent.completed.</summary>
    public static async Task ApplyAndWaitAsync(HttpClient submitter, byte[] bundle, CancellationToken ct)
    {
        string id;
        using (var apply = new HttpRequestMessage(HttpMethod.Post, "v1/scenarios/apply") { Content = Body(bundle) })
        using (var response = await submitter.SendAsync(apply, ct))
        {
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            if (!response.IsSuccessStatusCode) throw new BenchHttpException($"apply -> {(int)response.StatusCode} {Encoding.UTF8.GetString(body)}");
            using var doc = JsonDocument.Parse(body);
            id = doc.RootElement.GetProperty("intent_id").GetString()!;
        }
        var since = 0L;
        var answered = false;
        for (var window = 0; window < 3; window++)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(TimeSpan.FromSeconds(40));
            using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/intents/{id}/events/stream?since={since}&wait_seconds=30");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            using var response = await submitter.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            if (!response.IsSuccessStatusCode) throw new BenchHttpException($"parent stream -> {(int)response.StatusCode}", response.StatusCode);
            await using var stream = await response.Content.ReadAsStreamAsync(cts.Token);
            using var reader = new StreamReader(stream);
            var done = false;
            while (await reader.ReadLineAsync(cts.Token) is { } line)
            {
                if (line.StartsWith("id: ", StringComparison.Ordinal) && long.TryParse(line.AsSpan(4), out var seq)) since = Math.Max(since, seq);
                else if (line == "event: intent.human_task_assigned" && !answered)
                {
                    answered = true;
                    using var resume = new HttpRequestMessage(HttpMethod.Post, $"v1/intents/{id}/resume") { Content = Body(Approve) };
                    using var r = await submitter.SendAsync(resume, cts.Token);
                    if (!r.IsSuccessStatusCode) throw new BenchHttpException($"resume {id} -> {(int)r.StatusCode} {await r.Content.ReadAsStringAsync(cts.Token)}");
                }
                else if (line == "event: intent.completed") done = true;
                else if (!done && line is "event: intent.failed" or "event: intent.timed_out" or "event: intent.canceled")
                    throw new BenchHttpException($"workflow {id}: {line}");
            }
            if (done) return;
        }
        throw new BenchHttpException($"workflow {id}: no intent.completed within 3 stream windows");
    }

    private static ByteArrayContent Body(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = Json;
        return content;
    }
}
