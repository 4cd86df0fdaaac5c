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
    [Fact]
    public async Task The_mesh_page_shows_a_dead_letter_and_its_Replay_button_delivers_it_again()
    {
        var (op, _) = await f.WorkspaceAsync("mesh-dead");
        const string secret = "mesh-dead-letter-secret-0123456789";
        await using var receiver = await WebhookReceiver.StartAsync(secret, (_, path) => path == "/down" ? 503 : 200);
        var sa = (await op.PostAsync("/v1/service-accounts", new { name = "payer", delivery_mode = "http", webhook_url = receiver.BaseUrl + "/down", webhook_secret = secret })).Ok()["service_account"]!;
        var intent = (await op.PostAsync("/v1/intents", new { intent_type = "intent.test.dead.v1", to_agent = "payer", payload = new { order = 11 }, max_delivery_attempts = 1 })).Ok()["intent_id"].Str();
        var dlv = "dlv_" + Guid.Parse(intent).ToString("N");
        await Poll.UntilAsync(() => op.GetJsonAsync($"/v1/deliveries/{dlv}").ContinueWith(t => t.Result.Ok()["delivery"]!["status"].Str()),
            s => s == "dead_lettered", TimeSpan.FromSeconds(30), "the dead letter");
        var address = sa["agent_address"].Str()["agent://".Length..];
        (await op.SendJsonAsync(HttpMethod.Put, $"/v1/agents/{address}/delivery", new { delivery_mode = "http", webhook_url = receiver.BaseUrl + "/up" })).Ok();

        var page = await f.PageAsync();
        await page.GotoAsync((await op.PostAsync("/v1/auth/dashboard-token")).Ok()["exchange_url"].Str());
        var row = page.Locator($"tr[data-delivery='{dlv}']");
        await Expect(row).ToContainTextAsync("503");
        await BrowserFixture.ScreenshotAsync(page, "mesh-dead-letters");
        await row.GetByRole(AriaRole.Button, new() { Name = $"Replay {dlv}" }).ClickAsync();
        await Expect(page.Locator("#notice")).ToContainTextAsync($"{dlv} replayed as dlv_");

        var replay = await Poll.UntilAsync(() => op.GetJsonAsync("/v1/deliveries?status=delivered").ContinueWith(t =>
                t.Result.Ok()["deliveries"]!.AsArray().FirstOrDefault(d => d!["replay_of_delivery_id"]?.GetValue<string>() == dlv)),
            d => d is not null, TimeSpan.FromSeconds(20), "the replay delivered");
        Assert.Equal(11, replay!["payload"]!["order"]!.GetValue<int>());
        Assert.Contains(receiver.Received, r => r.Path == "/up" && r.Body.Contains(replay["intent_id"]!.GetValue<string>()));
    }
}
