using System.Security.Cryptography;
using System.Text;

namespace Axme.Grains.Interfaces.Accounts;

/// <summary>
/// API keys are stored only as SHA-256 hashes (hex). Tokens carry 256 random bits, so a fast hash
/// is enough; an operator-chosen admin key is hashed the same way.
/// </summary>
public static class TokenHash
{
    public static string Of(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>A new token in the protocol's format: axme_sa_&lt;service_account_id&gt;_&lt;secret&gt;.</summary>
    public static string NewToken(string serviceAccountId) =>
        $"axme_sa_{serviceAccountId}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}";

    /// <summary>What may be shown of a token: never the secret. Generated tokens show their account part, others the last 4 characters.</summary>
    public static string Hint(string token)
    {
        if (token.StartsWith("axme_sa_", StringComparison.Ordinal) && token.LastIndexOf('_') is var cut and > 8)
            return token[..(cut + 1)] + "****";
        return token.Length >= 16 ? "****" + token[^4..] : "****";
    }
}
