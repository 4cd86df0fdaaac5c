using Axme.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Axme.Browser.Tests;

/// <summary>A person signs in to the web inbox with e-mail address and password; signing out ends the session (docs/adr/027).</summary>
[Collection(BrowserCollection.Name)]
public sealed class SessionBrowserTests(BrowserFixture f)
{
    [Fact]
    public async Task A_person_signs_in_with_a_password_answers_a_task_and_signing_out_ends_the_session()
    {
        var ws = "s" + Guid.NewGuid().ToString("N")[..8];
        var (sender, _, _) = await Tenants.CreateAsync(f.Node, f.Admin, "web", ws, "sender");
        var email = $"dana-{ws}@example.com";
        (await f.Admin.PostAsync("/v1/users", new { org_id = "web", workspace_id = ws, name = "dana", email })).Ok();
        (await f.Admin.PostAsync("/v1/auth/register-password", new { email, password = "correct horse battery" })).Ok();
        var id = (await sender.PostAsync("/v1/intents", new
        {
            intent_type = "intent.test.web.v1", to_agent = $"agent://web/{ws}/dana", payload = new { invoice = "INV-9" },
            human_task = new { title = "Approve INV-9", task_type = "approval", assignees = new[] { $"agent://web/{ws}/dana" } },
        })).Ok()["intent_id"].Str();

        var page = await f.PageAsync();
        await page.GotoAsync("/inbox");
        await page.GetByLabel("E-mail address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("not the password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with password" }).ClickAsync();
        await Expect(page.Locator("#signin-error")).ToContainTextAsync("Wrong e-mail address or password");

        await page.GetByLabel("E-mail address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("correct horse battery");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with password" }).ClickAsync();
        await Expect(page.Locator("header")).ToContainTextAsync($"Signed in as agent://web/{ws}/dana");
        await page.GotoAsync($"/inbox/tasks/{id}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(page.Locator("#notice")).ToContainTextAsync("COMPLETED");
        await BrowserFixture.ScreenshotAsync(page, "password-sign-in");
        var intent = (await sender.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!;
        Assert.Equal("COMPLETED", intent["status"].Str());

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByLabel("E-mail address")).ToBeVisibleAsync();
        // The session is over, not only the cookie: a login lists it revoked.
        using var person = new HttpClient { BaseAddress = f.Node.BaseAddress };
        var grant = (await person.PostAsync("/v1/auth/login", new { email, password = "correct horse battery" })).Ok();
        person.DefaultRequestHeaders.Authorization = new("Bearer", grant["access_token"].Str());
        var sessions = (await person.GetJsonAsync("/v1/auth/sessions?include_revoked=true")).Ok()["sessions"]!.AsArray();
        Assert.True(sessions.Single(s => s!["client_type"].Str() == "web")!["revoked"]!.GetValue<bool>());
    }
}
