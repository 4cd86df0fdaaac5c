using System.Text;
using System.Text.Json;
using Axme.Grains.Intents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Axme.Silo.Hosting;
using Axme.Silo.Storage;
using Axme.Testing;
using Npgsql;

namespace Axme.Grains.Tests.Intents;

/// <summary>
/// A database of the earlier layout (intents as ADO.NET grain state in orleansstorage, a trigger projecting them)
/// moves to the intents' own rows when the schema is applied, once, with nothing lost (Schema/002, ADR 016).
/// </summary>
public sealed class IntentUpgradeTests
{
    [Fact]
    public async Task Intents_stored_by_the_earlier_layout_become_rows_and_event_rows_once()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("axme_upgrade");
        try
        {
            await using var db = NpgsqlDataSource.Create(connectionString);
            await SchemaMigrator.ApplyAsync(db);
            // The earlier layout: the projecting trigger (its body no longer matters) and an intent as grain state.
            await ExecAsync(db, """
                CREATE FUNCTION axme_project_intent() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END; $$;
                CREATE TRIGGER axme_project_intent AFTER INSERT OR UPDATE ON orleansstorage FOR EACH ROW
                    WHEN (NEW.graintypestring = 'intent') EXECUTE FUNCTION axme_project_intent();
                """);
            var caller = TestData.Caller();
            var created = IntentTransitions.Create(Guid.NewGuid(), TestData.Create(caller, deadlineAt: DateTimeOffset.UtcNow.AddHours(1)), DateTimeOffset.UtcNow);
            var resolved = IntentTransitions.Resolve(created.Intent, TestData.Complete(), DateTimeOffset.UtcNow);
            var legacy = new
            {
                schema_version = 1, intent = resolved.Intent, events = created.Events.Concat(resolved.Events).ToArray(),
                create_request_hash = "hash-1", created_status = IntentStatus.Submitted, reminder_due_at = (DateTimeOffset?)null,
                idempotency = Array.Empty<object>(),
            };
            await using (var insert = db.CreateCommand("""
                INSERT INTO orleansstorage (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, serviceid, payloadbinary, version)
                VALUES (1, 2, 3, 4, 'intent', 'upgraded', @payload, 7)
                """))
            {
                insert.Parameters.AddWithValue("payload", Encoding.UTF8.GetBytes(JsonSerializer.Serialize(legacy, StorageJson.Options)));
                await insert.ExecuteNonQueryAsync();
            }

            await SchemaMigrator.ApplyAsync(db); // the upgrade
            await SchemaMigrator.ApplyAsync(db); // and again, as every start does: nothing more happens

            await using var store = new IntentStore(connectionString, "upgraded");
            var stored = await store.ReadAsync(resolved.Intent.IntentId);
            Assert.NotNull(stored);
            Assert.Equal(resolved.Intent, stored.Intent);
            Assert.Equal(legacy.events, stored.Events);
            Assert.Equal(7, stored.Version);
            Assert.Equal("hash-1", stored.Extras.CreateRequestHash);
            Assert.Equal(0L, await ScalarAsync(db, "SELECT count(*) FROM orleansstorage WHERE graintypestring = 'intent'"));
            Assert.Equal(0L, await ScalarAsync(db, "SELECT count(*) FROM pg_trigger WHERE tgname = 'axme_project_intent'"));
            Assert.Equal(1L, await ScalarAsync(db, "SELECT count(*) FROM axme_intents WHERE service_id = 'upgraded'"));
            // The next write continues from the stored version and appends after the stored events.
            var state = new IntentState { Intent = stored.Intent with { UpdatedAt = DateTimeOffset.UtcNow }, Events = stored.Events };
            Assert.Equal(8, (await store.WriteAsync(stored.Intent.IntentId, 7, stored.Intent.LastSeq, state))?.Version);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }

    private static async Task ExecAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
