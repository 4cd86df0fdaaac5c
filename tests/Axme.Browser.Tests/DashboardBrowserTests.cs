using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Axme.Testing;
using static Microsoft.Playwright.Assertions;

namespace Axme.Browser.Tests;

/// <summary>
/// The operators' dashboard (Orleans Dashboard at /inbox/dashboard/, issue 12 item 5) in headless Chromium: an admin
/// signs in to the web inbox with an admin key, follows the link, and the dashboard shows this node's silo, live,
/// under its own content security policy without a violation. A workspace key gets no link and no dashboard.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardBrowserTests(BrowserFixture f)
{
    private static async Task SignInAsync(IPage page, string key)
    {
        await page.GotoAsync("/inbox");
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with API key" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My tasks" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_admin_opens_the_cluster_dashboard_from_the_inbox_and_sees_the_silo()
    {
        var page = await f.PageAsync();
        await page.SetViewportSizeAsync(1280, 900); // the dashboard is made for a desktop screen
        var violations = new List<string>();
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy")) violations.Add(m.Text); };

        await page.GotoAsync("/inbox/dashboard/");
        await Expect(page.GetByLabel("API key")).ToBeVisibleAsync(); // not signed in: the sign-in page

        await SignInAsync(page, f.Node.AdminKey!);
        var counters = page.WaitForResponseAsync(r => r.Url.EndsWith("/inbox/dashboard/DashboardCounters", StringComparison.Ordinal) && r.Status == 200);
        await page.GetByRole(AriaRole.Link, new() { Name = "Cluster dashboard" }).ClickAsync();
        await counters; // the application runs and reads the cluster through its API
        await Expect(page).ToHaveTitleAsync("Orleans Dashboard");
        await Expect(page.Locator("body")).ToContainTextAsync(new Regex(@"Active Silos\s*1"), new() { Timeout = 20000 }); // this node
        // Profiling starts while someone looks: the grain calls of the node's own API show up (intents created now; a
        // request's key check is no grain call most of the time since ADR 034).
        for (var i = 0; i < 3; i++)
            (await f.Admin.PostAsync("/v1/intents", new { intent_type = "intent.test.dashboard.v1", to_agent = "agent://default/default/w" })).Ok();
        await Expect(page.Locator("body")).ToContainTextAsync("IntentGrain", new() { Timeout = 20000 });
        await BrowserFixture.ScreenshotAsync(page, "dashboard");
        Assert.Empty(violations);
    }

    [Fact]
    public async Task A_workspace_key_sees_no_link_and_no_dashboard()
    {
        var (_, key) = await f.WorkspaceAsync("not-an-operator");
        var page = await f.PageAsync();
        await SignInAsync(page, key);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Cluster dashboard" })).ToHaveCountAsync(0);
        var response = await page.GotoAsync("/inbox/dashboard/");
        Assert.Equal(403, response!.Status);
    }
}
