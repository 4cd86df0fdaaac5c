using System.Text.Json;
using Axme.Grains.Interfaces.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Axme.Api.Errors;

/// <summary>
/// Turns every failure into the protocol's JSON error body in one place: a refusal from a grain or a
/// validator keeps its 4xx status and code; malformed input is a 4xx; a lost database connection is a 503
/// (retry); anything else is a 500 whose
/// body says nothing about internals (the log has the details).
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
            if (status >= 500) LogUnhandled(e, http.Request.Method, http.Request.Path);
            http.Response.Clear();
            // A refusal that says when to come back (a busy node, a spent budget) says it in the header clients read.
            if (details?.GetValueOrDefault("retry_after") is { } after) http.Response.Headers.RetryAfter = after;
            await ErrorBody.WriteAsync(http, status, code, message, details);
        }
    }

    private static (int, string, string, IReadOnlyDictionary<string, string>?) Classify(Exception e) => e switch
    {
        ProtocolException p => (p.Status, p.Code, p.Message, p.Details),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            (413, "payload_too_large", "request body is larger than the configured limit", null),
        BadHttpRequestException b => (b.StatusCode, "bad_request", b.Message, null),
        JsonException j => (400, "invalid_json", "request body is not valid JSON: " + j.Message, null),
        TimeoutException => (503, "unavailable", "the runtime did not answer in time; retry", null),
        _ when Unavailable(e) => (503, "unavailable", "the database is unavailable or the write raced another; retry (with the same Idempotency-Key)", null),
        _ => (500, "internal_error", "internal error", null),
    };

    /// <summary>
    /// A storage failure the client should retry: the connection to PostgreSQL was lost or refused (the write's
    /// outcome is unknown to the node, so the retry must carry its Idempotency-Key), or two activations raced.
    /// Orleans wraps storage errors, so the whole chain is looked at.
    /// </summary>
    private static bool Unavailable(Exception e)
    {
        for (var x = (Exception?)e; x is not null; x = x.InnerException)
        {
            if (x is Npgsql.PostgresException p)
                return p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState.StartsWith("57P", StringComparison.Ordinal)
                    || p.SqlState.StartsWith("53", StringComparison.Ordinal) || p.SqlState == "40001";
            if (x is Npgsql.NpgsqlException or Orleans.Storage.InconsistentStateException) return true;
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private partial void LogUnhandled(Exception e, string method, string path);
}
