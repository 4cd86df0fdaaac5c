using Axme.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Axme.Browser.Tests;

/// <summary>
/// The mesh page in headless Chromium, as <c>axme mesh dashboard</c> opens it: a one-time link signs the browser in
/// without typing a key, the page shows the workspace's agents with their health, and its Kill button stops one (the
/// API then refuses the agent's key) and Resume starts it again. The link works once.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class MeshBrowserTests(BrowserFixture f)
{
    [Fact]
    public async Task A_dashboard_link_opens_the_mesh_where_an_operator_kills_and_resumes_an_agent()
    {
        var (op, _) = await f.WorkspaceAsync("mesh-operator");
        var sa = (await op.PostAsync("/v1/service-accounts", new { name = "mesh-worker", display_name = "Mesh worker" })).Ok()["service_account"]!;
        var worker = f.Node.CreateClient((await op.PostAsync($"/v1/service-accounts/{sa["service_account_id"].Str()}/keys", new { })).Ok()["key"]!["token"].Str());
        (await worker.PostAsync("/v1/mesh/heartbeat", new { version = "7.1" })).Ok();
        var link = (await op.PostAsync("/v1/auth/dashboard-token")).Ok()["exchange_url"].Str();

        var page = await f.PageAsync();
        await page.GotoAsync(link);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Agent mesh" })).ToBeVisibleAsync();
        var row = page.Locator($"tr[data-address='{sa["agent_address"].Str()}']");
        await Expect(row).ToContainTextAsync("healthy");
        await Expect(row).ToContainTextAsync("7.1");
        await BrowserFixture.ScreenshotAsync(page, "mesh");

        await row.GetByRole(AriaRole.Button, new() { Name = "Kill Mesh worker" }).ClickAsync();
        await Expect(page.Locator("#notice")).ToContainTextAsync("is killed");
        await Expect(row).ToContainTextAsync("killed");
        (await worker.GetJsonAsync("/v1/intents")).Error(System.Net.HttpStatusCode.Forbidden, "agent_killed");
        await Expect(page.Locator("#events")).ToContainTextAsync("agent.killed");

        await row.GetByRole(AriaRole.Button, new() { Name = "Resume Mesh worker" }).ClickAsync();
        await Expect(row).ToContainTextAsync("healthy");
        (await worker.GetJsonAsync("/v1/intents")).Ok();

        var again = await (await f.PageAsync()).GotoAsync(link);
        Assert.Equal(410, again!.Status); // used once
    }
}
