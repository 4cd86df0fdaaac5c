using System.Net;
using System.Text.RegularExpressions;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>
/// The CLI's sign-ins over HTTP (issue 14 item 4, PROTOCOL §11.2, docs/adr/027): by e-mail (code, or the link's page)
/// on a node that sends mail to a local SMTP sink, and in the browser (the approval page, posted as a browser does).
/// </summary>
public sealed partial class CliSignInTests
{
    private const string Password = "correct horse battery";

    [Fact]
    public async Task An_e_mailed_code_or_link_signs_the_cli_in_with_a_session_and_a_key_that_end_together()
    {
        await using var smtp = await SmtpSink.StartAsync();
        var database = await TestPostgres.CreateDatabaseAsync("axme_login");
        try
        {
            await using var node = new NodeProcess(database, "login", new Dictionary<string, string>
            {
                ["AXME_SMTP_HOST"] = "127.0.0.1", ["AXME_SMTP_PORT"] = smtp.Port.ToString(), ["AXME_SMTP_FROM"] = "axme@example.com", ["AXME_SMTP_SECURE"] = "none",
            });
            await node.StartAsync();
            using var admin = node.CreateClient();
            (await admin.PostAsync("/v1/users", new { name = "dana", email = "dana@example.com" })).Ok();
            using var cli = new HttpClient { BaseAddress = node.BaseAddress };

            // An unknown address gets the same answer, and no mail.
            var unknown = (await cli.PostAsync("/v1/auth/login-intent", new { email = "nobody@example.com" })).Ok();
            Assert.StartsWith("lg_", unknown["intent_id"].Str());
            var started = (await cli.PostAsync("/v1/auth/login-intent", new { email = "Dana@Example.com" })).Ok();
            var id = started["intent_id"].Str();
            Assert.Equal((id, 600), (started["grant_id"].Str(), started["expires_in"]!.GetValue<int>()));
            var mail = await Poll.UntilAsync(() => Task.FromResult(smtp.Received.FirstOrDefault()), m => m is not null, TimeSpan.FromSeconds(30), "the sign-in e-mail");
            Assert.Equal(["dana@example.com"], mail!.EnvelopeTo);
            Assert.Single(smtp.Received);
            var code = Code().Match(mail.Message.TextBody!).Groups[1].Value;

            (await cli.PostAsync($"/v1/auth/login-intent/{id}/verify", new { code = code == "000000" ? "111111" : "000000" })).Error(HttpStatusCode.UnprocessableEntity, "invalid_code");
            var grant = (await cli.PostAsync($"/v1/auth/login-intent/{id}/verify", new { code })).Ok();
            Assert.Equal(("default", "default", "dana@example.com"), (grant["org_id"].Str(), grant["workspace_id"].Str(), grant["email"].Str()));
            (await cli.PostAsync($"/v1/auth/login-intent/{id}/verify", new { code })).Error(HttpStatusCode.Conflict, "login_used");
            // The CLI sends the key and the session together.
            using var signedIn = node.CreateClient(grant["api_key"].Str());
            signedIn.DefaultRequestHeaders.Authorization = new("Bearer", grant["account_session_token"].Str());
            Assert.Equal("dana@example.com", (await signedIn.GetJsonAsync("/v1/portal/personal/context")).Ok()["account"]!["email"].Str());
            using var keyOnly = node.CreateClient(grant["api_key"].Str());
            (await keyOnly.GetJsonAsync("/v1/me/tasks")).Ok();
            (await signedIn.PostAsync("/v1/auth/logout")).Ok();
            (await keyOnly.GetJsonAsync("/v1/me/tasks")).Error(HttpStatusCode.Unauthorized, "invalid_platform_api_key"); // the key ended with the session

            // The link: its page asks (a GET approves nothing), its button approves, the CLI's poll picks it up once.
            var second = (await cli.PostAsync("/v1/auth/login-intent", new { email = "dana@example.com" })).Ok()["grant_id"].Str();
            var linkMail = await Poll.UntilAsync(() => Task.FromResult(smtp.Received.Skip(1).FirstOrDefault()), m => m is not null, TimeSpan.FromSeconds(30), "the second e-mail");
            var link = new Uri(Link().Match(linkMail!.Message.TextBody!).Value);
            Assert.Equal("pending", (await cli.GetJsonAsync($"/v1/auth/cli-grants/{second}")).Ok()["state"].Str());
            using var browser = new InboxForms(node.BaseAddress);
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(link.PathAndQuery)).Status);
            Assert.Equal("pending", (await cli.GetJsonAsync($"/v1/auth/cli-grants/{second}")).Ok()["state"].Str());
            var approved = await browser.SubmitAsync(link.PathAndQuery, link.AbsolutePath, ("decision", "approve"));
            Assert.Equal(HttpStatusCode.OK, approved.Status);
            Assert.Contains("Signed in", approved.Html);
            var picked = (await cli.GetJsonAsync($"/v1/auth/cli-grants/{second}")).Ok();
            Assert.Equal(("approved", "dana@example.com"), (picked["state"].Str(), picked["email"].Str()));
            Assert.StartsWith("axme_sa_", picked["api_key"].Str());
            (await cli.GetJsonAsync($"/v1/auth/cli-grants/{second}")).Error(HttpStatusCode.Gone, "login_used");
            Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(link.PathAndQuery)).Status); // used
            (await cli.GetJsonAsync("/v1/auth/cli-grants/lg_000000000000000000000000")).Error(HttpStatusCode.NotFound);
            (await cli.GetJsonAsync("/v1/auth/cli-grants/not-an-id")).Error(HttpStatusCode.NotFound);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database);
        }
    }

    [GeneratedRegex(@"Your code: (\d{6})")]
    private static partial Regex Code();

    [GeneratedRegex(@"https?://\S+/inbox/login/email/\S+")]
    private static partial Regex Link();
}

/// <summary>The browser sign-in on the shared node: a person signed in to the inbox approves or denies the CLI's code.</summary>
[Collection(NodeCollection.Name)]
public sealed class BrowserSignInTests(NodeFixture f)
{
    [Fact]
    public async Task A_person_approves_the_code_on_the_approval_page_and_a_denied_or_unknown_one_gets_nothing()
    {
        var email = $"b{Guid.NewGuid():N}"[..12] + "@example.com";
        (await f.Admin.PostAsync("/v1/users", new { org_id = "acme", workspace_id = "prod", name = email.Split('@')[0], email })).Ok();
        (await f.Admin.PostAsync("/v1/auth/register-password", new { email, password = "correct horse battery" })).Ok();
        using var cli = new HttpClient { BaseAddress = f.Node.BaseAddress };
        var started = (await cli.PostAsync("/v1/auth/cli-grants", rawBody: "")).Ok();
        var (grant, code) = (started["grant_id"].Str(), started["user_code"].Str());
        Assert.Matches("^[A-Z0-9]{4}-[A-Z0-9]{4}$", code);
        var approval = new Uri(started["approval_url"].Str() + "&grant=" + grant); // what the CLI opens
        Assert.Equal($"/inbox/login/cli?code={code}", new Uri(started["approval_url"].Str()).PathAndQuery);

        using var browser = new InboxForms(f.Node.BaseAddress);
        var (status, html) = await browser.GetAsync(approval.PathAndQuery);
        Assert.Equal(HttpStatusCode.Unauthorized, status); // sign in first
        Assert.Contains("Sign in as yourself", html);
        var signedIn = await browser.SubmitAsync(approval.PathAndQuery, $"/inbox/signin/password?return={Uri.EscapeDataString(approval.PathAndQuery)}",
            ("email", email), ("password", "correct horse battery"));
        Assert.Contains(code, signedIn.Html); // back on the approval page
        Assert.Equal("pending", (await cli.GetJsonAsync($"/v1/auth/cli-grants/{grant}")).Ok()["state"].Str());
        var approved = await browser.SubmitAsync(approval.PathAndQuery, "/inbox/login/cli", ("decision", "approve"));
        Assert.Contains("Signed in", approved.Html);
        var picked = (await cli.GetJsonAsync($"/v1/auth/cli-grants/{grant}")).Ok();
        Assert.Equal(("approved", "acme", "prod"), (picked["state"].Str(), picked["org_id"].Str(), picked["workspace_id"].Str()));
        using var key = f.Node.CreateClient(picked["api_key"].Str());
        (await key.GetJsonAsync("/v1/me/tasks")).Ok();

        var other = (await cli.PostAsync("/v1/auth/cli-grants", rawBody: "")).Ok();
        var otherPage = new Uri(other["approval_url"].Str() + "&grant=" + other["grant_id"].Str()).PathAndQuery;
        Assert.Contains("Sign-in denied", (await browser.SubmitAsync(otherPage, "/inbox/login/cli", ("decision", "deny"))).Html);
        Assert.Equal("denied", (await cli.GetJsonAsync($"/v1/auth/cli-grants/{other["grant_id"].Str()}")).Ok()["state"].Str());
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(otherPage)).Status);
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync($"/inbox/login/cli?code=XXXX-XXXX&grant={grant}")).Status);
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync("/inbox/login/cli?code=XXXX-XXXX&grant=not-a-sign-in")).Status); // never reaches a grain
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync("/inbox/login/email/not-a-sign-in?token=abc")).Status);
    }
}
