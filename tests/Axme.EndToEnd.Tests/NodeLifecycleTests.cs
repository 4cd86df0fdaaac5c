using System.Net;
using System.Text.RegularExpressions;
using Axme.Testing;

namespace Axme.EndToEnd.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes: the node runs on Linux
public sealed partial class NodeLifecycleTests
{
    [GeneratedRegex(@"axme_sa_sa_[0-9a-f]+_[0-9a-f]{64}")]
    private static partial Regex TokenPattern();

    [Fact]
    public async Task First_start_gives_a_generated_admin_key_once_outside_the_log_and_a_clean_restart_keeps_all_data()
    {
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_restart");
        // Standard output is collected here (not a terminal): the key goes to a file only this user reads (ADR 017 §4).
        var keyFile = Path.Combine(Path.GetTempPath(), $"axme-admin-key-{Guid.NewGuid():N}");
        await using var node = new NodeProcess(db, "restart-test", new Dictionary<string, string> { ["AXME_ADMIN_KEY_FILE"] = keyFile }, adminKey: null);
        try
        {
            await node.StartAsync();
            var token = TokenPattern().Match(File.ReadAllText(keyFile)).Value;
            Assert.False(string.IsNullOrEmpty(token), "no generated admin key in the file:\n" + node.Output);
            Assert.DoesNotContain(token, node.Output);
            Assert.Contains(keyFile, node.Output);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            File.Delete(keyFile);
            using var http = node.CreateClient(token);
            var id = (await http.PostAsync("/v1/intents", new { intent_type = "intent.test.restart.v1", to_agent = "agent://default/default/w" })).Ok()["intent_id"].Str();
            (await http.PostAsync($"/v1/intents/{id}/controls", new { controls_patch = new { note = "kept" } })).Ok();

            Assert.Equal(0, await node.StopAsync()); // SIGTERM, like Ctrl-C: a clean exit
            Assert.DoesNotContain("Unhandled", node.Output);
            // The key's grain, deactivated by the stop, tells the silo's own key cache in-process (ADR 034): its
            // observer is gone by then, and a message to it failed with a logged error at every stop.
            Assert.DoesNotContain("ClientNotAvailableException", node.Output);
            Assert.DoesNotContain("could not be told to forget", node.Output);

            await node.StartAsync();
            Assert.False(File.Exists(keyFile)); // not generated again
            Assert.Empty(TokenPattern().Matches(node.Output));
            using var again = node.CreateClient(token);
            var intent = (await again.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!;
            Assert.Equal("kept", intent["controls"]!["note"].Str());
            Assert.Equal(1, intent["policy_generation"]!.GetValue<int>());
            (await again.PostAsync($"/v1/intents/{id}/resolve", new { status = "COMPLETED" })).Ok();
        }
        finally
        {
            await node.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    /// <summary>
    /// The silo's runtime settings (ADR 035) are in the runtimeconfig the build writes next to the dll, so every way of
    /// starting it (./run.sh, the Docker image, `dotnet Axme.Silo.dll` by hand, these tests) gets them.
    /// </summary>
    [Fact]
    public void The_built_silo_carries_its_runtime_settings_in_its_runtimeconfig()
    {
        var file = Path.ChangeExtension(NodeProcess.SiloDll, ".runtimeconfig.json");
        var properties = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))!["runtimeOptions"]!["configProperties"]!;
        Assert.Equal(0, properties["System.Runtime.TieredCompilation.CallCountingDelayMs"]?.GetValue<int>());
        Assert.Equal(0, properties["System.Threading.ThreadPool.UnfairSemaphoreSpinLimit"]?.GetValue<int>());
    }

    [Theory]
    [InlineData("short-admin-key", null, "AXME_ADMIN_KEY must be at least 32 characters")]
    [InlineData(null, "Acme Corp", "Axme:AdminOrg and Axme:AdminWorkspace must be canonical names")]
    [InlineData(null, null, "Set AXME_KEYRING_CERT")]
    public async Task A_guessable_admin_key_a_non_canonical_admin_tenant_or_no_key_ring_certificate_is_refused_at_start(string? adminKey, string? adminOrg, string message)
    {
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_refuse");
        var settings = adminOrg is not null ? new Dictionary<string, string> { ["Axme__AdminOrg"] = adminOrg }
            : adminKey is null ? new Dictionary<string, string> { ["AXME_KEYRING_CERT"] = "" } // Production without a certificate
            : new Dictionary<string, string>();
        await using var node = new NodeProcess(db, "refuse-test", settings, adminKey: adminKey ?? "a-long-enough-admin-key-0123456789abcdef");
        try
        {
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => node.StartAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains(message, e.Message);
            Assert.Equal(0L, await TestPostgres.ScalarAsync<long>(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
        }
        finally
        {
            await node.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    /// <summary>
    /// AXME_KUBERNETES=true turns on Orleans' Kubernetes hosting (the silo named and addressed from its pod, the pods
    /// watched): outside a pod the node refuses to start and says what is missing, rather than running half-configured.
    /// </summary>
    [Theory]
    [InlineData(false, "POD_NAMESPACE")]
    [InlineData(true, "KUBERNETES_SERVICE_HOST")]
    public async Task Kubernetes_hosting_outside_a_pod_refuses_to_start_and_names_what_is_missing(bool inPodEnvironment, string missing)
    {
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_k8s");
        var settings = new Dictionary<string, string>
        {
            ["AXME_KUBERNETES"] = "true",
            // Not the Kubernetes API of wherever the tests run, if they run in a pod.
            ["KUBERNETES_SERVICE_HOST"] = "",
            ["KUBERNETES_SERVICE_PORT"] = "",
        };
        if (inPodEnvironment)
        {
            settings["POD_NAMESPACE"] = "axme";
            settings["POD_NAME"] = "axme-0";
            settings["POD_IP"] = "127.0.0.1";
        }
        await using var node = new NodeProcess(db, "k8s-test", settings);
        try
        {
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => node.StartAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains(missing, e.Message);
        }
        finally
        {
            await node.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    /// <summary>
    /// ADR 017 §7: a ring written without a certificate (a development node) gets an encrypted default key on the first
    /// start with one, and what the old key protected (a webhook secret) still works.
    /// </summary>
    [Fact]
    public async Task A_ring_from_before_the_certificate_gets_an_encrypted_default_key_and_old_secrets_still_work()
    {
        const string secret = "whsec_upgrade_0123456789abcdef";
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_ring");
        await using var receiver = await WebhookReceiver.StartAsync(secret, (_, _) => 204);
        await using var before = new NodeProcess(db, "ring-test",
            new Dictionary<string, string> { ["AXME_KEYRING_CERT"] = "", ["DOTNET_ENVIRONMENT"] = "Development", ["ASPNETCORE_ENVIRONMENT"] = "Development" });
        await using var after = new NodeProcess(db, "ring-test");
        try
        {
            await before.StartAsync();
            Assert.Contains("key ring is stored unencrypted", before.Output);
            using (var http = before.CreateClient())
                (await http.PostAsync("/v1/webhooks/subscriptions", new { callback_url = receiver.BaseUrl + "/events", event_types = new[] { "custom.*" }, secret })).Ok();
            Assert.Equal(0, await before.StopAsync());
            Assert.Equal(0L, await RingAsync(db, encrypted: true));

            await after.StartAsync();
            using var client = after.CreateClient();
            (await client.PostAsync("/v1/webhooks/events", new { event_type = "custom.upgrade", source = "tests" })).Ok();
            var got = await Poll.UntilAsync(() => Task.FromResult(receiver.Received), r => r.Count > 0, TimeSpan.FromSeconds(20), "the delivery");
            Assert.True(got[0].SignatureValid, "the secret protected by the old key must still sign");
            Assert.Equal(1L, await RingAsync(db, encrypted: true));
            Assert.Equal(1L, await RingAsync(db, encrypted: false)); // kept: it still protects that secret
        }
        finally
        {
            await before.DisposeAsync();
            await after.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    private static Task<long> RingAsync(string db, bool encrypted) =>
        TestPostgres.ScalarAsync<long>(db,
            "SELECT count(*) FROM axme_data_protection_keys WHERE name LIKE 'key-%' AND (position('encryptedSecret' in xml) > 0) = @e", ("e", encrypted));

    [Fact]
    public async Task The_per_key_rate_limit_answers_429_with_an_integer_retry_after()
    {
        var db = await TestPostgres.CreateDatabaseAsync("axme_e2e_rate");
        await using var node = new NodeProcess(db, "rate-test", new Dictionary<string, string> { ["Axme__Api__RateLimitPermits"] = "3" });
        try
        {
            await node.StartAsync();
            using var http = node.CreateClient();
            for (var i = 0; i < 3; i++) (await http.GetJsonAsync("/v1/intents")).Ok();
            var limited = (await http.GetJsonAsync("/v1/intents")).Error(HttpStatusCode.TooManyRequests, "rate_limit_exceeded");
            var retryAfter = limited.Message.Headers.GetValues("Retry-After").Single();
            Assert.True(int.TryParse(retryAfter, out var seconds) && seconds is > 0 and <= 60, retryAfter);
            (await http.GetJsonAsync("/v1/capabilities")).Ok(); // another endpoint has its own budget
            using var anonymous = new HttpClient { BaseAddress = node.BaseAddress };
            (await anonymous.GetJsonAsync("/health")).Ok(); // health is never limited
        }
        finally
        {
            await node.DisposeAsync();
            await TestPostgres.DropDatabaseAsync(db);
        }
    }

    [Fact]
    public void The_node_runs_with_thread_pool_workers_that_do_not_spin_for_work()
    {
        // The setting travels in the node's runtimeconfig.json (Axme.Silo.csproj), so every way of starting the node has it.
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(NodeProcess.SiloDll, ".runtimeconfig.json")))!;
        var spin = config["runtimeOptions"]?["configProperties"]?["System.Threading.ThreadPool.UnfairSemaphoreSpinLimit"];
        Assert.NotNull(spin);
        Assert.Equal(0, spin.GetValue<int>());
    }
}
