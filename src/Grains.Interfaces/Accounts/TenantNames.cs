using Axme.Grains.Interfaces.Common;

namespace Axme.Grains.Interfaces.Accounts;

/// <summary>
/// Organization and workspace names (ADR 017): made canonical once, where a request names them, so that two
/// spellings never become two tenants sharing one agent address or one directory key. Canonical = trimmed and
/// lower-cased; then 1–63 characters of a–z, 0–9, '.', '_' and '-', starting with a letter or digit, not ending with '-'. "Acme" is
/// "acme" (one tenant, by rule); "a/b", "a b" or "" are refused with 422 invalid_name naming the field. Without a
/// '/' in either, "{org}/{workspace}" keys and agent://org/workspace/name addresses are one-to-one with the names.
/// </summary>
public static class TenantNames
{
    public const int MaxLength = 63;

    /// <summary>The canonical name, or a 422 naming <paramref name="field"/>.</summary>
    public static string Canonical(string value, string field)
    {
        var name = value.Trim().ToLowerInvariant();
        return IsCanonical(name)
            ? name
            : throw ProtocolException.Invalid(field,
                $"{field} must be 1–{MaxLength} characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit and not ending with '-'", "invalid_name");
    }

    /// <summary>
    /// Also its own slug (<see cref="AgentAddress.Slug"/>, which addresses apply and which trims '-'): so no trailing
    /// '-', or "b" and "b-" would be two workspaces with one address (the property test found it).
    /// </summary>
    public static bool IsCanonical(string name) =>
        name.Length is >= 1 and <= MaxLength && (char.IsAsciiLetterLower(name[0]) || char.IsAsciiDigit(name[0])) && name[^1] != '-'
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-');
}
