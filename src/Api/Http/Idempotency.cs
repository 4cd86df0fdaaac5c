using Axme.Grains.Interfaces.Common;

namespace Axme.Api.Http;

/// <summary>Reads the Idempotency-Key header into the token a grain checks (PROTOCOL §2.6).</summary>
public static class Idempotency
{
    public const int MaxKeyLength = 255;

    public static string? Key(HttpRequest request)
    {
        var key = request.Headers["Idempotency-Key"].ToString().Trim();
        if (key.Length == 0) return null;
        if (key.Length > MaxKeyLength)
            throw ProtocolException.Invalid("Idempotency-Key", $"Idempotency-Key must be at most {MaxKeyLength} characters");
        return key;
    }

    /// <summary>The token for a write on one resource: unique per caller and endpoint.</summary>
    public static IdempotencyToken? Token(HttpRequest request, Caller caller, string endpoint, RequestBody body) =>
        Token(Key(request), caller, endpoint, body);

    /// <summary>The same token for a key given another way (an MCP tool's idempotency_key argument).</summary>
    public static IdempotencyToken? Token(string? key, Caller caller, string endpoint, RequestBody body) =>
        key is not null
            ? new IdempotencyToken($"{caller.ServiceAccountId} {endpoint}", key, CanonicalJson.Hash(body.Root))
            : null;
}
