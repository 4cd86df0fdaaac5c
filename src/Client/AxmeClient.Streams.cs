using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axme.Client;

public sealed partial class AxmeClient
{
    /// <summary>
    /// The intent's events after <paramref name="since"/>, live, ending after the terminal event. Follows
    /// the SSE stream (GET /v1/intents/{id}/events/stream); when the server ends a window
    /// (<c>stream.timeout</c>) or the connection breaks, it reconnects with <c>since</c> = the last seq
    /// seen, so no event is missed or repeated. After
    /// <see cref="AxmeClientOptions.StreamFailuresBeforePolling"/> failed connections in a row (or when
    /// the node has no stream route) it polls GET …/events?since= instead.
    /// </summary>
    /// <param name="intentId">The intent.</param>
    /// <param name="since">Exclusive cursor: the last seq already seen (0 for the whole history).</param>
    /// <param name="ct">Ends the enumeration.</param>
    public async IAsyncEnumerable<IntentEvent> ObserveAsync(string intentId, long since = 0, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var path = $"v1/intents/{Seg(intentId)}/events/stream";
        var last = since;
        var failures = 0;
        while (failures < _options.StreamFailuresBeforePolling)
        {
            var ended = false;
            await using (var frames = StreamAsync($"{path}?since={last}&wait_seconds={_options.StreamWaitSeconds}", ct).GetAsyncEnumerator(ct))
            {
                while (true)
                {
                    var (frame, failure) = await NextFrameAsync(frames, ct);
                    if (frame is null)
                    {
                        // No stream route on this node: poll straight away.
                        if (failure is AxmeException { StatusCode: System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.MethodNotAllowed or System.Net.HttpStatusCode.NotImplemented })
                            failures = _options.StreamFailuresBeforePolling;
                        break;
                    }
                    if (frame.Event == "stream.timeout")
                    {
                        ended = true;
                        break;
                    }
                    if (frame.Event?.StartsWith("intent.", StringComparison.Ordinal) != true || Parse<IntentEvent>(frame.Data) is not { } e2) continue;
                    if (e2.Seq <= last) continue;
                    last = e2.Seq;
                    failures = 0;
                    yield return e2;
                    if (e2.IsTerminal) yield break;
                }
            }
            if (ended) continue;
            failures++;
            if (failures < _options.StreamFailuresBeforePolling) await Task.Delay(Backoff(failures - 1, null), ct);
        }

        // Fallback: poll the durable event list.
        while (true)
        {
            foreach (var e in await ListIntentEventsAsync(intentId, last, ct))
            {
                if (e.Seq <= last) continue;
                last = e.Seq;
                yield return e;
                if (e.IsTerminal) yield break;
            }
            await Task.Delay(_options.PollInterval, ct);
        }
    }

    /// <summary>
    /// The agent's deliveries (GET /v1/agents/{address}/intents/stream, PROTOCOL §6.4), forever: each is
    /// an intent handed to the agent (status DELIVERED) that it should handle and then resolve or resume.
    /// Reconnects when the server ends a window or the connection breaks, with <c>since</c> = the largest
    /// cursor seen, backing off while the node is unreachable. Auth and validation errors are thrown.
    /// </summary>
    /// <param name="agent">The agent's address (or its bare name in the key's workspace).</param>
    /// <param name="since">Exclusive stream cursor (<see cref="AgentDelivery.Seq"/>); 0 for every pending delivery.</param>
    /// <param name="ct">Ends the enumeration.</param>
    public async IAsyncEnumerable<AgentDelivery> ListenAsync(string agent, long since = 0, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var path = $"v1/agents/{AgentPath(agent)}/intents/stream";
        var cursor = since;
        var failures = 0;
        while (true)
        {
            var ended = false;
            await using (var frames = StreamAsync($"{path}?since={cursor}&wait_seconds={_options.StreamWaitSeconds}", ct).GetAsyncEnumerator(ct))
            {
                while (true)
                {
                    var (frame, failure) = await NextFrameAsync(frames, ct);
                    // An unknown agent stays unknown: tell the caller instead of reconnecting forever.
                    if (failure is AxmeNotFoundException) ExceptionDispatchInfo.Throw(failure);
                    if (frame is null) break;
                    if (frame.Event == "stream.timeout")
                    {
                        ended = true;
                        break;
                    }
                    if (frame.Event?.StartsWith("intent.", StringComparison.Ordinal) != true || Parse<AgentDelivery>(frame.Data) is not { } d) continue;
                    cursor = Math.Max(cursor, d.Seq ?? cursor);
                    failures = 0;
                    yield return d;
                }
            }
            if (ended) continue;
            await Task.Delay(Backoff(Math.Min(failures++, 6), null), ct);
        }
    }

    /// <summary>The next message of a stream; (null, null) at its end, (null, failure) when it broke in a way worth reconnecting for.</summary>
    private static async Task<(SseFrame? Frame, Exception? Failure)> NextFrameAsync(IAsyncEnumerator<SseFrame> frames, CancellationToken ct)
    {
        try
        {
            return await frames.MoveNextAsync() ? (frames.Current, null) : (null, null);
        }
        catch (Exception e) when (IsStreamFailure(e, ct))
        {
            return (null, e);
        }
    }

    /// <summary>One SSE message: its id, event name and data.</summary>
    private sealed record SseFrame(string? Id, string? Event, string Data);

    /// <summary>Opens an SSE response and yields its messages until the server closes it; an idle stream (no bytes, not even keepalives) counts as broken.</summary>
    private async IAsyncEnumerable<SseFrame> StreamAsync(string pathAndQuery, [EnumeratorCancellation] CancellationToken ct)
    {
        using var response = await SendWithRetriesAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_base, pathAndQuery));
            request.Headers.Accept.ParseAdd("text/event-stream");
            return request;
        }, HttpCompletionOption.ResponseHeadersRead, retryable: false, ct);
        var idle = TimeSpan.FromSeconds(_options.StreamWaitSeconds + 15);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(body, Encoding.UTF8);
        string? id = null, name = null;
        var data = new StringBuilder();
        var hasData = false;
        while (true)
        {
            string? line;
            using (var tick = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                tick.CancelAfter(idle);
                try
                {
                    line = await reader.ReadLineAsync(tick.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new TimeoutException($"no bytes on the stream for {idle}");
                }
            }
            if (line is null) yield break;
            if (line.Length == 0)
            {
                if (hasData) yield return new SseFrame(id, name, data.ToString());
                id = name = null;
                data.Clear();
                hasData = false;
                continue;
            }
            if (line[0] == ':') continue; // keepalive comment
            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' ')) value = value[1..];
            switch (field)
            {
                case "id": id = value; break;
                case "event": name = value; break;
                case "data":
                    if (hasData) data.Append('\n');
                    data.Append(value);
                    hasData = true;
                    break;
            }
        }
    }

    /// <summary>A failure after which a stream is reconnected: connection, idle timeout, 429, 5xx, 404/405/501.</summary>
    private static bool IsStreamFailure(Exception e, CancellationToken ct) =>
        IsTransient(e, ct) || e is AxmeRateLimitException or AxmeServerException or AxmeNotFoundException
        || e is AxmeException { StatusCode: System.Net.HttpStatusCode.MethodNotAllowed };

    /// <summary>The message's data as a model; null when it is not a JSON object (such messages are skipped).</summary>
    private static T? Parse<T>(string data) where T : class
    {
        try
        {
            return JsonNode.Parse(data) is JsonObject o ? ContractJson.Read<T>(o) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
