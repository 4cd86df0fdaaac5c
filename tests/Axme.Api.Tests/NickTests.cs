using System.Net;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>Nicks and profiles as the official SDKs call them (issue 14 item 2): unique on the node, on a person's account.</summary>
[Collection(NodeCollection.Name)]
public sealed class NickTests(NodeFixture f)
{
    [Fact]
    public async Task A_key_registers_a_person_by_nick_who_then_renames_it_and_the_old_nick_is_free_again()
    {
        var name = "n" + Guid.NewGuid().ToString("N")[..10];
        var check = (await f.A.GetJsonAsync($"/v1/users/check-nick?nick=@{name.ToUpperInvariant()}")).Ok();
        Assert.Equal(($"@{name}", $"{name}@axme", true), (check["normalized_nick"].Str(), check["public_address"].Str(), check["available"]!.GetValue<bool>()));

        var registered = (await f.A.PostAsync("/v1/users/register-nick", new { nick = $"@{name}", display_name = "Nina", email = $"{name}@example.com", phone = "+100" })).Ok();
        var owner = registered["owner_agent"].Str();
        Assert.Equal(($"agent://acme/prod/{name}", $"@{name}", "Nina"), (owner, registered["nick"].Str(), registered["display_name"].Str()));
        Assert.NotNull(registered["created_at"]);
        Assert.False((await f.A.GetJsonAsync($"/v1/users/check-nick?nick={name}")).Ok()["available"]!.GetValue<bool>());
        Assert.Equal(registered["user_id"].Str(), (await f.A.PostAsync("/v1/users/register-nick", new { nick = $"@{name}", email = $"{name}@example.com" })).Ok()["user_id"].Str()); // the same person again
        (await f.B.PostAsync("/v1/users/register-nick", new { nick = $"@{name}", email = "other@example.com" })).Error(HttpStatusCode.Conflict, "nick_taken");
        Assert.DoesNotContain((await f.B.GetJsonAsync("/v1/users")).Ok()["users"]!.AsArray(), u => u!["name"].Str() == name); // nothing made

        var resolved = (await f.A.GetJsonAsync($"/v1/users/resolve-nick?nick={name}")).Ok();
        Assert.Equal((true, owner, "+100"), (resolved["resolved"]!.GetValue<bool>(), resolved["owner_agent"].Str(), resolved["phone"].Str()));
        var fromElsewhere = (await f.B.GetJsonAsync($"/v1/users/resolve-nick?nick={name}")).Ok();
        Assert.Equal((owner, null), (fromElsewhere["owner_agent"].Str(), fromElsewhere["email"]?.GetValue<string>())); // contact details stay in the workspace

        // A person's profile is theirs (or an admin's) to change, not the agent's that registered them.
        (await f.A.PostAsync("/v1/users/rename-nick", new { owner_agent = owner, nick = $"@{name}x" })).Error(HttpStatusCode.Forbidden);
        var renamed = (await f.Admin.PostAsync("/v1/users/rename-nick", new { owner_agent = owner, nick = $"@{name}x" })).Ok();
        Assert.Equal($"@{name}x", renamed["nick"].Str());
        Assert.NotNull(renamed["renamed_at"]);
        Assert.True((await f.A.GetJsonAsync($"/v1/users/check-nick?nick={name}")).Ok()["available"]!.GetValue<bool>());
        Assert.False((await f.A.GetJsonAsync($"/v1/users/resolve-nick?nick={name}")).Ok()["resolved"]!.GetValue<bool>());

        var profile = (await f.A.GetJsonAsync($"/v1/users/profile?owner_agent={Uri.EscapeDataString(owner)}")).Ok();
        Assert.Equal(($"@{name}x", $"{name}@example.com"), (profile["nick"].Str(), profile["email"].Str()));
        Assert.Equal("Nina B.", (await f.Admin.PostAsync("/v1/users/profile/update", new { owner_agent = owner, display_name = "Nina B." })).Ok()["display_name"].Str());
        (await f.B.GetJsonAsync($"/v1/users/profile?owner_agent={Uri.EscapeDataString(owner)}")).Error(HttpStatusCode.Forbidden);
        (await f.B.PostAsync("/v1/users/profile/update", new { owner_agent = owner, display_name = "Hijacked" })).Error(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_person_registers_their_own_nick_and_bad_nicks_are_422()
    {
        var email = $"p{Guid.NewGuid():N}"[..12] + "@example.com";
        var user = (await f.Admin.PostAsync("/v1/users", new { org_id = "acme", workspace_id = "prod", name = email.Split('@')[0], email })).Ok()["user"]!;
        var token = (await f.Admin.PostAsync($"/v1/users/{user["user_id"].Str()}/tokens", new { })).Ok()["token"].Str();
        using var person = new HttpClient { BaseAddress = f.Node.BaseAddress };
        person.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var nick = "me" + Guid.NewGuid().ToString("N")[..8];
        var mine = (await person.PostAsync("/v1/users/register-nick", new { nick })).Ok();
        Assert.Equal((user["user_id"].Str(), $"@{nick}"), (mine["user_id"].Str(), mine["nick"].Str()));
        Assert.Equal($"@{nick}", (await person.GetJsonAsync("/v1/users/profile")).Ok()["nick"].Str()); // no owner_agent: the caller
        (await person.PostAsync("/v1/users/register-nick", new { nick = nick + "2" })).Error(HttpStatusCode.Conflict, "nick_already_registered");
        foreach (var bad in new[] { "ab", "@has space", "@" + new string('x', 33), "émile" })
            (await f.A.GetJsonAsync($"/v1/users/check-nick?nick={Uri.EscapeDataString(bad)}")).Error(HttpStatusCode.UnprocessableEntity, "invalid_nick");
        (await f.A.GetJsonAsync("/v1/users/check-nick")).Error(HttpStatusCode.UnprocessableEntity, "missing_field");
        (await f.A.PostAsync("/v1/users/register-nick", new { nick = "no-mail-" + nick[..4] })).Error(HttpStatusCode.UnprocessableEntity, "missing_field");
    }
}
