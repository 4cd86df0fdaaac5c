using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Tenancy;
using Npgsql;

namespace Axme.Silo.Hosting;

/// <summary>
/// Workspaces from before organizations and workspaces were resources (docs/adr/026) existed only as the directory
/// of their accounts. At start, each such directory gets its workspace record (and its organization one), active and
/// named by its id, so upgraded nodes list them and their keys keep working; known ones are left as they are.
/// </summary>
public static class TenantAdoption
{
    public static async Task<int> AdoptAsync(NpgsqlDataSource db, IGrainFactory grains, string serviceId)
    {
        await using var cmd = db.CreateCommand("""
            SELECT grainidextensionstring FROM orleansstorage
            WHERE serviceid = @service AND graintypestring = @type AND payloadbinary IS NOT NULL
            """);
        cmd.Parameters.AddWithValue("service", serviceId);
        cmd.Parameters.AddWithValue("type", AxmeNames.WorkspaceState);
        var keys = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                if (!reader.IsDBNull(0)) keys.Add(reader.GetString(0));
        foreach (var key in keys)
        {
            var slash = key.IndexOf('/');
            if (slash <= 0) continue;
            await grains.GetGrain<IOrganizationGrain>(key[..slash]).AdoptWorkspaceAsync(key[(slash + 1)..], "system");
        }
        return keys.Count;
    }
}
