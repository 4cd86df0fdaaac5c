using System.Net;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>Invitations over HTTP (issue 14 item 3, docs/adr/030): made with a key, read and accepted once with the token alone.</summary>
[Collection(NodeCollection.Name)]
public sealed class InviteTests(NodeFixture f)
{
    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    [Fact]
    public async Task An_agent_invites_a_person_who_accepts_once_with_a_nick_and_becomes_a_member_of_the_workspace()
    {
        var org = NewId("iv");
        var (agent, address, _) = await Tenants.CreateAsync(f.Node, f.Admin, org, "main", "recruiter");
        using var anonymous = new HttpClient { BaseAddress = f.Node.BaseAddress };

        var created = (await agent.PostAsync("/v1/invites/create", new { owner_agent = address, recipient_hint = "Ravi from finance", ttl_seconds = 3600 })).Ok();
        var token = created["token"].Str();
        Assert.Matches("^inv_[A-Za-z0-9_-]{43}$", token);
        Assert.EndsWith($"/inbox/invite/{token}", created["invite_url"].Str());
        Assert.Equal((address, "Ravi from finance", "pending"), (created["owner_agent"].Str(), created["recipient_hint"].Str(), created["status"].Str()));
        var lifetime = DateTimeOffset.Parse(created["expires_at"].Str()) - DateTimeOffset.Parse(created["created_at"].Str());
        Assert.Equal(TimeSpan.FromHours(1), lifetime);
        // Only the token's hash is kept: the token is nowhere in the database.
        Assert.Equal(0L, await TestPostgres.ScalarAsync<long>(f.Database,
            "SELECT count(*) FROM orleansstorage WHERE position(convert_to(@t, 'UTF8') in payloadbinary) > 0 OR grainidextensionstring LIKE '%' || @t || '%'",
            ("t", token[4..])));
        Assert.Equal(1L, await TestPostgres.ScalarAsync<long>(f.Database, "SELECT count(*) FROM orleansstorage WHERE position(convert_to(@t, 'UTF8') in payloadbinary) > 0",
            ("t", "Ravi from finance"))); // the invitation's row: what the check would find if the token were in it

        var read = (await anonymous.GetJsonAsync($"/v1/invites/{token}")).Ok();
        Assert.Equal(("pending", address), (read["status"].Str(), read["owner_agent"].Str()));
        (await anonymous.GetJsonAsync("/v1/invites/inv_nothing")).Error(HttpStatusCode.NotFound, "invite_not_found");
        (await anonymous.PostAsync("/v1/invites/create", new { owner_agent = address })).Error(HttpStatusCode.Unauthorized);
        (await agent.PostAsync("/v1/invites/create", new { owner_agent = $"agent://{org}/main/someone-else" })).Error(HttpStatusCode.Forbidden);
        // An e-mail hint is mailed: a node without e-mail says so rather than dropping it.
        (await agent.PostAsync("/v1/invites/create", new { owner_agent = address, recipient_hint = "ravi@example.com" }))
            .Error(HttpStatusCode.ServiceUnavailable, "email_unavailable");

        // The inviter hears of the acceptance on its webhook subscription.
        await using var receiver = await WebhookReceiver.StartAsync("invite-secret-0123456789abcdef", (_, _) => 200);
        (await agent.PostAsync("/v1/webhooks/subscriptions", new
        {
            callback_url = receiver.BaseUrl + "/invites", event_types = new[] { "invite.accepted" }, secret = "invite-secret-0123456789abcdef",
        })).Ok();

        var nick = "ravi" + org[3..];
        (await anonymous.PostAsync($"/v1/invites/{token}/accept", new { nick = "no spaces allowed" })).Error(HttpStatusCode.UnprocessableEntity);
        var accepted = (await anonymous.PostAsync($"/v1/invites/{token}/accept", new { nick = "@" + nick, display_name = "Ravi Kumar" })).Ok();
        var userId = accepted["user_id"].Str();
        Assert.Equal(("accepted", address, $"agent://{org}/main/{nick}", "@" + nick, "Ravi Kumar", "disabled"),
            (accepted["status"].Str(), accepted["invite_owner_agent"].Str(), accepted["owner_agent"].Str(), accepted["nick"].Str(),
             accepted["display_name"].Str(), accepted["registry_bind_status"].Str()));
        Assert.StartsWith(nick + "@", accepted["public_address"].Str());

        var hook = (await Poll.UntilAsync(() => Task.FromResult(receiver.Received), r => r.Count >= 1, TimeSpan.FromSeconds(20), "invite.accepted"))[0];
        Assert.True(hook.SignatureValid);
        Assert.Equal(("invite.accepted", userId, "@" + nick), (hook.Json["event_type"].Str(), hook.Json["payload"]!["user_id"].Str(), hook.Json["payload"]!["nick"].Str()));
        (await anonymous.PostAsync($"/v1/invites/{token}/accept", new { nick = "@other" + org[3..] })).Error(HttpStatusCode.Conflict, "invite_already_accepted");
        var after = (await anonymous.GetJsonAsync($"/v1/invites/{token}")).Ok();
        Assert.Equal(("accepted", $"agent://{org}/main/{nick}", "@" + nick), (after["status"].Str(), after["accepted_owner_agent"].Str(), after["nick"].Str()));

        // The person is a human user of the workspace and a member limited to it.
        var user = (await agent.GetJsonAsync($"/v1/users/{userId}")).Ok()["user"]!;
        Assert.Equal("Ravi Kumar", user["display_name"].Str());
        var member = (await f.Admin.GetJsonAsync($"/v1/organizations/{org}/members")).Ok()["members"]!.AsArray().Single(m => m!["actor_id"].Str() == userId)!;
        Assert.Equal(("member", "main"), (member["role"].Str(), member["workspace_id"].Str()));
        Assert.True((await agent.GetJsonAsync($"/v1/users/resolve-nick?nick={nick}")).Ok()["resolved"]!.GetValue<bool>());

        // A nick is one person's: another invitation cannot take it.
        var second = (await agent.PostAsync("/v1/invites/create", new { owner_agent = address })).Ok()["token"].Str();
        (await anonymous.PostAsync($"/v1/invites/{second}/accept", new { nick })).Error(HttpStatusCode.Conflict, "nick_taken");
        Assert.Equal("pending", (await anonymous.GetJsonAsync($"/v1/invites/{second}")).Ok()["status"].Str());

        var audited = (await f.Admin.GetJsonAsync($"/v1/audit/events?org_id={org}&action_prefix=invite.")).Ok()["events"]!.AsArray();
        Assert.Contains(audited, e => e!["action"].Str() == "invite.accept" && e["actor_id"].Str() == userId);
        Assert.Contains(audited, e => e!["action"].Str() == "invite.create");
    }
}
