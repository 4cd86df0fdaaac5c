using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Cli.Tests;

/// <summary>axme login (password and browser), session list|revoke, logout (issue 14 item 4, docs/adr/027).</summary>
public sealed partial class CliCommandsTests
{
    private async Task<string> PersonAsync()
    {
        var email = Unique("person") + "@example.com";
        (await Fixture.Admin.PostAsync("/v1/users", new { org_id = "acme", workspace_id = "prod", name = email.Split('@')[0], email })).Ok();
        (await Fixture.Admin.PostAsync("/v1/auth/register-password", new { email, password = "correct horse battery" })).Ok();
        return email;
    }

    [Fact]
    public async Task Login_with_a_password_keeps_the_session_in_the_context_and_logout_ends_it()
    {
        var email = await PersonAsync();
        // No key at all: the session alone acts.
        var person = new Dictionary<string, string?> { ["AXME_API_KEY"] = "", ["AXME_PASSWORD"] = "correct horse battery" };
        var login = await RunAsync(person, "login", "--password", "--email", email, "--json");
        Ok(login);
        Assert.Equal((email, "acme", "prod", false), (login.Json["email"].Str(), login.Json["org_id"].Str(), login.Json["workspace_id"].Str(),
            login.Json["api_key_saved"]!.GetValue<bool>()));
        var context = await RunAsync(person, "context", "show", "--json");
        Assert.Equal(("acme", "prod"), (context.Json["org_id"].Str(), context.Json["workspace_id"].Str()));
        var token = JsonNode.Parse(await File.ReadAllTextAsync(ConfigFile))!["contexts"]!["default"]!["actor_token"].Str();
        var sessions = await RunAsync(person, "session", "list", "--json");
        Ok(sessions);
        // The 4-minute token was within the renewal margin: the command renewed it (and the spent refresh token with it).
        var renewed = JsonNode.Parse(await File.ReadAllTextAsync(ConfigFile))!["contexts"]!["default"]!;
        Assert.NotEqual(token, renewed["actor_token"].Str());
        Ok(await RunAsync(person, "session", "list"));
        Assert.Equal("password", sessions.Json["sessions"]!.AsArray().Single(s => s!["is_current"]!.GetValue<bool>())!["client_type"].Str());
        Ok(await RunAsync(person, "org", "show", "--json")); // any command: the session is the credential

        Ok(await RunAsync(person, "logout"));
        Assert.Equal(3, (await RunAsync(person, "session", "list")).ExitCode); // no credential left
        var bad = await RunAsync(new Dictionary<string, string?> { ["AXME_API_KEY"] = "", ["AXME_PASSWORD"] = "wrong password!!" }, "login", "--password", "--email", email);
        Assert.Equal(3, bad.ExitCode);
        Assert.Contains("wrong e-mail address or password", bad.Stderr);
    }

    [Fact]
    public async Task Login_in_the_browser_waits_for_the_approval_page_then_keeps_the_key_and_session_it_got()
    {
        var email = await PersonAsync();
        var person = new Dictionary<string, string?> { ["AXME_API_KEY"] = "" };
        var url = new TaskCompletionSource<string>();
        var run = RunAsync(person, line => { if (line.Contains("/inbox/login/cli?")) url.TrySetResult(line.Trim()); }, "login", "--browser", "--no-browser", "--json");
        var approval = new Uri(await url.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        using (var browser = new InboxForms(Fixture.Node.BaseAddress))
        {
            await browser.SubmitAsync(approval.PathAndQuery, $"/inbox/signin/password?return={Uri.EscapeDataString(approval.PathAndQuery)}",
                ("email", email), ("password", "correct horse battery"));
            Assert.Contains("Signed in", (await browser.SubmitAsync(approval.PathAndQuery, "/inbox/login/cli", ("decision", "approve"))).Html);
        }
        var login = await run;
        Assert.True(login.ExitCode == 0, login.Stderr);
        Assert.True(JsonNode.Parse(login.Stdout.Split('\n', 2)[1])!["api_key_saved"]!.GetValue<bool>());

        var sessions = await RunAsync(person, "session", "list", "--json");
        Ok(sessions);
        var current = sessions.Json["sessions"]!.AsArray().Single(s => s!["is_current"]!.GetValue<bool>())!;
        Assert.Equal("cli_grant", current["client_type"].Str());
        Ok(await RunAsync(person, "session", "revoke", "--current"));
        Assert.Equal(3, (await RunAsync(person, "session", "list")).ExitCode);
    }
}
