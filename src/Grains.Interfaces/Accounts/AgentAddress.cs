using System.Text;
using Axme.Grains.Interfaces.Common;

namespace Axme.Grains.Interfaces.Accounts;

/// <summary>Agent addresses: agent://{org_slug}/{workspace_slug}/{name} (PROTOCOL §6.1).</summary>
public static class AgentAddress
{
    public const string Scheme = "agent://";

    /// <summary>Lower-case slug: letters, digits, '-', '_' and '.'; anything else becomes '-'.</summary>
    public static string Slug(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var ch in value.Trim().ToLowerInvariant())
            sb.Append(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.' ? ch : '-');
        return sb.ToString().Trim('-');
    }

    /// <summary>The canonical address of a service account; a full agent:// name must lie in its workspace.</summary>
    public static string ForServiceAccount(string orgId, string workspaceId, string name)
    {
        var prefix = $"{Scheme}{Slug(orgId)}/{Slug(workspaceId)}/";
        if (!name.StartsWith(Scheme, StringComparison.Ordinal)) return prefix + Slug(name);
        var parts = name[Scheme.Length..].Split('/');
        if (parts.Length != 3 || !name.StartsWith(prefix, StringComparison.Ordinal) || Slug(parts[2]) != parts[2] || parts[2].Length == 0)
            throw ProtocolException.Invalid("name", $"agent address {name} is not a valid address in workspace {prefix}", "invalid_agent_address");
        return name;
    }

    /// <summary>
    /// The canonical form of an address as a caller wrote it: a bare name lies in the caller's
    /// workspace; agent://org/workspace/name is kept (lower-cased); other forms stay opaque.
    /// </summary>
    public static string Canonical(string address, Caller caller)
    {
        var rest = address.Trim();
        if (rest.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)) rest = rest[Scheme.Length..];
        rest = rest.Trim('/');
        var parts = rest.Split('/');
        return parts.Length switch
        {
            1 => $"{Scheme}{Slug(caller.OrgId)}/{Slug(caller.WorkspaceId)}/{Slug(parts[0])}",
            3 => $"{Scheme}{rest.ToLowerInvariant()}",
            _ => $"{Scheme}{rest}",
        };
    }

    /// <summary>The organization and workspace of a canonical agent://org/workspace/name address; 422 for any other form.</summary>
    public static (string OrgId, string WorkspaceId) Workspace(string address, string field = "owner_agent")
    {
        var parts = address.StartsWith(Scheme, StringComparison.Ordinal) ? address[Scheme.Length..].Split('/') : [];
        return parts is [{ Length: > 0 } org, { Length: > 0 } ws, { Length: > 0 }]
            ? (org, ws)
            : throw ProtocolException.Invalid(field, $"{field} must be an agent address agent://org/workspace/name, not {address}", "invalid_agent_address");
    }
}
