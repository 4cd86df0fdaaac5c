using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axme.Testing;

/// <summary>A JSON HTTP response: status, raw text and parsed body.</summary>
public sealed record JsonResponse(HttpStatusCode Status, string Text, JsonObject Body, HttpResponseMessage Message)
{
    public JsonNode? this[string name] => Body[name];
}

/// <summary>JSON over HTTP for tests: the official clients' way (x-api-key, application/json).</summary>
public static class HttpJson
{
    public static Task<JsonResponse> PostAsync(this HttpClient http, string path, object? body = null, string? idempotencyKey = null, string? rawBody = null) =>
        http.SendJsonAsync(HttpMethod.Post, path, body, idempotencyKey, rawBody);

    public static Task<JsonResponse> GetJsonAsync(this HttpClient http, string path) =>
        http.SendJsonAsync(HttpMethod.Get, path);

    public static async Task<JsonResponse> SendJsonAsync(this HttpClient http, HttpMethod method, string path, object? body = null,
        string? idempotencyKey = null, string? rawBody = null)
    {
        using var request = new HttpRequestMessage(method, path);
        var text = rawBody ?? (body is null ? null : body as string ?? JsonSerializer.Serialize(body));
        if (text is not null) request.Content = new StringContent(text, Encoding.UTF8, "application/json");
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        var response = await http.SendAsync(request);
        var responseText = await response.Content.ReadAsStringAsync();
        JsonObject parsed;
        try
        {
            parsed = JsonNode.Parse(responseText) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode} with a non-object body: {responseText}", e);
        }
        return new JsonResponse(response.StatusCode, responseText, parsed, response);
    }

    /// <summary>Asserts 200 and ok:true, with the body in the failure message.</summary>
    public static JsonResponse Ok(this JsonResponse r)
    {
        if (r.Status != HttpStatusCode.OK || r.Body["ok"]?.GetValue<bool>() != true)
            throw new Xunit.Sdk.XunitException($"expected 200 ok:true, got {(int)r.Status}: {r.Text}");
        return r;
    }

    /// <summary>Asserts a protocol error body (PROTOCOL §4.1) with the given status and code.</summary>
    public static JsonResponse Error(this JsonResponse r, HttpStatusCode status, string? code = null)
    {
        var actualCode = r.Body["error"]?["code"]?.GetValue<string>();
        var ok = r.Status == status && r.Body["ok"]?.GetValue<bool>() == false
                 && r.Body["error"]?["message"] is not null && r.Body["detail"] is JsonValue
                 && (code is null || actualCode == code);
        if (!ok) throw new Xunit.Sdk.XunitException($"expected {(int)status} {code}, got {(int)r.Status}: {r.Text}");
        return r;
    }

    public static string Str(this JsonNode? node) => node?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException("missing string");
}
