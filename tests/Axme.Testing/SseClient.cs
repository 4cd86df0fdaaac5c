using System.Diagnostics;
using System.Text;

namespace Axme.Testing;

/// <summary>One SSE message as a strict client (the Go CLI) parses it.</summary>
public sealed record SseMessage(string? Id, string? Event, string? Data, IReadOnlyList<string> Comments, TimeSpan At);

/// <summary>A real SSE client over HTTP: reads lines as they arrive and splits them into messages.</summary>
public sealed class SseClient
{
    public List<SseMessage> Messages { get; } = [];
    /// <summary>The exact text received.</summary>
    public StringBuilder Raw { get; } = new();
    public int StatusCode { get; private set; }
    public string? ContentType { get; private set; }
    public TimeSpan Elapsed { get; private set; }

    /// <summary>Reads until the server closes the response (or the timeout passes); stopWhen may end it early.</summary>
    public static async Task<SseClient> ReadAsync(HttpClient http, string path, TimeSpan timeout,
        Func<SseMessage, bool>? stopWhen = null, Action<HttpRequestMessage>? configure = null, Action? onOpen = null)
    {
        var client = new SseClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        configure?.Invoke(request);
        using var cts = new CancellationTokenSource(timeout);
        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        client.StatusCode = (int)response.StatusCode;
        client.ContentType = response.Content.Headers.ContentType?.MediaType;
        if (!response.IsSuccessStatusCode)
        {
            client.Raw.Append(await response.Content.ReadAsStringAsync(cts.Token));
            return client;
        }
        onOpen?.Invoke();
        await using var stream = await response.Content.ReadAsStreamAsync(cts.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? id = null, ev = null, data = null;
        var comments = new List<string>();
        try
        {
            while (await reader.ReadLineAsync(cts.Token) is { } line)
            {
                client.Raw.Append(line).Append('\n');
                if (line.Length == 0)
                {
                    if (id is not null || ev is not null || data is not null || comments.Count > 0)
                    {
                        var message = new SseMessage(id, ev, data, comments.ToArray(), clock.Elapsed);
                        client.Messages.Add(message);
                        if (stopWhen?.Invoke(message) == true) break;
                    }
                    id = ev = data = null;
                    comments.Clear();
                }
                else if (line.StartsWith(':')) comments.Add(line);
                else if (line.StartsWith("id: ")) id = line[4..];
                else if (line.StartsWith("event: ")) ev = line[7..];
                else if (line.StartsWith("data: ")) data = line[6..];
                else throw new Xunit.Sdk.XunitException($"line not in the strict SSE form: '{line}'");
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"SSE response not closed within {timeout}; got:\n{client.Raw}");
        }
        client.Elapsed = clock.Elapsed;
        return client;
    }
}
