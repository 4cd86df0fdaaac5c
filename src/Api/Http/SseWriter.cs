using System.Buffers;
using System.Text;
using Axme.Contracts;
using Microsoft.AspNetCore.Http.Features;

namespace Axme.Api.Http;

/// <summary>
/// Writes Server-Sent Events exactly as the official clients parse them (PROTOCOL §5.6.1): "id: ",
/// "event: ", one single-line "data: " JSON object, a blank line; one space after each colon; a flush
/// per message, or per group of messages ready at once (<see cref="Append"/>). Hand-written rather than
/// TypedResults.ServerSentEvents because the protocol needs keepalive comment lines and a fixed field order,
/// which SseFormatter does not offer.
/// </summary>
public sealed class SseWriter
{
    /// <summary>Go's default scanner (CLI agents) stops at 64 KiB a line; stay well below.</summary>
    public const int MaxDataBytes = 60 * 1024;

    private readonly HttpResponse _response;

    private SseWriter(HttpResponse response) => _response = response;

    /// <summary>Sends the SSE headers and disables buffering so every message leaves at once.</summary>
    public static async Task<SseWriter> StartAsync(HttpContext http)
    {
        http.Response.StatusCode = 200;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await http.Response.Body.FlushAsync(http.RequestAborted);
        return new SseWriter(http.Response);
    }

    public Task EventAsync<T>(long id, string eventType, T data, CancellationToken ct)
    {
        Append(id, eventType, data);
        return FlushAsync(ct);
    }

    /// <summary>A message without an id (stream.timeout must not carry one).</summary>
    public Task EventAsync<T>(string eventType, T data, CancellationToken ct)
    {
        Put($"event: {eventType}\ndata: ");
        Put(Fit(data));
        Put("\n\n");
        return FlushAsync(ct);
    }

    public Task KeepAliveAsync(CancellationToken ct)
    {
        Put(": keepalive\n\n");
        return FlushAsync(ct);
    }

    /// <summary>
    /// Buffers a message without sending it: messages that are ready together (the events of one commit) leave in one
    /// write at the next <see cref="FlushAsync"/>, not one send and one wake-up of the listener each.
    /// </summary>
    public void Append<T>(long id, string eventType, T data) => AppendData(id, eventType, Fit(data));

    /// <summary><see cref="Append"/> with a data line serialised before (<see cref="Fit"/>), for one written to several streams.</summary>
    public void AppendData(long id, string eventType, byte[] data)
    {
        Put($"id: {id}\nevent: {eventType}\ndata: ");
        Put(data);
        Put("\n\n");
    }

    /// <summary>Sends what was appended.</summary>
    public async Task FlushAsync(CancellationToken ct) => await _response.BodyWriter.FlushAsync(ct);

    private void Put(string text) => Encoding.UTF8.GetBytes(text, _response.BodyWriter);

    private void Put(ReadOnlySpan<byte> utf8) => _response.BodyWriter.Write(utf8);

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
