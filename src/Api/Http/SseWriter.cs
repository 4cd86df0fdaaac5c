using System.Buffers;
using System.Text;
using Axme.Contracts;
using Microsoft.AspNetCore.Http.Features;

namespace Axme.Api.Http;

/// <summary>
/// Writes Server-Sent Events exactly as the official clients parse them (PROTOCOL §5.6.1): "id: ",
/// "event: ", one single-line "data: " JSON object, a blank line; one space after each colon; a flush
/// per message, or per group of messages ready at once (<see cref="AppendAsync"/>): every flush is a send and a wake-up
/// of the listener, so messages that are ready together leave together (the headers with the backlog, the last
/// events with the closing frame and the end of the response). Hand-written rather than
/// TypedResults.ServerSentEvents because the protocol needs keepalive comment lines and a fixed field order,
/// which SseFormatter does not offer.
/// </summary>
public sealed class SseWriter
{
    /// <summary>Go's default scanner (CLI agents) stops at 64 KiB a line; stay well below.</summary>
    public const int MaxDataBytes = 60 * 1024;

    /// <summary>Appended bytes past which an append sends what is buffered: a long backlog leaves in pieces of about this
    /// size instead of being held in memory whole.</summary>
    public const int FlushAtBytes = 64 * 1024;

    private readonly HttpResponse _response;
    private readonly CancellationToken _aborted;
    private long _unflushed;

    private SseWriter(HttpResponse response, CancellationToken aborted) => (_response, _aborted) = (response, aborted);

    /// <summary>
    /// Starts the response without sending anything yet: the headers leave with the first flush, together with what
    /// was appended before it. The caller flushes at once when it has nothing to send (a listener waits for the headers).
    /// </summary>
    public static SseWriter Start(HttpContext http)
    {
        http.Response.StatusCode = 200;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        return new SseWriter(http.Response, http.RequestAborted);
    }

    /// <summary>
    /// Appends the message that ends the window, without an id (stream.timeout must not carry one), and sends nothing:
    /// the caller returns, and the end of the response sends it with whatever is still appended and the chunked
    /// terminator, in one write.
    /// </summary>
    public void AppendLast<T>(string eventType, T data)
    {
        Put($"event: {eventType}\ndata: ");
        Put(Fit(data));
        Put("\n\n");
    }

    public Task KeepAliveAsync()
    {
        Put(": keepalive\n\n");
        return FlushAsync();
    }

    /// <summary>
    /// Buffers a message: messages that are ready together (the events of one commit) leave in one write at the next
    /// <see cref="FlushAsync"/>, not one send and one wake-up of the listener each. Sends only once
    /// <see cref="FlushAtBytes"/> are buffered.
    /// </summary>
    public ValueTask AppendAsync<T>(long id, string eventType, T data) => AppendDataAsync(id, eventType, Fit(data));

    /// <summary><see cref="AppendAsync"/> with a data line serialised before (<see cref="Fit"/>), for one written to several streams.</summary>
    public ValueTask AppendDataAsync(long id, string eventType, byte[] data)
    {
        Put($"id: {id}\nevent: {eventType}\ndata: ");
        Put(data);
        Put("\n\n");
        return _unflushed >= FlushAtBytes ? new ValueTask(FlushAsync()) : ValueTask.CompletedTask;
    }

    /// <summary>Sends what was appended (the headers too, the first time).</summary>
    public async Task FlushAsync()
    {
        _unflushed = 0;
        await _response.BodyWriter.FlushAsync(_aborted);
    }

    private void Put(string text) => _unflushed += Encoding.UTF8.GetBytes(text, _response.BodyWriter);

    private void Put(ReadOnlySpan<byte> utf8)
    {
        _response.BodyWriter.Write(utf8);
        _unflushed += utf8.Length;
    }

    /// <summary>The contract as compact one-line JSON; bulky members are dropped when the line would be too long (clients can GET the intent).</summary>
    public static byte[] Fit<T>(T data)
    {
        var utf8 = AxpJson.Utf8(data);
        if (utf8.Length <= MaxDataBytes) return utf8;
        var slim = AxpJson.Node(data);
        foreach (var bulky in new[] { "details", "human_task", "payload", "result" })
            if (slim.Remove(bulky)) slim["truncated"] = true;
        return Encoding.UTF8.GetBytes(slim.ToJsonString());
    }
}
