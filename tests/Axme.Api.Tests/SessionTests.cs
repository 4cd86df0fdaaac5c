using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>People sign in with a password and hold sessions (issue 14 item 4, docs/adr/027).</summary>
[Collection(NodeCollection.Name)]
public sealed class SessionTests(NodeFixture f)
{
    private const string Password = "correct horse battery";

    /// <summary>A person: a human user with a fresh address in the workspace, their password set by the admin.</summary>
    private async Task<(string Email, string UserId)> PersonAsync(string org = "acme", string ws = "prod")
    {
        var email = $"p{Guid.NewGuid():N}"[..12] + "@example.com";
        var user = (await f.Admin.PostAsync("/v1/users", new { org_id = org, workspace_id = ws, name = email.Split('@')[0], email })).Ok()["user"]!;
        (await f.Admin.PostAsync("/v1/auth/register-password", new { email, password = Password })).Ok();
        return (email, user["user_id"].Str());
    }

    /// <summary>A client with no key at all (NodeProcess.CreateClient sends the admin key by default).</summary>
    private HttpClient Anonymous() => new() { BaseAddress = f.Node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>A client sending only the access token, as a person signed in without a key does.</summary>
    private HttpClient Bearer(string token)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static JsonObject Claims(string jwt) =>
        JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(Pad(jwt.Split('.')[1].Replace('-', '+').Replace('_', '/')))))!.AsObject();

    private static string Pad(string s) => s + new string('=', (4 - s.Length % 4) % 4);

    [Fact]
    public async Task A_person_signs_in_with_a_password_and_acts_with_the_access_token_alone()
    {
        var (email, userId) = await PersonAsync();
        using var anonymous = Anonymous();
        var grant = (await anonymous.PostAsync("/v1/auth/login", new { email = email.ToUpperInvariant(), password = Password })).Ok();
        Assert.Equal(("acme", "prod", userId, "Bearer"), (grant["org_id"].Str(), grant["workspace_id"].Str(), grant["user_id"].Str(), grant["token_type"].Str()));
        var token = grant["account_session_token"].Str();
        Assert.Equal(token, grant["access_token"].Str());
        Assert.StartsWith("axme_rt_ses_", grant["refresh_token"].Str());
        // The CLI reads exp from the JWT (PROTOCOL §3.4): 15 minutes ahead.
        var claims = Claims(token);
        var left = claims["exp"]!.GetValue<long>() - DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.InRange(left, 800, 901);
        Assert.Equal((userId, grant["session_id"].Str()), (claims["sub"].Str(), claims["sid"].Str()));

        using var person = Bearer(token);
        (await person.GetJsonAsync("/v1/me/tasks")).Ok();
        var sessions = (await person.GetJsonAsync("/v1/auth/sessions")).Ok()["sessions"]!.AsArray();
        Assert.Equal(2, sessions.Count); // the one register-password opened, and this one
        var current = Assert.Single(sessions, s => s!["is_current"]!.GetValue<bool>())!;
        Assert.Equal(("password", false), (current["client_type"].Str(), current["revoked"]!.GetValue<bool>()));
        // The password is never stored as given, nor is the refresh token.
        var rows = await TestPostgres.ScalarAsync<long>(f.Database,
            "SELECT count(*) FROM orleansstorage WHERE position(@a in convert_from(payloadbinary, 'UTF8')) > 0 OR position(@b in convert_from(payloadbinary, 'UTF8')) > 0",
            ("a", Password), ("b", grant["refresh_token"].Str()));
        Assert.Equal(0, rows);
    }

    [Fact]
    public async Task Wrong_passwords_and_unknown_addresses_get_one_answer_and_an_address_locks_after_ten_failures()
    {
        var (email, _) = await PersonAsync();
        using var anonymous = Anonymous();
        (await anonymous.PostAsync("/v1/auth/login", new { email, password = "wrong password!" })).Error(HttpStatusCode.Unauthorized, "invalid_credentials");
        (await anonymous.PostAsync("/v1/auth/login", new { email = "nobody-" + email, password = Password })).Error(HttpStatusCode.Unauthorized, "invalid_credentials");
        for (var i = 0; i < 9; i++)
            (await anonymous.PostAsync("/v1/auth/login", new { email, password = $"wrong password {i}" })).Error(HttpStatusCode.Unauthorized, "invalid_credentials");
        var locked = (await anonymous.PostAsync("/v1/auth/login", new { email, password = Password })).Error((HttpStatusCode)429, "too_many_attempts");
        Assert.NotNull(locked.Message.Headers.RetryAfter);
        (await anonymous.PostAsync("/v1/auth/login", new { email, password = "short" })).Error(HttpStatusCode.UnprocessableEntity);
        (await anonymous.PostAsync("/v1/auth/login", new { password = Password })).Error(HttpStatusCode.UnprocessableEntity, "missing_field");
        (await anonymous.PostAsync("/v1/auth/login", new { email = "not-an-address", password = Password })).Error(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task A_refresh_token_is_good_once_and_its_replay_ends_the_session()
    {
        var (email, _) = await PersonAsync();
        using var anonymous = Anonymous();
        var grant = (await anonymous.PostAsync("/v1/auth/login", new { email, password = Password })).Ok();
        var first = grant["refresh_token"].Str();
        var renewed = (await anonymous.PostAsync("/v1/auth/refresh", new { refresh_token = first })).Ok();
        Assert.NotEqual(first, renewed["refresh_token"].Str());
        using (var person = Bearer(renewed["access_token"].Str())) (await person.GetJsonAsync("/v1/me/tasks")).Ok();
        // The spent token again: someone else holds a copy, so the session ends for both.
        (await anonymous.PostAsync("/v1/auth/refresh", new { refresh_token = first })).Error(HttpStatusCode.Unauthorized, "invalid_refresh_token");
        (await anonymous.PostAsync("/v1/auth/refresh", new { refresh_token = renewed["refresh_token"].Str() })).Error(HttpStatusCode.Unauthorized, "invalid_refresh_token");
        using (var person = Bearer(renewed["access_token"].Str())) (await person.GetJsonAsync("/v1/me/tasks")).Error(HttpStatusCode.Unauthorized, "invalid_actor_token");
        (await anonymous.PostAsync("/v1/auth/refresh", new { refresh_token = "axme_rt_ses_nope_0000" })).Error(HttpStatusCode.Unauthorized, "invalid_refresh_token");
        (await anonymous.PostAsync("/v1/auth/refresh", new { })).Error(HttpStatusCode.UnprocessableEntity, "missing_field");
    }

    [Fact]
    public async Task Logout_ends_one_session_logout_all_every_one_and_another_persons_session_is_not_found()
    {
        var (email, _) = await PersonAsync();
        using var anonymous = Anonymous();
        var a = (await anonymous.PostAsync("/v1/auth/login", new { email, password = Password })).Ok();
        var b = (await anonymous.PostAsync("/v1/auth/login", new { email, password = Password })).Ok();
        using var sessionA = Bearer(a["access_token"].Str());
        using var sessionB = Bearer(b["access_token"].Str());
        Assert.Equal(1, (await sessionA.PostAsync("/v1/auth/logout")).Ok()["revoked_count"]!.GetValue<int>());
        (await sessionA.GetJsonAsync("/v1/me/tasks")).Error(HttpStatusCode.Unauthorized, "invalid_actor_token");
        (await sessionB.GetJsonAsync("/v1/me/tasks")).Ok();
        var listed = (await sessionB.GetJsonAsync("/v1/auth/sessions?include_revoked=true")).Ok()["sessions"]!.AsArray();
        Assert.True(listed.Single(s => s!["session_id"].Str() == a["session_id"].Str())!["revoked"]!.GetValue<bool>());
        Assert.DoesNotContain((await sessionB.GetJsonAsync("/v1/auth/sessions")).Ok()["sessions"]!.AsArray(), s => s!["session_id"].Str() == a["session_id"].Str());

        var (other, _) = await PersonAsync();
        var theirs = (await anonymous.PostAsync("/v1/auth/login", new { email = other, password = Password })).Ok();
        (await sessionB.PostAsync("/v1/auth/sessions/revoke", new { session_id = theirs["session_id"].Str() })).Error(HttpStatusCode.NotFound, "session_not_found");
        Assert.True((await sessionB.PostAsync("/v1/auth/logout-all", new { })).Ok()["revoked_count"]!.GetValue<int>() >= 2);
        (await sessionB.GetJsonAsync("/v1/me/tasks")).Error(HttpStatusCode.Unauthorized);
        (await f.A.PostAsync("/v1/auth/logout")).Error(HttpStatusCode.Unauthorized, "missing_actor_token"); // a machine key has no session
        (await f.A.GetJsonAsync("/v1/auth/sessions")).Error(HttpStatusCode.Unauthorized, "missing_actor_token");
    }

    [Fact]
    public async Task Only_the_person_or_an_admin_sets_a_password_and_the_new_one_replaces_the_old()
    {
        var (email, _) = await PersonAsync();
        var (stranger, _) = await PersonAsync();
        using var anonymous = Anonymous();
        var own = (await anonymous.PostAsync("/v1/auth/login", new { email, password = Password })).Ok();
        using var person = Bearer(own["access_token"].Str());
        (await person.PostAsync("/v1/auth/register-password", new { email = stranger, password = "taken over!!" })).Error(HttpStatusCode.Forbidden);
        (await f.A.PostAsync("/v1/auth/register-password", new { email, password = "by a machine key" })).Error(HttpStatusCode.Forbidden);
        (await anonymous.PostAsync("/v1/auth/register-password", new { email, password = "without anything" })).Error(HttpStatusCode.Unauthorized);
        (await f.Admin.PostAsync("/v1/auth/register-password", new { email = "nobody@example.com", password = Password })).Error(HttpStatusCode.NotFound, "user_not_found");
        (await person.PostAsync("/v1/auth/register-password", new { email, password = "a brand new passphrase" })).Ok();
        (await anonymous.PostAsync("/v1/auth/login", new { email, password = Password })).Error(HttpStatusCode.Unauthorized, "invalid_credentials");
        (await anonymous.PostAsync("/v1/auth/login", new { email, password = "a brand new passphrase" })).Ok();
    }

    [Fact]
    public async Task The_personal_context_lists_the_persons_workspaces_and_a_session_switches_between_them()
    {
        var (email, userA) = await PersonAsync();
        var second = (await f.Admin.PostAsync("/v1/users", new { org_id = "other", workspace_id = "ws", name = email.Split('@')[0], email })).Ok()["user"]!;
        using var anonymous = Anonymous();
        var grant = (await anonymous.PostAsync("/v1/auth/login", new { email, password = Password })).Ok();
        using var person = Bearer(grant["access_token"].Str());
        var context = (await person.GetJsonAsync("/v1/portal/personal/context")).Ok();
        Assert.Equal(("acme", "prod", email), (context["context"]!["org_id"].Str(), context["context"]!["workspace_id"].Str(), context["account"]!["email"].Str()));
        Assert.Equal(2, context["guidance"]!["workspace_count"]!.GetValue<int>());
        Assert.Equal(["acme", "other"], context["organizations"]!.AsArray().Select(o => o!["org_id"].Str()).Order());
        Assert.Equal("acme", context["selected_organization"]!["org_id"].Str());

        var switched = (await person.PostAsync("/v1/portal/personal/workspace-selection", new { org_id = "other", workspace_id = "ws" })).Ok();
        Assert.Equal(("other", "ws"), (switched["context"]!["org_id"].Str(), switched["context"]!["workspace_id"].Str()));
        // The same access token now acts as the person's account there.
        var now = (await person.GetJsonAsync("/v1/portal/personal/context")).Ok();
        Assert.Equal((second["user_id"].Str(), "ws"), (now["account"]!["user_id"].Str(), now["selected_workspace"]!["workspace_id"].Str()));
        (await person.PostAsync("/v1/portal/personal/workspace-selection", new { org_id = "acme", workspace_id = "nowhere" }))
            .Error(HttpStatusCode.Forbidden, "invalid_actor_scope");
        (await f.A.GetJsonAsync("/v1/portal/personal/context")).Error(HttpStatusCode.Unauthorized, "missing_actor_token");
        Assert.NotEqual(userA, second["user_id"].Str());
    }

    [Fact]
    public async Task MCP_takes_the_access_token_as_its_bearer_and_acts_as_the_person()
    {
        var (email, userId) = await PersonAsync();
        using var anonymous = Anonymous();
        var grant = (await anonymous.PostAsync("/v1/auth/login", new { email, password = Password })).Ok();
        using var person = Bearer(grant["access_token"].Str());
        var tasks = await McpTests.CallAsync(person, "axme.tasks_list", new { });
        Assert.NotNull(tasks["tasks"]);
        Assert.Equal("acme", (await McpTests.CallAsync(person, "axme.organizations_get", new { }))["organization"]!["org_id"].Str());
        (await person.PostAsync("/v1/auth/logout")).Ok();
        await McpTests.ErrorAsync(person, "tools/call", new { name = "axme.tasks_list", arguments = new { } }, -32001); // the session is over
        Assert.NotEmpty(userId);
    }
}

