using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Npgsql;

namespace Axme.Silo.Hosting;

/// <summary>
/// Tenants named before names were made canonical (ADR 017 §3): an older database may hold accounts whose organization
/// or workspace is not canonical ("Acme", "a/b"), and two such tenants may share agent addresses. The node refuses to
/// start on one, naming them, so an operator decides — rename or merge them, or set Axme:AllowNonCanonicalTenants to
/// run anyway (those tenants then keep working as before, collisions included).
/// </summary>
public static class TenantNameCheck
{
    /// <summary>Every "org/workspace" of a live or deleted account that is not canonical, sorted.</summary>
    public static async Task<IReadOnlyList<string>> NonCanonicalAsync(NpgsqlDataSource db, string serviceId)
    {
        await using var cmd = db.CreateCommand("""
            SELECT DISTINCT j -> 'account' ->> 'org_id', j -> 'account' ->> 'workspace_id'
            FROM (SELECT convert_from(payloadbinary, 'UTF8')::jsonb AS j FROM orleansstorage
                  WHERE graintypestring = @type AND serviceid = @service AND payloadbinary IS NOT NULL) s
            """);
        cmd.Parameters.AddWithValue("type", AxmeNames.ServiceAccountState);
        cmd.Parameters.AddWithValue("service", serviceId);
        var found = new SortedSet<string>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var org = reader.IsDBNull(0) ? "" : reader.GetString(0);
            var ws = reader.IsDBNull(1) ? "" : reader.GetString(1);
            if (!TenantNames.IsCanonical(org) || !TenantNames.IsCanonical(ws)) found.Add($"{org}/{ws}");
        }
        return [.. found];
    }

    /// <summary>Refuses to start on non-canonical tenants unless allowed.</summary>
    public static async Task EnsureAsync(NpgsqlDataSource db, AxmeOptions o)
    {
        if (o.AllowNonCanonicalTenants || await NonCanonicalAsync(db, o.ServiceId) is not { Count: > 0 } names) return;
        throw new InvalidOperationException(
            $"This database holds tenants whose names are not canonical (ADR 017 §3): {string.Join(", ", names.Select(n => $"\"{n}\""))}. " +
            "Two such names can share agent addresses. Rename or merge them, or set Axme:AllowNonCanonicalTenants=true " +
            "(AXME_ALLOW_NONCANONICAL_TENANTS=true) to run anyway.");
    }
}
