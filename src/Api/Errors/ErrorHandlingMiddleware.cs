using System.Text.Json;
using Axme.Grains.Interfaces.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Axme.Api.Errors;

/// <summary>
/// Turns every failure into the protocol's JSON error body in one place: a refusal from a grain or a
/// validator keeps its 4xx status and code; malformed input is a 4xx; a transient failure of the database or the
/// cluster (<see cref="Transient"/>) is a 503 with Retry-After; anything else is a 500 whose body says nothing
/// about internals (the log has the details).
/// </summary>
public sealed partial class ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http);
        }
        catch (Exception e) when (!http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
        {
            var (status, code, message, details) = Classify(e);
            if (status == 503 && e is not ProtocolException or ProtocolException { Code: "unavailable" })
                LogTransient(e.GetType().Name, e.Message, http.Request.Method, http.Request.Path);
            // Any other refusal is deliberate, a 503 too (a node shedding streams): not an error, and a crowd of them
            // must not fill the log.
            else if (e is ProtocolException) LogRefused(status, code, http.Request.Method, http.Request.Path);
            else if (status >= 500) LogUnhandled(e, http.Request.Method, http.Request.Path);
            http.Response.Clear();
            // A refusal that says when to come back (a busy node, a spent budget) says it in the header clients read.
            if (details?.GetValueOrDefault("retry_after") is { } after) http.Response.Headers.RetryAfter = after;
            await ErrorBody.WriteAsync(http, status, code, message, details);
        }
        catch (Exception e) when (http.RequestAborted.IsCancellationRequested && (e is OperationCanceledException || Transient.Is(e)))
        {
            // The client went away and then the cluster or the database failed the call: nobody to answer, nothing
            // wrong with the node (a listener that stopped reading while a silo died). Logged by the framework as an
            // unhandled error before, hundreds of lines per killed node.
            LogClientGone(e.GetType().Name, http.Request.Method, http.Request.Path);
        }
    }

    private static (int, string, string, IReadOnlyDictionary<string, string>?) Classify(Exception e) => e switch
    {
        ProtocolException p => (p.Status, p.Code, p.Message, p.Details),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            (413, "payload_too_large", "request body is larger than the configured limit", null),
        BadHttpRequestException b => (b.StatusCode, "bad_request", b.Message, null),
        JsonException j => (400, "invalid_json", "request body is not valid JSON: " + j.Message, null),
        _ when Transient.Is(e) && Transient.Unavailable(e) is var u => (u.Status, u.Code, u.Message, u.Details),
        _ => (500, "internal_error", "internal error", null),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private partial void LogUnhandled(Exception e, string method, string path);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused {Method} {Path}: {Status} {Code}")]
    private partial void LogRefused(int status, string code, string method, string path);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Path}: the client went away, then {Type}")]
    private partial void LogClientGone(string type, string method, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transient failure on {Method} {Path}, answered 503: {Type}: {Message}")]
    private partial void LogTransient(string type, string message, string method, string path);
}
