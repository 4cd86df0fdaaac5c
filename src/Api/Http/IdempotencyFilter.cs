using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Axme.Api.Auth;
using Axme.Api.Errors;
using Axme.Grains.Interfaces.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Axme.Api.Http;

/// <summary>
/// Idempotency-Key for write endpoints outside the intent grain (service accounts, keys, bulk
/// cancel): same key and body → the stored status and body; another body → 409; a concurrent
/// duplicate waits for the first. Responses are written as exact text so replays are byte-identical.
/// Stored responses are encrypted (Data Protection): some carry a secret shown once (a new key's token,
/// a generated webhook secret), and secrets are never kept in plain text.
/// </summary>
public sealed class IdempotencyFilter(IGrainFactory grains, Microsoft.AspNetCore.DataProtection.IDataProtectionProvider protection, TimeProvider time,
    IOptions<JsonOptions> json) : IEndpointFilter
{
    private readonly Microsoft.AspNetCore.DataProtection.IDataProtector _protector = protection.CreateProtector("Axme.IdempotentResponse.v1");

    private static readonly TimeSpan WaitForFirst = TimeSpan.FromSeconds(15);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = Idempotency.Key(http.Request);
        if (key is null) return await next(context);

        var caller = ApiKeyAuthFilter.CallerOf(http);
        http.Request.EnableBuffering();
        var body = await RequestBody.ReadAsync(http);
        http.Request.Body.Position = 0;
        var requestHash = CanonicalJson.Hash(body.Root);
        var scope = $"{caller.ServiceAccountId}\n{http.Request.Method} {http.Request.Path}\n{key}";
        var grain = grains.GetGrain<IIdempotencyGrain>(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(scope))));

        var waitUntil = time.GetUtcNow() + WaitForFirst;
        while (true)
        {
            var check = await grain.BeginAsync(requestHash);
            switch (check.Decision)
            {
                case IdempotencyDecision.Replay:
                    return Text(check.Response! with { Body = _protector.Unprotect(check.Response!.Body) });
                case IdempotencyDecision.Conflict:
                    return ErrorBody.Result(409, "idempotency_conflict", "idempotency key reused with different payload");
                case IdempotencyDecision.InProgress when time.GetUtcNow() < waitUntil:
                    await Task.Delay(TimeSpan.FromMilliseconds(100), time, http.RequestAborted);
                    continue;
                case IdempotencyDecision.InProgress:
                    return ErrorBody.Result(409, "idempotency_in_progress", "a request with this idempotency key is still running; retry later");
            }
            break;
        }

        object? result;
        try
        {
            result = await next(context);
        }
        catch
        {
            await grain.AbandonAsync(requestHash);
            throw;
        }
        if (result is IValueHttpResult { Value: { } value } && result is IStatusCodeHttpResult status
            && (status.StatusCode ?? 200) is >= 200 and < 300)
        {
            // The answer exactly as the endpoint would have written it (a contract record or a JSON object).
            var stored = new StoredResponse(status.StatusCode ?? 200, JsonSerializer.Serialize(value, value.GetType(), json.Value.SerializerOptions));
            await grain.CompleteAsync(requestHash, stored with { Body = _protector.Protect(stored.Body) });
            return Text(stored);
        }
        await grain.AbandonAsync(requestHash);
        return result;
    }

    private static IResult Text(StoredResponse response) =>
        TypedResults.Content(response.Body, "application/json; charset=utf-8", Encoding.UTF8, response.Status);
}
