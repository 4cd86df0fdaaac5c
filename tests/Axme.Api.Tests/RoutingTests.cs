using System.Net;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>
/// Naming and routing over HTTP (PROTOCOL §12, docs/adr/024): principals are the directory's accounts, an alias really
/// changes where intents to its name go (and stops when revoked), and a route is the agent's delivery binding.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class RoutingTests(NodeFixture f)
{
    /// <summary>A workspace of its own with a key, so names do not collide between tests.</summary>
    private async Task<(HttpClient Client, string Org, string Ws)> WorkspaceAsync()
    {
        var ws = "r" + Guid.NewGuid().ToString("N")[..8];
        var (client, _) = await f.TenantAsync("routing", ws, "operator");
        return (client, "routing", ws);
    }

    private static async Task<JsonNode> AccountAsync(HttpClient client, string name) =>
        (await client.PostAsync("/v1/service-accounts", new { name })).Ok()["service_account"]!;

    private static async Task<JsonNode> SendAsync(HttpClient client, string to) =>
        (await client.PostAsync("/v1/intents", new { intent_type = "intent.test.routing.v1", to_agent = to, payload = new { n = 1 } })).Ok().Body;

    private static async Task<string> ToAgentAsync(HttpClient client, JsonNode created) =>
        (await client.GetJsonAsync($"/v1/intents/{created["intent_id"].Str()}")).Ok()["intent"]!["to_agent"].Str();

    [Fact]
    public async Task Principals_are_accounts_of_the_workspace_with_their_type_and_metadata()
    {
        var (client, org, ws) = await WorkspaceAsync();
        var created = (await client.PostAsync("/v1/principals", new
        {
            org_id = org, workspace_id = ws, principal_type = "service_agent", display_name = "Invoice Checker", metadata = new { team = "finance" },
        })).Ok()["principal"]!;
        var id = created["principal_id"].Str();
        Assert.StartsWith("sa_", id);
        Assert.Equal("service_agent", created["principal_type"].Str());
        Assert.Equal("active", created["status"].Str());
        Assert.Equal("finance", created["metadata"]!["team"].Str());
        Assert.StartsWith($"agent://{org}/{ws}/invoice-checker-", created["address"].Str());
        var got = (await client.GetJsonAsync($"/v1/principals/{id}")).Ok()["principal"]!;
        Assert.Equal("Invoice Checker", got["display_name"].Str());
        // The principal is an ordinary account of the directory.
        Assert.Equal(created["address"].Str(), (await client.GetJsonAsync($"/v1/service-accounts/{id}")).Ok()["service_account"]!["agent_address"].Str());

        var user = (await client.PostAsync("/v1/principals", new { org_id = org, workspace_id = ws, principal_type = "user", display_name = "Dana" })).Ok()["principal"]!;
        Assert.Equal("user", user["principal_type"].Str());
        Assert.True((await client.GetJsonAsync($"/v1/users/{user["principal_id"].Str()}")).Ok()["user"] is not null);

        (await client.PostAsync("/v1/principals", new { org_id = org, workspace_id = ws, principal_type = "robot" })).Error(HttpStatusCode.UnprocessableEntity, "invalid_principal_type");
        (await client.PostAsync("/v1/principals", new { org_id = "acme", workspace_id = "prod", principal_type = "service_agent" })).Error(HttpStatusCode.Forbidden);
        (await f.B.GetJsonAsync($"/v1/principals/{id}")).Error(HttpStatusCode.NotFound, "principal_not_found");
        (await client.GetJsonAsync("/v1/principals/sa_nobody")).Error(HttpStatusCode.NotFound, "principal_not_found");
    }

    [Fact]
    public async Task An_alias_sends_intents_for_its_name_to_its_principal_until_it_is_revoked()
    {
        var (client, org, ws) = await WorkspaceAsync();
        var ledger = await AccountAsync(client, "ledger");
        var ledgerAddress = ledger["agent_address"].Str();
        var billing = $"agent://{org}/{ws}/billing";

        // Before the alias: an intent to "billing" waits for an agent of that name.
        Assert.Equal(billing, await ToAgentAsync(client, await SendAsync(client, "billing")));

        var bound = (await client.PostAsync("/v1/aliases", new { principal_id = ledger["service_account_id"].Str(), alias = "billing", alias_type = "service", metadata = new { owner = "finance" } }))
            .Ok()["alias"]!;
        Assert.Equal("billing", bound["alias"].Str());
        Assert.Equal(billing, bound["address"].Str());
        Assert.Equal(ledgerAddress, bound["principal_address"].Str());
        Assert.Equal("active", bound["status"].Str());
        // Binding it again to the same principal is the same alias.
        Assert.Equal(bound["alias_id"].Str(), (await client.PostAsync("/v1/aliases", new { principal_id = ledger["service_account_id"].Str(), alias = billing, alias_type = "service" }))
            .Ok()["alias"]!["alias_id"].Str());

        // Now an intent to the alias (bare or full address) goes to the ledger: its to_agent, its listing, its deliveries.
        var viaAlias = await SendAsync(client, "billing");
        Assert.Equal(ledgerAddress, await ToAgentAsync(client, viaAlias));
        Assert.Equal(ledgerAddress, await ToAgentAsync(client, await SendAsync(client, billing)));
        var listed = (await client.GetJsonAsync($"/v1/intents?to_agent={Uri.EscapeDataString(ledgerAddress)}")).Ok()["intents"]!.AsArray();
        Assert.Contains(listed, i => i!["intent_id"].Str() == viaAlias["intent_id"].Str());

        var resolved = (await client.GetJsonAsync($"/v1/aliases/resolve?alias=billing")).Ok()["resolution"]!;
        Assert.Equal(ledger["service_account_id"].Str(), resolved["principal"]!["principal_id"].Str());
        Assert.Single((await client.GetJsonAsync("/v1/aliases?status=active")).Ok()["aliases"]!.AsArray());

        var revoked = (await client.PostAsync($"/v1/aliases/{bound["alias_id"].Str()}/revoke")).Ok()["alias"]!;
        Assert.Equal("revoked", revoked["status"].Str());
        Assert.NotNull(revoked["revoked_at"]);
        Assert.Equal(billing, await ToAgentAsync(client, await SendAsync(client, "billing")));
        (await client.GetJsonAsync("/v1/aliases/resolve?alias=billing")).Error(HttpStatusCode.NotFound, "alias_not_found");
        Assert.Equal("revoked", (await client.GetJsonAsync("/v1/aliases")).Ok()["aliases"]![0]!["status"].Str());
    }

    [Fact]
    public async Task Alias_and_account_names_share_one_namespace_and_only_a_manager_binds_or_revokes()
    {
        var (client, _, ws) = await WorkspaceAsync();
        var ledger = await AccountAsync(client, "ledger");
        var audit = await AccountAsync(client, "audit");
        var ledgerId = ledger["service_account_id"].Str();
        (await client.PostAsync("/v1/aliases", new { principal_id = ledgerId, alias = "audit", alias_type = "service" })).Error(HttpStatusCode.Conflict, "alias_conflicts_with_agent");
        var books = (await client.PostAsync("/v1/aliases", new { principal_id = ledgerId, alias = "books", alias_type = "communication" })).Ok()["alias"]!;
        (await client.PostAsync("/v1/aliases", new { principal_id = audit["service_account_id"].Str(), alias = "books", alias_type = "service" })).Error(HttpStatusCode.Conflict, "alias_taken");
        (await client.PostAsync("/v1/service-accounts", new { name = "books" })).Error(HttpStatusCode.Conflict, "name_is_alias");
        (await client.PostAsync("/v1/aliases", new { principal_id = ledgerId, alias = "x", alias_type = "service" })).Error(HttpStatusCode.UnprocessableEntity, "validation_error");
        (await client.PostAsync("/v1/aliases", new { principal_id = ledgerId, alias = "agent://elsewhere/ws/books2", alias_type = "service" })).Error(HttpStatusCode.UnprocessableEntity, "invalid_alias");
        (await client.PostAsync("/v1/aliases", new { principal_id = ledgerId, alias = "books2", alias_type = "nickname" })).Error(HttpStatusCode.UnprocessableEntity, "invalid_alias_type");
        (await client.PostAsync("/v1/aliases", new { principal_id = "sa_missing", alias = "books3", alias_type = "service" })).Error(HttpStatusCode.NotFound, "principal_not_found");

        // The ledger's own key did not create the audit account: it may not name it, nor revoke the operator's alias of the ledger... but it manages itself.
        var ledgerKey = (await client.PostAsync($"/v1/service-accounts/{ledgerId}/keys", new { })).Ok()["key"]!["token"].Str();
        var ledgerClient = f.Node.CreateClient(ledgerKey);
        (await ledgerClient.PostAsync("/v1/aliases", new { principal_id = audit["service_account_id"].Str(), alias = "auditors", alias_type = "service" })).Error(HttpStatusCode.Forbidden, "not_account_owner");
        Assert.Equal("revoked", (await ledgerClient.PostAsync($"/v1/aliases/{books["alias_id"].Str()}/revoke")).Ok()["alias"]!["status"].Str());
        (await f.B.PostAsync($"/v1/aliases/{books["alias_id"].Str()}/revoke")).Error(HttpStatusCode.NotFound, "alias_not_found");

        // A deleted principal's aliases are revoked with it.
        var temp = (await client.PostAsync("/v1/aliases", new { principal_id = audit["service_account_id"].Str(), alias = "inspectors", alias_type = "service" })).Ok()["alias"]!;
        (await client.SendJsonAsync(HttpMethod.Delete, $"/v1/service-accounts/{audit["service_account_id"].Str()}")).Ok();
        var after = (await client.GetJsonAsync("/v1/aliases")).Ok()["aliases"]!.AsArray().Single(a => a!["alias_id"].Str() == temp["alias_id"].Str())!;
        Assert.Equal("revoked", after["status"].Str());
        Assert.NotNull(ws);
    }

    [Fact]
    public async Task Routing_resolve_follows_alias_to_principal_to_its_delivery_binding()
    {
        var (client, org, ws) = await WorkspaceAsync();
        var ledger = await AccountAsync(client, "ledger");
        var id = ledger["service_account_id"].Str();
        (await client.PostAsync("/v1/aliases", new { principal_id = id, alias = "billing", alias_type = "service" })).Ok();

        var byAlias = (await client.PostAsync("/v1/routing/resolve", new { org_id = org, workspace_id = ws, alias = "billing" })).Ok()["resolution"]!;
        Assert.Equal("billing", byAlias["alias"]!["alias"].Str());
        Assert.Equal(id, byAlias["principal"]!["principal_id"].Str());
        Assert.Equal("queue", byAlias["selected_route"]!["transport_type"].Str());
        Assert.Equal($"{f.Node.BaseAddress}v1/agents/{org}/{ws}/ledger/intents/stream", byAlias["selected_route"]!["endpoint_url"].Str());
        Assert.Equal(["alias", "principal_id", "endpoint_route", "transport_dispatch"], byAlias["resolver_chain"]!.AsArray().Select(s => s.Str()));

        // The route is the delivery binding: change the binding, the route follows.
        (await client.SendJsonAsync(HttpMethod.Put, $"/v1/agents/{org}/{ws}/ledger/delivery",
            new { delivery_mode = "http", webhook_url = "https://hooks.example.com/ledger", webhook_secret = "0123456789abcdef0123456789abcdef" })).Ok();
        var pushed = (await client.PostAsync("/v1/routing/resolve", new { org_id = org, workspace_id = ws, principal_id = id })).Ok()["resolution"]!;
        Assert.Null(pushed["alias"]);
        Assert.Equal("http", pushed["selected_route"]!["transport_type"].Str());
        Assert.Equal("https://hooks.example.com/ledger", pushed["selected_route"]!["endpoint_url"].Str());
        Assert.Equal("signed_key", pushed["selected_route"]!["auth_mode"].Str());

        // Killed in the mesh: the principal is suspended and no route is taken (deliveries wait).
        (await client.PostAsync($"/v1/mesh/agents/{id}/kill")).Ok();
        var killed = (await client.PostAsync("/v1/routing/resolve", new { org_id = org, workspace_id = ws, alias = "billing" })).Ok()["resolution"]!;
        Assert.Equal("suspended", killed["principal"]!["status"].Str());
        Assert.Null(killed["selected_route"]);
        Assert.Equal("draining", killed["candidate_routes"]![0]!["status"].Str());

        (await client.PostAsync("/v1/routing/resolve", new { org_id = org, workspace_id = ws })).Error(HttpStatusCode.UnprocessableEntity, "missing_field");
        (await client.PostAsync("/v1/routing/resolve", new { org_id = org, workspace_id = ws, alias = "nobody" })).Error(HttpStatusCode.NotFound, "alias_not_found");
        (await f.B.PostAsync("/v1/routing/resolve", new { org_id = org, workspace_id = ws, alias = "billing" })).Error(HttpStatusCode.Forbidden);
    }
    [Fact]
    public async Task A_registered_route_is_the_agents_binding_and_an_alias_delivers_to_its_url_signed()
    {
        var (client, org, ws) = await WorkspaceAsync();
        var ledger = await AccountAsync(client, "ledger");
        var id = ledger["service_account_id"].Str();
        (await client.PostAsync("/v1/aliases", new { principal_id = id, alias = "billing", alias_type = "service" })).Ok();
        const string secret = "route-secret-0123456789abcdef0123";
        await using var receiver = await WebhookReceiver.StartAsync(secret, (_, _) => 200);

        var route = (await client.PostAsync("/v1/routing/endpoints", new
        {
            principal_id = id, transport_type = "webhook", endpoint_url = receiver.BaseUrl + "/ledger", auth_mode = "signed_key",
            metadata = new { webhook_secret = secret, max_delivery_attempts = 3 },
        })).Ok()["route"]!;
        Assert.Equal("route_" + id, route["route_id"].Str());
        Assert.Equal("http", route["transport_type"].Str());
        Assert.Equal(receiver.BaseUrl + "/ledger", route["endpoint_url"].Str());
        Assert.Null(route["metadata"]!["webhook_secret"]); // given, so not shown
        // One source of truth: the agent's binding is the route.
        var agent = (await client.GetJsonAsync($"/v1/agents/{org}/{ws}/ledger")).Ok()["agent"]!;
        Assert.Equal("http", agent["delivery_mode"].Str());
        Assert.Equal(receiver.BaseUrl + "/ledger", agent["webhook_url"].Str());
        Assert.Equal(3, agent["max_delivery_attempts"]!.GetValue<int>());

        // An intent to the alias is POSTed to the route's URL, signed with its secret.
        var sent = await SendAsync(client, "billing");
        var hook = await Poll.UntilAsync(() => Task.FromResult(receiver.Received.FirstOrDefault(r => r.Body.Contains(sent["intent_id"].Str()))),
            r => r is not null, TimeSpan.FromSeconds(20), "the pushed delivery");
        Assert.True(hook!.SignatureValid);
        Assert.Equal("/ledger", hook.Path);

        var listed = (await client.GetJsonAsync($"/v1/routing/endpoints?principal_id={id}")).Ok()["routes"]!.AsArray();
        Assert.Equal(receiver.BaseUrl + "/ledger", Assert.Single(listed)!["endpoint_url"].Str());
        var binding = Assert.Single((await client.GetJsonAsync($"/v1/transports/bindings?principal_id={id}")).Ok()["bindings"]!.AsArray())!;
        Assert.Equal("binding_" + id, binding["binding_id"].Str());
        Assert.Equal(receiver.BaseUrl + "/ledger", binding["transport_handle"].Str());

        // PATCH draining kills the agent (its deliveries wait); active resumes it.
        Assert.Equal("draining", (await client.SendJsonAsync(HttpMethod.Patch, $"/v1/routing/endpoints/route_{id}", new { status = "draining" })).Ok()["route"]!["status"].Str());
        Assert.Equal("killed", (await client.GetJsonAsync($"/v1/mesh/agents/{id}")).Ok()["agent"]!["health_status"].Str());
        var held = (await SendAsync(client, "billing"))["intent_id"].Str(); // waits while the agent is killed
        Assert.Equal("active", (await client.SendJsonAsync(HttpMethod.Patch, $"/v1/routing/endpoints/route_{id}", new { status = "active" })).Ok()["route"]!["status"].Str());
        await Poll.UntilAsync(() => Task.FromResult(receiver.Received.Any(r => r.Body.Contains(held))), got => got, TimeSpan.FromSeconds(20), "the held delivery after resume");
        (await client.SendJsonAsync(HttpMethod.Patch, $"/v1/routing/endpoints/route_{id}", new { health_status = "healthy" })).Error(HttpStatusCode.UnprocessableEntity, "health_status_read_only");

        // A transport binding is the same record: a queue handle makes the agent drain its queue again.
        var polled = (await client.PostAsync("/v1/transports/bindings", new { principal_id = id, transport_type = "queue", transport_handle = "poll" })).Ok()["binding"]!;
        Assert.Equal("poll", polled["transport_handle"].Str());
        Assert.Equal("poll", (await client.GetJsonAsync($"/v1/agents/{org}/{ws}/ledger")).Ok()["agent"]!["delivery_mode"].Str());
        Assert.True((await client.SendJsonAsync(HttpMethod.Delete, $"/v1/routing/endpoints/route_{id}")).Ok()["route"]!["removed"]!.GetValue<bool>());
        Assert.Equal("stream", (await client.GetJsonAsync($"/v1/agents/{org}/{ws}/ledger")).Ok()["agent"]!["delivery_mode"].Str());

        // A principal that never had a secret gets one generated, shown once (the ledger keeps the one it was given).
        var other = (await AccountAsync(client, "auditor"))["service_account_id"].Str();
        var generated = (await client.PostAsync("/v1/routing/endpoints", new { principal_id = other, transport_type = "http", endpoint_url = receiver.BaseUrl + "/x", auth_mode = "signed_key" }))
            .Ok()["route"]!["metadata"]!["webhook_secret"].Str();
        Assert.StartsWith("whsec_", generated);
        Assert.Null((await client.GetJsonAsync($"/v1/routing/endpoints?principal_id={other}")).Ok()["routes"]![0]!["metadata"]!["webhook_secret"]);
    }

    [Fact]
    public async Task Routes_and_bindings_refuse_what_one_route_per_principal_cannot_do_and_other_workspaces()
    {
        var (client, _, _) = await WorkspaceAsync();
        var id = (await AccountAsync(client, "ledger"))["service_account_id"].Str();
        object Route(string transport = "http", string url = "https://hooks.example.com/a", string auth = "signed_key", object? extra = null) =>
            new Dictionary<string, object?> { ["principal_id"] = id, ["transport_type"] = transport, ["endpoint_url"] = url, ["auth_mode"] = auth, ["region"] = extra };
        (await client.PostAsync("/v1/routing/endpoints", Route("matrix"))).Error(HttpStatusCode.UnprocessableEntity, "transport_not_supported");
        (await client.PostAsync("/v1/routing/endpoints", Route("carrier-pigeon"))).Error(HttpStatusCode.UnprocessableEntity, "invalid_transport_type");
        (await client.PostAsync("/v1/routing/endpoints", Route(auth: "mtls"))).Error(HttpStatusCode.UnprocessableEntity, "auth_mode_not_supported");
        (await client.PostAsync("/v1/routing/endpoints", Route(extra: "eu-west"))).Error(HttpStatusCode.UnprocessableEntity, "route_option_not_supported");
        (await client.PostAsync("/v1/routing/endpoints", Route(url: "ftp://files.example.com/x"))).Error(HttpStatusCode.UnprocessableEntity, "invalid_callback_url");
        (await client.PostAsync("/v1/routing/endpoints", new { principal_id = id, transport_type = "http", endpoint_url = "https://h.example.com/a", auth_mode = "signed_key", priority = 5 }))
            .Error(HttpStatusCode.UnprocessableEntity, "route_option_not_supported");
        (await client.PostAsync("/v1/transports/bindings", new { principal_id = id, transport_type = "queue", transport_handle = "carrier" }))
            .Error(HttpStatusCode.UnprocessableEntity, "invalid_transport_handle");
        (await f.B.PostAsync("/v1/routing/endpoints", Route())).Error(HttpStatusCode.NotFound, "principal_not_found");
        (await f.B.SendJsonAsync(HttpMethod.Delete, $"/v1/routing/endpoints/route_{id}")).Error(HttpStatusCode.NotFound, "principal_not_found");
        (await client.SendJsonAsync(HttpMethod.Delete, "/v1/routing/endpoints/nope")).Error(HttpStatusCode.NotFound);
        Assert.Equal("stream", (await client.GetJsonAsync($"/v1/routing/endpoints?principal_id={id}")).Ok()["routes"]![0]!["metadata"]!["delivery_mode"].Str());
    }
}
