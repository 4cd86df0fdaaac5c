using System.Text.RegularExpressions;
using Axme.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Axme.Browser.Tests;

/// <summary>An invitation mailed to a person is accepted in the web inbox: a nick, a password, and they are signed in (docs/adr/030).</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class InviteBrowserTests(BrowserFixture f)
{
    [GeneratedRegex(@"(http://\S+/inbox/invite/inv_[A-Za-z0-9_-]+)")]
    private static partial Regex InviteLink();

    [Fact]
    public async Task A_mailed_invitation_is_accepted_with_a_nick_and_a_password_and_signs_the_person_in()
    {
        var ws = "i" + Guid.NewGuid().ToString("N")[..8];
        var (recruiter, address, _) = await Tenants.CreateAsync(f.Node, f.Admin, "web", ws, "recruiter");
        var email = $"mara-{ws}@example.com";
        var token = (await recruiter.PostAsync("/v1/invites/create", new { owner_agent = address, recipient_hint = email })).Ok()["token"].Str();

        var mail = await Poll.UntilAsync(() => Task.FromResult(f.Smtp.Received.FirstOrDefault(m => m.EnvelopeTo.Contains(email))), m => m is not null,
            TimeSpan.FromSeconds(30), "the invitation e-mail");
        Assert.Contains($"web/{ws}", mail!.Message.Subject);
        var link = InviteLink().Match(mail.Message.TextBody!).Groups[1].Value;
        Assert.EndsWith(token, link);

        var page = await f.PageAsync();
        await page.GotoAsync(link);
        await Expect(page.Locator("#invite-question")).ToContainTextAsync($"{address} invites you to join the workspace web/{ws}");
        var nick = "mara" + ws;
        await page.GetByLabel("Your nick").FillAsync("not a nick!");
        await page.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await Expect(page.Locator("#invite-error")).ToBeVisibleAsync();
        await page.GetByLabel("Your nick").FillAsync(nick);
        await page.GetByLabel("Your name").FillAsync("Mara Lind");
        await page.Locator("#password").FillAsync("correct horse battery");
        await BrowserFixture.ScreenshotAsync(page, "invite-accept");
        await page.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await Expect(page.Locator("header")).ToContainTextAsync($"Signed in as agent://web/{ws}/{nick}");

        // Used once: the link now says so, and the person signs in with the password they chose.
        await page.GotoAsync(link);
        await Expect(page.Locator("#message")).ToContainTextAsync("not waiting any more");
        using var person = new HttpClient { BaseAddress = f.Node.BaseAddress };
        var grant = (await person.PostAsync("/v1/auth/login", new { email, password = "correct horse battery" })).Ok();
        Assert.Equal((ws, "Mara Lind"), (grant["workspace_id"].Str(), (await f.Admin.GetJsonAsync($"/v1/users/{grant["user_id"].Str()}")).Ok()["user"]!["display_name"].Str()));
        Assert.Equal("accepted", (await person.GetJsonAsync($"/v1/invites/{token}")).Ok()["status"].Str());
    }
}
