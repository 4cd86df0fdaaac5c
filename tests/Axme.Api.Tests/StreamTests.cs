using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Api.Tests;

[Collection(NodeCollection.Name)]
public sealed class StreamTests(NodeFixture f)
{
    private async Task<string> CreateAsync() =>
        (await f.A.PostAsync("/v1/intents", new { intent_type = "intent.test.stream.v1", to_agent = "agent://acme/prod/w" })).Ok()["intent_id"].Str();

    [Fact]
    public async Task Wire_format_is_pinned_exactly()
    {
        var id = await CreateAsync();
        (await f.A.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED", result = new { v = 1 } })).Ok();
        var sse = await SseClient.ReadAsync(f.A, $"/v1/intents/{id}/events/stream?since=3&wait_seconds=5", TimeSpan.FromSeconds(15));
        Assert.Equal(200, sse.StatusCode);
        Assert.Equal("text/event-stream", sse.ContentType);
        var raw = sse.Raw.ToString();
        // One message: id, event, one single-line data; then stream.timeout without id; then the server closes.
        var lines = raw.Split('\n');
        Assert.Equal("id: 4", lines[0]);
        Assert.Equal("event: intent.completed", lines[1]);
        Assert.StartsWith("data: {\"intent_id\":\"" + id + "\",\"seq\":4,\"event_type\":\"intent.completed\",\"status\":\"COMPLETED\",\"at\":\"", lines[2]);
        Assert.Equal("", lines[3]);
        Assert.Equal("event: stream.timeout", lines[4]);
        Assert.Equal("data: {\"next_seq\":4}", lines[5]);
        Assert.Equal("", lines[6]);
        Assert.Equal(8, lines.Length); // trailing newline
        var data = JsonNode.Parse(sse.Messages[0].Data!)!;
        Assert.Equal(4, data["seq"]!.GetValue<int>());
        Assert.Equal(1, data["details"]!["result"]!["v"]!.GetValue<int>());
        Assert.True(sse.Elapsed < TimeSpan.FromSeconds(3), "closes right after the terminal event");
    }

    [Fact]
    public async Task Replays_after_since_then_pushes_live_events_and_closes_after_the_terminal_one()
    {
        var id = await CreateAsync();
        var opened = new TaskCompletionSource();
        var reading = SseClient.ReadAsync(f.A, $"/v1/intents/{id}/events/stream?since=0&wait_seconds=30", TimeSpan.FromSeconds(40),
            onOpen: () => opened.TrySetResult());
        await opened.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(300);
        (await f.A.PostAsync($"/v1/intents/{id}/resolve", new { status = "CANCELED", reason = "stop" })).Ok();
        var sse = await reading;
        var events = sse.Messages.Where(m => m.Event?.StartsWith("intent.") == true).ToList(); // keepalives have no event
        Assert.Equal(["intent.created", "intent.submitted", "intent.canceled"], events.Select(m => m.Event));
        Assert.Equal(["1", "2", "3"], events.Select(m => m.Id));
        Assert.All(events, m => Assert.Equal(m.Id, JsonNode.Parse(m.Data!)!["seq"]!.GetValue<int>().ToString()));
        Assert.True(sse.Elapsed < TimeSpan.FromSeconds(20), "closed after the terminal event, not at the end of the window");
    }

    [Fact]
    public async Task An_idle_stream_sends_keepalives_and_ends_with_stream_timeout_within_wait_seconds()
    {
        var id = await CreateAsync();
        var sse = await SseClient.ReadAsync(f.A, $"/v1/intents/{id}/events/stream?since=2&wait_seconds=3", TimeSpan.FromSeconds(15));
        Assert.Contains(sse.Messages, m => m.Comments.Contains(": keepalive"));
        var last = sse.Messages[^1];
        Assert.Equal("stream.timeout", last.Event);
        Assert.Null(last.Id);
        Assert.Equal(2, JsonNode.Parse(last.Data!)!["next_seq"]!.GetValue<int>());
        Assert.InRange(sse.Elapsed, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(6));
        Assert.DoesNotContain(sse.Messages, m => m.Event?.StartsWith("intent.") == true);
    }

    [Fact]
    public async Task Last_Event_ID_resumes_when_since_is_absent()
    {
        var id = await CreateAsync();
        (await f.A.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED" })).Ok();
        var sse = await SseClient.ReadAsync(f.A, $"/v1/intents/{id}/events/stream?wait_seconds=2", TimeSpan.FromSeconds(10),
            configure: r => r.Headers.Add("Last-Event-ID", "2"));
        Assert.Equal(["3", "4"], sse.Messages.Where(m => m.Id is not null).Select(m => m.Id));
    }

    [Fact]
    public async Task Many_listeners_all_receive_a_live_event()
    {
        var id = await CreateAsync();
        var opened = Enumerable.Range(0, 5).Select(_ => new TaskCompletionSource()).ToArray();
        var readers = opened.Select(o => SseClient.ReadAsync(f.A, $"/v1/intents/{id}/events/stream?since=2&wait_seconds=20",
            TimeSpan.FromSeconds(30), onOpen: () => o.TrySetResult())).ToArray();
        await Task.WhenAll(opened.Select(o => o.Task)).WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(300);
        (await f.A.PostAsync($"/v1/intents/{id}/resume", new { outcome = "success", result = new { done = true } })).Ok();
        foreach (var sse in await Task.WhenAll(readers))
            Assert.Equal(["intent.in_progress", "intent.completed"], sse.Messages.Where(m => m.Id is not null).Select(m => m.Event));
    }
}
