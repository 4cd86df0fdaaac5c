using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Axme.Client.Tests;

/// <summary>The SDK, continued: retries of a send and their limits, DI registration of a typed client, a scenario applied through the SDK.</summary>
public sealed partial class ClientTests
{
    [Fact]
    public async Task A_send_whose_first_attempt_landed_but_answered_503_is_retried_with_the_same_key_and_creates_one_intent()
    {
        var ws = NodeFixture.NewWorkspace();
        var failed = 0;
        var hook = new HookHandler(async (request, send) =>
        {
            var response = await send(); // the node really creates the intent …
            if (request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath == "/v1/intents" && Interlocked.Increment(ref failed) == 1)
            {
                response.Dispose(); // … but the client only sees a 503
                return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("""{"error":{"code":"unavailable","message":"try again"}}""") };
            }
            return response;
        });
        var (client, _) = await f.ClientAsync(ws, "requester", handler: hook);
        var correlation = Guid.NewGuid().ToString();

        var intent = await client.SendIntentAsync("worker", new { n = 1 }, new SendIntentOptions { CorrelationId = correlation });

        var posts = hook.Requests.Where(r => r.Method == HttpMethod.Post && r.Path == "/v1/intents").ToList();
        Assert.Equal(2, posts.Count);
        Assert.NotNull(posts[0].IdempotencyKey);
        Assert.Equal(posts[0].IdempotencyKey, posts[1].IdempotencyKey);
        var page = await client.ListIntentsAsync(new IntentListFilter { CorrelationId = correlation });
        Assert.Equal([intent.IntentId], page.Intents.Select(i => i.IntentId));
        Assert.False(page.HasMore);

        // The next logical call gets a new key.
        await client.SendIntentAsync("worker", new { n = 2 }, new SendIntentOptions { CorrelationId = correlation });
        var keys = hook.Requests.Where(r => r.Method == HttpMethod.Post && r.Path == "/v1/intents").Select(r => r.IdempotencyKey).Distinct().Count();
        Assert.Equal(2, keys);
        Assert.Equal(2, (await client.ListIntentsAsync(new IntentListFilter { CorrelationId = correlation })).Intents.Count);
    }

    [Fact]
    public async Task A_send_without_a_correlation_id_sends_one_and_a_second_process_with_the_same_key_gets_the_same_intent()
    {
        var ws = NodeFixture.NewWorkspace();
        var (first, _) = await f.ClientAsync(ws, "sender");
        var key = "order-" + Guid.NewGuid().ToString("N");

        var sent = await first.SendIntentAsync("worker", new { n = 1 }, new SendIntentOptions { IdempotencyKey = key });
        Assert.True(Guid.TryParse(sent.CorrelationId, out _), sent.CorrelationId);
        // Another client (another process) sending the same thing under the same key: the same body, so the same intent
        // rather than a 409 for a different correlation id.
        var (second, _) = await f.ClientAsync(ws, "sender");
        var again = await second.SendIntentAsync("worker", new { n = 1 }, new SendIntentOptions { IdempotencyKey = key });
        Assert.Equal(sent.IntentId, again.IntentId);
        Assert.Equal(sent.CorrelationId, again.CorrelationId);
        // Without a key, each send gets its own.
        var other = await first.SendIntentAsync("worker", new { n = 1 });
        Assert.NotEqual(sent.CorrelationId, other.CorrelationId);
    }

    [Fact]
    public async Task A_persistent_503_is_retried_MaxRetries_times_then_thrown_as_AxmeServerException_and_a_422_is_not_retried()
    {
        var ws = NodeFixture.NewWorkspace();
        var (_, _, key) = await Axme.Testing.Tenants.CreateAsync(f.Node, f.Admin, "sdk", ws, "requester");
        var hook = new HookHandler((request, send) => request.RequestUri!.AbsolutePath == "/v1/intents" && request.Method == HttpMethod.Get
            ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("""{"error":{"code":"down","message":"node down"}}""") })
            : send());
        using var client = f.Client(key, o => o.MaxRetries = 2, hook);
        var e = await Assert.ThrowsAsync<AxmeServerException>(() => client.ListIntentsAsync());
        Assert.Equal("down", e.Code);
        Assert.Equal(3, hook.Requests.Count(r => r.Method == HttpMethod.Get && r.Path == "/v1/intents"));

        await Assert.ThrowsAsync<AxmeValidationException>(() => client.SendIntentAsync("x1", null, new SendIntentOptions { IntentType = "BAD" }));
        Assert.Single(hook.Requests, r => r.Method == HttpMethod.Post);
    }

    [Fact]
    public async Task AddAxmeClient_registers_a_typed_client_that_registers_an_agent_and_sends_to_it()
    {
        var services = new ServiceCollection();
        services.AddAxmeClient(o =>
        {
            o.BaseUrl = f.Node.BaseAddress.ToString();
            o.ApiKey = f.Node.AdminKey;
        });
        using var provider = services.BuildServiceProvider();
        var admin = provider.GetRequiredService<AxmeClient>();

        var name = "di-agent-" + Guid.NewGuid().ToString("N")[..6];
        var registered = await admin.RegisterAgentAsync(name, delivery: new DeliveryConfig { DeliveryMode = "poll" });
        Assert.False(string.IsNullOrEmpty(registered.Key!.Token));
        Assert.EndsWith("/" + name, registered.Account.AgentAddress);
        var agent = await admin.GetAgentAsync(registered.Account.AgentAddress);
        Assert.Equal("poll", agent.DeliveryMode);
        Assert.Contains(await admin.ListServiceAccountsAsync(), a => a.ServiceAccountId == registered.Account.ServiceAccountId);

        using var asAgent = f.Client(registered.Key.Token);
        var configured = await asAgent.ConfigureDeliveryAsync(registered.Account.AgentAddress, new DeliveryConfig { DeliveryMode = "stream" });
        Assert.Equal("stream", configured.DeliveryMode);
        await admin.DeleteServiceAccountAsync(registered.Account.ServiceAccountId);
        await Assert.ThrowsAsync<AxmeNotFoundException>(() => admin.GetServiceAccountAsync(registered.Account.ServiceAccountId));
    }

    [Fact]
    public async Task A_scenario_applied_through_the_SDK_runs_its_agent_step_and_wait_for_returns_the_step_results()
    {
        var ws = NodeFixture.NewWorkspace();
        var (client, _) = await f.ClientAsync(ws, "requester");
        var (agent, checker) = await f.ClientAsync(ws, "checker", o => o.StreamWaitSeconds = 1);
        using var stop = new CancellationTokenSource(Limit);
        var listener = Task.Run(async () =>
        {
            await foreach (var d in agent.ListenAsync(checker, 0, stop.Token))
                await agent.ResumeIntentAsync(d.IntentId, new { action = "complete", checked_service = d.Payload!["parent_payload"]!["service"]!.GetValue<string>() }, "checker", stop.Token);
        });
        var bundle = System.Text.Json.Nodes.JsonNode.Parse("""
            {"scenario_id":"sdk.check.v1",
             "agents":[{"role":"checker","address":"checker","create_if_missing":true}],
             "workflow":{"steps":[{"step_id":"check","tool_id":"tool.agent.task.v1","assigned_to":"checker","step_deadline_seconds":30}]},
             "intent":{"type":"intent.sdk.check.v1","payload":{"service":"api-gateway"}}}
            """)!.AsObject();
        var valid = await client.ValidateScenarioAsync(bundle);
        Assert.True(valid["valid"]!.GetValue<bool>());
        var applied = await client.ApplyScenarioAsync(bundle);
        var done = await client.WaitForAsync(applied["intent_id"]!.GetValue<string>(), Limit);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listener);
        Assert.Equal("COMPLETED", done.Status);
        Assert.Equal("api-gateway", done.Result!["steps"]!["check"]!["checked_service"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_scenario_registered_through_the_SDK_from_a_built_in_template_starts_by_id_and_runs_its_agent_step()
    {
        var ws = NodeFixture.NewWorkspace();
        var (client, _) = await f.ClientAsync(ws, "requester");
        var (agent, checker) = await f.ClientAsync(ws, "checker", o => o.StreamWaitSeconds = 1);
        using var stop = new CancellationTokenSource(Limit);
        var listener = Task.Run(async () =>
        {
            await foreach (var d in agent.ListenAsync(checker, 0, stop.Token))
                await agent.ResumeIntentAsync(d.IntentId, new { action = "complete", n = d.Payload!["parent_payload"]!["n"]!.GetValue<int>() }, "checker", stop.Token);
        });
        var templates = await client.ListMacrosAsync();
        Assert.Contains(templates.Macros, m => m.MacroId == "delivery.stream.v1" && m.Builtin);
        Assert.Contains((await client.GetMacroAsync("delivery.stream.v1")).Macro.Parameters, p => p.Name == "agent" && p.Default == "checker");

        var registered = await client.RegisterScenarioAsync(System.Text.Json.Nodes.JsonNode.Parse("""
            {"scenario_id":"sdk.started.v1","agents":[{"role":"checker","address":"checker"}],
             "workflow":{"macro_id":"delivery.stream.v1","parameters":{"step_id":"count"}},
             "intent":{"type":"intent.sdk.started.v1","payload":{"n":1}}}
            """)!.AsObject());
        Assert.Equal("delivery.stream.v1", registered.Scenario.MacroId);
        Assert.Equal(["sdk.started.v1"], (await client.ListScenariosAsync()).Scenarios.Select(x => x.ScenarioId));

        var run = new Contracts.ScenarioStartRequest { Payload = new System.Text.Json.Nodes.JsonObject { ["n"] = 41 } };
        var started = await client.StartScenarioAsync("sdk.started.v1", run, "sdk-run-1");
        Assert.Equal(started.IntentId, (await client.StartScenarioAsync("sdk.started.v1", run, "sdk-run-1")).IntentId);
        var done = await client.WaitForAsync(started.IntentId, Limit);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listener);
        Assert.Equal("COMPLETED", done.Status);
        Assert.Equal(41, done.Result!["steps"]!["count"]!["n"]!.GetValue<int>());
        Assert.True((await client.DeleteScenarioAsync("sdk.started.v1")).Deleted);
        await Assert.ThrowsAsync<AxmeNotFoundException>(() => client.StartScenarioAsync("sdk.started.v1"));
    }
    [Fact]
    public async Task A_file_uploaded_through_the_SDK_is_ready_downloads_whole_and_a_bad_one_raises_the_typed_errors()
    {
        var (client, _) = await f.ClientAsync(NodeFixture.NewWorkspace(), "uploader");
        var bytes = new byte[2 * 1024 * 1024 + 17]; // three chunks
        new Random(11).NextBytes(bytes);
        var upload = await client.UploadFileAsync(new MemoryStream(bytes), "scan.bin", "application/octet-stream");
        Assert.Equal("ready", upload.Status);
        Assert.Equal(bytes.Length, upload.SizeBytes);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), upload.Sha256);
        Assert.NotNull(upload.DownloadUrl);
        var copy = new MemoryStream();
        await client.DownloadMediaAsync(upload.UploadId, copy);
        Assert.Equal(bytes, copy.ToArray());

        var created = await client.CreateMediaUploadAsync(new MediaCreateUploadRequest { OwnerAgent = "uploader", Filename = "a.txt", MimeType = "text/plain", SizeBytes = 3 });
        await client.UploadMediaAsync(created.UploadUrl, new MemoryStream("abc"u8.ToArray()), "text/plain");
        var mismatch = await Assert.ThrowsAsync<AxmeValidationException>(() => client.FinalizeMediaUploadAsync(created.UploadId, 3, new string('0', 64)));
        Assert.Equal("media_checksum_mismatch", mismatch.Code);
        Assert.Equal("ready", (await client.FinalizeMediaUploadAsync(created.UploadId, 3)).Status);
        await client.DeleteMediaAsync(created.UploadId);
        await Assert.ThrowsAsync<AxmeNotFoundException>(() => client.GetMediaAsync(created.UploadId));
    }
    [Fact]
    public async Task An_alias_bound_through_the_SDK_sends_intents_to_its_principal_and_a_route_sets_its_binding()
    {
        var ws = NodeFixture.NewWorkspace();
        var (client, _) = await f.ClientAsync(ws, "router");
        var principal = (await client.CreatePrincipalAsync(new PrincipalCreateRequest { OrgId = "sdk", WorkspaceId = ws, PrincipalType = "service_agent", DisplayName = "Clerk" })).Principal;
        var alias = (await client.BindAliasAsync(new AliasBindRequest { PrincipalId = principal.PrincipalId, Alias = "front-desk", AliasType = "communication" })).Alias;
        Assert.Equal(principal.Address, alias.PrincipalAddress);
        var sent = await client.SendIntentAsync("front-desk", new { n = 1 });
        Assert.Equal(principal.Address, (await client.GetIntentAsync(sent.IntentId.ToString())).ToAgent);
        Assert.Equal(principal.PrincipalId, (await client.ResolveAliasAsync("front-desk")).Resolution.Principal.PrincipalId);

        var route = (await client.RegisterRouteAsync(new RouteRegisterRequest
            { PrincipalId = principal.PrincipalId, TransportType = "queue", EndpointUrl = "node's own", AuthMode = "none", Metadata = new JsonObject { ["delivery_mode"] = "poll" } })).Route;
        Assert.Equal("poll", route.Metadata["delivery_mode"]!.GetValue<string>());
        var resolved = (await client.ResolveRouteAsync(new RoutingResolveRequest { OrgId = "sdk", WorkspaceId = ws, Alias = "front-desk" })).Resolution;
        Assert.Equal(route.RouteId, resolved.SelectedRoute!.RouteId);
        Assert.Equal("poll", Assert.Single((await client.ListTransportBindingsAsync(principal.PrincipalId)).Bindings).TransportHandle);
        Assert.True((await client.RemoveRouteAsync(route.RouteId)).Route.Removed);
        Assert.Equal("revoked", (await client.RevokeAliasAsync(alias.AliasId)).Alias.Status);
        Assert.Empty((await client.ListAliasesAsync(status: "active")).Aliases);
    }

    [Fact]
    public async Task An_organization_its_workspaces_and_members_are_managed_through_the_SDK_and_a_suspended_workspace_refuses_its_keys()
    {
        var admin = f.Client(f.Node.AdminKey);
        var org = "sdk-org-" + Guid.NewGuid().ToString("N")[..6];
        var created = (await admin.CreateOrganizationAsync(new OrganizationCreateRequest { Name = "SDK Org", OrgId = org, RequestedByActorId = "usr_founder" })).Organization;
        Assert.Equal((org, "active"), (created.OrgId, created.Status));
        var ws = (await admin.CreateWorkspaceAsync(org, new WorkspaceCreateRequest { Name = "Main", Environment = "staging" })).Workspace;
        Assert.Equal(("main", "staging"), (ws.WorkspaceId, ws.Environment));
        Assert.Contains(org, (await admin.ListOrganizationsAsync()).Organizations.Select(o => o.OrgId));
        var got = (await admin.GetOrganizationAsync(org)).Organization;
        Assert.Equal((1, 1), (got.WorkspacesCount, got.MembersCount));
        Assert.Equal(["main"], (await admin.ListWorkspacesAsync(org)).Workspaces.Select(w => w.WorkspaceId));

        var member = (await admin.AddMemberAsync(org, new MemberAddRequest { ActorId = "usr_ops", Role = "member", WorkspaceId = "main" })).Member;
        Assert.Equal("workspace_admin", (await admin.UpdateMemberAsync(org, member.MemberId, new MemberUpdateRequest { Role = "workspace_admin" })).Member.Role);
        Assert.Equal(2, (await admin.ListMembersAsync(org, "main")).Members.Count);
        Assert.True((await admin.RemoveMemberAsync(org, member.MemberId)).Removed);

        var (_, _, key) = await Axme.Testing.Tenants.CreateAsync(f.Node, f.Admin, org, "main", "worker");
        var worker = f.Client(key);
        Assert.Equal(org, Assert.Single((await worker.ListOrganizationsAsync()).Organizations).OrgId);
        Assert.Equal("suspended", (await admin.UpdateWorkspaceAsync(org, "main", new WorkspaceUpdateRequest { Status = "suspended" })).Workspace.Status);
        var refused = await Assert.ThrowsAsync<AxmeAuthException>(() => worker.ListOrganizationsAsync());
        Assert.Equal("workspace_suspended", refused.Code);
        Assert.Equal("Main workspace", (await admin.UpdateWorkspaceAsync(org, "main", new WorkspaceUpdateRequest { Status = "active", Name = "Main workspace" })).Workspace.Name);
        Assert.Single((await worker.ListOrganizationsAsync()).Organizations);

        // An invitation made by the worker, read and accepted with the token alone (a client without a key).
        var invite = await worker.CreateInviteAsync(new InviteCreateRequest { OwnerAgent = $"agent://{org}/main/worker", RecipientHint = "Noor", TtlSeconds = 600 });
        var stranger = f.Client(null);
        Assert.Equal("pending", (await stranger.GetInviteAsync(invite.Token)).Status);
        var nick = "noor" + org[8..];
        var accepted = await stranger.AcceptInviteAsync(invite.Token, new InviteAcceptRequest { Nick = nick, DisplayName = "Noor" });
        Assert.Equal(($"agent://{org}/main/{nick}", "@" + nick), (accepted.OwnerAgent, accepted.Nick));
        Assert.Equal("invite_already_accepted", (await Assert.ThrowsAsync<AxmeConflictException>(() =>
            stranger.AcceptInviteAsync(invite.Token, new InviteAcceptRequest { Nick = nick + "x" }))).Code);
        Assert.Contains((await admin.ListMembersAsync(org, "main")).Members, m => m.ActorId == accepted.UserId);
        Assert.Equal("Renamed", (await admin.UpdateOrganizationAsync(org, new OrganizationUpdateRequest { Name = "Renamed" })).Organization.Name);
    }
}
