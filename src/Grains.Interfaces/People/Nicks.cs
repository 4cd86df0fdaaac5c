using System.Text.RegularExpressions;
using Axme.Grains.Interfaces.Common;
using Orleans.Concurrency;

namespace Axme.Grains.Interfaces.People;

/// <summary>
/// Nicks (PROTOCOL §12 "Users"): a person's handle on the node, "@name" with 3-32 letters, digits, '_', '.' or '-';
/// unique case-insensitively; its public address is "name@domain" (Axme:Api:NickDomain).
/// </summary>
public static partial class Nicks
{
    /// <summary>The nick as given (with its '@') and its normalized form (lower-case), or a 422 naming <paramref name="field"/>.</summary>
    public static (string Nick, string Normalized) Parse(string raw, string field = "nick")
    {
        var body = raw.Trim().TrimStart('@');
        if (!Shape().IsMatch(body))
            throw ProtocolException.Invalid(field, $"{field} must be @ and 3-32 letters, digits, '_', '.' or '-'", "invalid_nick");
        return ("@" + body, "@" + body.ToLowerInvariant());
    }

    public static string PublicAddress(string normalized, string domain) => $"{normalized[1..]}@{domain}";

    [GeneratedRegex("^[A-Za-z0-9_.-]{3,32}$")]
    private static partial Regex Shape();
}

/// <summary>One nick (key: its normalized form): which account holds it.</summary>
[Alias("axme.INickGrain")]
public interface INickGrain : IGrainWithStringKey
{
    /// <summary>Takes the nick for the account: true when it was free or is the account's already.</summary>
    [Alias("Claim")]
    Task<bool> ClaimAsync(string accountId);

    /// <summary>Frees the nick if the account holds it.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string accountId);

    /// <summary>The holder, or null.</summary>
    [Alias("Owner"), ReadOnly]
    Task<string?> OwnerAsync();
}
