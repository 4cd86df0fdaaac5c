using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.People;
using Axme.Grains.Interfaces.Tenancy;
using Npgsql;

namespace Axme.Silo.Hosting;

/// <summary>
/// Workspaces from before organizations and workspaces were resources (docs/adr/026) existed only as the directory
/// of their accounts. At start, each such directory gets its workspace record (and its organization one), active and
/// named by its id, so upgraded nodes list them and their keys keep working; known ones are left as they are. Run
/// once per database (the organization directory remembers it); every workspace made since is made with its record.
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
        await LinkPeopleAsync(db, grains, serviceId);
        return keys.Count;
    }

    /// <summary>
    /// Human users made before people could sign in (docs/adr/027) are linked to their person, by e-mail address, so
    /// they can; linking is idempotent.
    /// </summary>
    private static async Task LinkPeopleAsync(NpgsqlDataSource db, IGrainFactory grains, string serviceId)
    {
        await using var cmd = db.CreateCommand("""
            SELECT j -> 'account' ->> 'service_account_id', j -> 'account' ->> 'email'
            FROM (SELECT convert_from(payloadbinary, 'UTF8')::jsonb AS j FROM orleansstorage
                  WHERE serviceid = @service AND graintypestring = @type AND payloadbinary IS NOT NULL) s
            WHERE j -> 'account' ->> 'kind' = 'human' AND j -> 'account' ->> 'status' = 'active' AND j -> 'account' ->> 'email' IS NOT NULL
            """);
        cmd.Parameters.AddWithValue("service", serviceId);
        cmd.Parameters.AddWithValue("type", AxmeNames.ServiceAccountState);
        var people = new List<(string Id, string Email)>();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                people.Add((reader.GetString(0), reader.GetString(1)));
        foreach (var (id, email) in people) await grains.GetGrain<IPersonGrain>(Persons.Key(email)).LinkAsync(id);
    }
}
