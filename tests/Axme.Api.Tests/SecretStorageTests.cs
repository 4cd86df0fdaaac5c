using System.Text;
using Axme.Testing;
using Npgsql;

namespace Axme.Api.Tests;

/// <summary>
/// Secrets survive a database leak (issue 11 item 4): after making one of every kind, a dump of every table holds none
/// of them, and the Data Protection key ring that protects the encrypted ones is itself encrypted to a certificate
/// kept outside the database (ADR 017 §7).
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class SecretStorageTests(NodeFixture f)
{
    private const string WebhookSecret = "whsec_dump_test_0123456789abcdef";
    private const string AgentSecret = "whsec_agent_dump_0123456789abcdef";

    [Fact]
    public async Task No_live_secret_is_in_any_table_and_the_key_ring_is_encrypted()
    {
        var ws = "d" + Guid.NewGuid().ToString("N")[..8];
        var (client, _, apiKey) = await Tenants.CreateAsync(f.Node, f.Admin, "dump", ws, "holder");
        var sa = (await client.GetJsonAsync("/v1/whoami")).Ok()["service_account"]!["service_account_id"].Str();
        // A key minted with an Idempotency-Key: its answer (with the token) is kept for replays, encrypted.
        var replayable = (await f.Admin.PostAsync($"/v1/service-accounts/{sa}/keys", new { }, idempotencyKey: "dump-" + ws)).Ok()["key"]!["token"].Str();
        Assert.Equal(replayable, (await f.Admin.PostAsync($"/v1/service-accounts/{sa}/keys", new { }, idempotencyKey: "dump-" + ws)).Ok()["key"]!["token"].Str());
        (await client.PostAsync("/v1/webhooks/subscriptions", new { callback_url = "https://hooks.example.com/dump", event_types = new[] { "custom.*" }, secret = WebhookSecret })).Ok();
        (await client.SendJsonAsync(HttpMethod.Put, "/v1/agents/holder/delivery", new { delivery_mode = "http", webhook_url = "https://hooks.example.com/agent", webhook_secret = AgentSecret })).Ok();
        var user = (await f.Admin.PostAsync("/v1/users", new { org_id = "dump", workspace_id = ws, name = "dana", email = "dana@example.com" })).Ok()["user"]!["user_id"].Str();
        var actorToken = (await f.Admin.PostAsync($"/v1/users/{user}/tokens", new { })).Ok()["token"].Str();
        var intent = (await client.PostAsync("/v1/intents", new
        {
            intent_type = "intent.test.dump.v1", to_agent = "someone",
            human_task = new { title = "Dump?", task_type = "approval", assignees = new[] { "dana@example.com" } },
        })).Ok()["intent_id"].Str();
        var link = (await client.PostAsync($"/v1/intents/{intent}/magic-links", new { assignee = "dana@example.com" })).Ok()["url"].Str();

        var secrets = new Dictionary<string, string>
        {
            ["api key"] = Secret(apiKey), ["replayable api key"] = Secret(replayable), ["admin key"] = f.Node.AdminKey!,
            ["webhook secret"] = WebhookSecret, ["agent webhook secret"] = AgentSecret, ["actor token"] = actorToken[^40..],
            ["magic link token"] = link[(link.LastIndexOf('/') + 1)..][^40..],
        };
        var dump = await DumpAsync();
        Assert.True(dump.Length > 10_000, $"the dump is only {dump.Length} characters: did it read the tables?");
        foreach (var (what, secret) in secrets)
            Assert.False(dump.Contains(secret, StringComparison.Ordinal), $"the {what} is in the database");

        var ring = await KeyRingAsync();
        Assert.NotEmpty(ring);
        Assert.All(ring, key =>
        {
            Assert.Contains("encryptedSecret", key);
            Assert.DoesNotContain("<value>", key);
        });
    }

    /// <summary>The last 32 characters of a key token: its secret part (the prefix names the account, which is no secret).</summary>
    private static string Secret(string token) => token[^32..];

    /// <summary>Every value of every row of every table of the node's database, bytea read as UTF-8.</summary>
    private async Task<string> DumpAsync()
    {
        var text = new StringBuilder();
        await using var conn = new NpgsqlConnection(f.Database);
        await conn.OpenAsync();
        var tables = new List<string>();
        await using (var cmd = new NpgsqlCommand("SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'", conn))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        foreach (var table in tables)
        {
            await using var cmd = new NpgsqlCommand($"SELECT * FROM {table}", conn);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                for (var i = 0; i < reader.FieldCount; i++)
                    text.Append(reader.IsDBNull(i) ? "" : reader.GetValue(i) is byte[] b ? Encoding.UTF8.GetString(b) : reader.GetValue(i).ToString()).Append('\n');
        }
        return text.ToString();
    }

    private async Task<List<string>> KeyRingAsync()
    {
        await using var conn = new NpgsqlConnection(f.Database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT xml FROM axme_data_protection_keys WHERE name LIKE 'key-%'", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var keys = new List<string>();
        while (await reader.ReadAsync()) keys.Add(reader.GetString(0));
        return keys;
    }
}
