using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axme.Client;

/// <summary>
/// A non-2xx answer from the node. <see cref="Code"/> and <see cref="Exception.Message"/> come from the body
/// (PROTOCOL §4.1: <c>error.code</c>/<c>error.message</c>, else <c>error</c> as a string, <c>message</c>,
/// <c>detail</c>, or the raw text). Subclasses name the status family.
/// </summary>
public class AxmeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AxmeException(HttpStatusCode status, string? code, string message, JsonObject? details, string? body)
        : base(message)
    {
        StatusCode = status;
        Code = code;
        Details = details;
        Body = body;
    }

    /// <summary>The HTTP status.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The server's stable <c>error.code</c> (e.g. <c>not_found</c>, <c>invalid_status</c>), when it sent one.</summary>
    public string? Code { get; }

    /// <summary>The server's <c>error.details</c> (for 422: the invalid fields and what is wrong with them).</summary>
    public JsonObject? Details { get; }

    /// <summary>The raw response body.</summary>
    public string? Body { get; }

    /// <summary>The exception type for a status and body.</summary>
    internal static AxmeException From(HttpStatusCode status, string? body, TimeSpan? retryAfter)
    {
        var (code, message, details) = Parse(body);
        message ??= $"HTTP {(int)status}";
        return (int)status switch
        {
            401 or 403 => new AxmeAuthException(status, code, message, details, body),
            404 => new AxmeNotFoundException(status, code, message, details, body),
            409 => new AxmeConflictException(status, code, message, details, body),
            400 or 413 or 422 => new AxmeValidationException(status, code, message, details, body),
            429 => new AxmeRateLimitException(status, code, message, details, body, retryAfter),
            >= 500 => new AxmeServerException(status, code, message, details, body),
            _ => new AxmeException(status, code, message, details, body),
        };
    }

    private static (string? Code, string? Message, JsonObject? Details) Parse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return (null, null, null);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return (null, body.Length > 500 ? body[..500] : body, null);
        }
        if (root is not JsonObject o) return (null, root?.ToString(), null);
        string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (o["error"] is JsonObject error)
            return (Str(error["code"]), Str(error["message"]) ?? Str(o["detail"]), error["details"] as JsonObject);
        var detail = o["detail"] is JsonArray list && list.Count > 0 ? Str(list[0]?["msg"]) : Str(o["detail"]);
        return (null, Str(o["error"]) ?? Str(o["message"]) ?? detail, null);
    }
}

/// <summary>401 or 403: the key (or actor token) is missing, invalid, or not allowed to do this.</summary>
public sealed class AxmeAuthException(HttpStatusCode status, string? code, string message, JsonObject? details, string? body)
    : AxmeException(status, code, message, details, body);

/// <summary>404: the intent, agent, task, subscription or event does not exist (or is not visible to the caller).</summary>
public sealed class AxmeNotFoundException(HttpStatusCode status, string? code, string message, JsonObject? details, string? body)
    : AxmeException(status, code, message, details, body);

/// <summary>409: a terminal intent, an approval already decided, a policy_generation mismatch, or an idempotency key reused with another body.</summary>
public sealed class AxmeConflictException(HttpStatusCode status, string? code, string message, JsonObject? details, string? body)
    : AxmeException(status, code, message, details, body);

/// <summary>400, 413 or 422: the request is invalid; <see cref="AxmeException.Details"/> names the fields.</summary>
public sealed class AxmeValidationException(HttpStatusCode status, string? code, string message, JsonObject? details, string? body)
    : AxmeException(status, code, message, details, body);

/// <summary>429: rate limit or quota; thrown once the retries are spent.</summary>
public sealed class AxmeRateLimitException(HttpStatusCode status, string? code, string message, JsonObject? details, string? body, TimeSpan? retryAfter)
    : AxmeException(status, code, message, details, body)
{
    /// <summary>The server's <c>Retry-After</c>, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>5xx: the node failed; thrown once the retries (for 502, 503, 504) are spent.</summary>
public sealed class AxmeServerException(HttpStatusCode status, string? code, string message, JsonObject? details, string? body)
    : AxmeException(status, code, message, details, body);
