using System.Net;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>A node that holds at most 3 streams, 2 per key.</summary>
public sealed class StreamLimitedNodeFixture() : NodeFixture("api-streams", new Dictionary<string, string>
{
    ["Axme__Api__MaxStreams"] = "3",
    ["Axme__Api__MaxStreamsPerKey"] = "2",
});

/// <summary>Held-open requests are bounded per node and per key (issue 11 item 6): past either, 503 with Retry-After.</summary>
public sealed class StreamLimitTests(StreamLimitedNodeFixture f) : IClassFixture<StreamLimitedNodeFixture>
{
    /// <summary>Opens a stream and keeps it open (headers read, body not); the status says whether it was taken.</summary>
    private static async Task<HttpResponseMessage> OpenAsync(HttpClient client, string path) =>
        await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseHeadersRead);

    [Fact]
    public async Task Past_the_per_key_and_the_node_limit_a_stream_is_503_with_retry_after_and_a_closed_one_frees_its_slot()
    {
        var id = (await f.A.PostAsync("/v1/intents", new { intent_type = "intent.test.streams.v1", to_agent = "nobody" })).Ok()["intent_id"].Str();
        var intentStream = $"/v1/intents/{id}/events/stream?wait_seconds=60";
        var agentName = f.AgentA[(f.AgentA.LastIndexOf('/') + 1)..];
        using var a1 = await OpenAsync(f.A, intentStream);
        using var a2 = await OpenAsync(f.A, $"/v1/agents/{agentName}/intents/stream?wait_seconds=60");
        Assert.Equal(HttpStatusCode.OK, a1.StatusCode);
        Assert.Equal(HttpStatusCode.OK, a2.StatusCode);

        using var a3 = await OpenAsync(f.A, intentStream); // the key's third
        Assert.Equal(HttpStatusCode.ServiceUnavailable, a3.StatusCode);
        Assert.Contains("too_many_streams", await a3.Content.ReadAsStringAsync());
        Assert.Equal(TimeSpan.FromSeconds(5), a3.Headers.RetryAfter!.Delta);
        var wait = await McpTests.ErrorAsync(f.A, "tools/call", new { name = "axme.intents_wait", arguments = new { intent_id = id, timeout_seconds = 1 } }, -32004);
        Assert.Equal(503, wait["data"]!["http_status"]!.GetValue<int>());

        using var b1 = await OpenAsync(f.Admin, intentStream); // another key: the node's third
        Assert.Equal(HttpStatusCode.OK, b1.StatusCode);
        using var full = await OpenAsync(f.Admin, intentStream); // the node's fourth
        Assert.Equal(HttpStatusCode.ServiceUnavailable, full.StatusCode);

        Assert.DoesNotContain("Unhandled error", f.Node.Output); // shedding is deliberate: no error log per refused stream

        a1.Dispose(); // the client goes away: the node notices and gives the slot back
        using var again = await Poll.UntilAsync(() => OpenAsync(f.A, intentStream), r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(15), "a freed slot");
    }
}
