using System.Text.Json.Nodes;
using Axme.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Axme.Browser.Tests;

/// <summary>
/// The web inbox in headless Chromium against a real node: a human signs in with an API key (or follows a
/// magic link), answers tasks through the pages, and the API then shows the intent's resulting status.
/// Every test leaves a screenshot in .data/test-results/screenshots.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class InboxBrowserTests(BrowserFixture f)
{
    private static async Task<string> TaskAsync(HttpClient client, object humanTask) =>
        (await client.PostAsync("/v1/intents", new { intent_type = "intent.test.web.v1", to_agent = "approver", payload = new { invoice = "INV-7", amount = 120 }, human_task = humanTask }))
        .Ok()["intent_id"].Str();

    private static async Task<string> StatusAsync(HttpClient client, string id) =>
        (await client.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!["status"].Str();

    private static async Task<JsonNode> IntentAsync(HttpClient client, string id) =>
        (await client.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!;

    private static async Task SignInAsync(IPage page, string key)
    {
        await page.GotoAsync("/inbox");
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with API key" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My tasks" })).ToBeVisibleAsync();
        await Expect(page.Locator("header")).ToContainTextAsync("Signed in as agent://web/");
    }

    private const string Csp = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    [Fact]
    public async Task Every_page_carries_the_CSP_and_is_styled_by_the_served_stylesheet_without_a_violation()
    {
        var (client, key) = await f.WorkspaceAsync("styled");
        var id = await TaskAsync(client, new { title = "Check the headers", task_type = "approval", assignees = new[] { "erin@example.com" } });
        var url = (await client.PostAsync($"/v1/intents/{id}/magic-links", new { assignee = "erin@example.com", ttl_seconds = 3600 })).Ok()["url"].Str();
        var page = await f.PageAsync();
        var violations = new List<string>();
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy")) violations.Add(m.Text); };

        async Task CheckAsync(string path, int status)
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(status, response!.Status);
            var headers = await response.AllHeadersAsync();
            Assert.Equal(Csp, headers["content-security-policy"]);
            Assert.Equal("nosniff", headers["x-content-type-options"]);
            Assert.Equal("no-referrer", headers["referrer-policy"]);
            Assert.Contains("no-store", headers["cache-control"]);
            // Values only the stylesheet sets (a browser's defaults are block and 8px).
            await Expect(page.Locator("header")).ToHaveCSSAsync("display", "flex");
            await Expect(page.Locator("body")).ToHaveCSSAsync("margin-top", "0px");
        }

        await CheckAsync("/inbox", 200);
        await Expect(page.Locator("#signin")).ToHaveCSSAsync("background-color", "rgb(36, 87, 197)");
        await SignInAsync(page, key);
        await CheckAsync("/inbox", 200);
        await CheckAsync($"/inbox/tasks/{id}", 200);
        await CheckAsync($"/inbox/intents/{id}", 200);
        await CheckAsync($"/inbox/intents/{Guid.NewGuid()}", 404);
        await CheckAsync(new Uri(url).PathAndQuery, 200);
        await CheckAsync("/inbox/m/not-a-link", 400);
        Assert.Empty(violations);

        // The policy is enforced and the listener hears it: an injected inline style is refused and reported.
        await page.RunAndWaitForConsoleMessageAsync(
            () => page.EvaluateAsync("() => { const s = document.createElement('style'); s.textContent = 'body { margin: 7px }'; document.head.append(s); }"),
            new() { Predicate = m => m.Text.Contains("Content Security Policy") });
        await Expect(page.Locator("body")).ToHaveCSSAsync("margin-top", "0px");
        await BrowserFixture.ScreenshotAsync(page, "csp-styled");
    }

    [Fact]
    public async Task A_signed_in_human_approves_a_task_from_the_list()
    {
        var (client, key) = await f.WorkspaceAsync("approver");
        var id = await TaskAsync(client, new { title = "Pay invoice INV-7 <now>", task_type = "approval" });
        var page = await f.PageAsync();
        await SignInAsync(page, key);
        await page.GetByRole(AriaRole.Link, new() { Name = "Pay invoice INV-7 <now>" }).ClickAsync();
        await Expect(page.Locator("#payload")).ToContainTextAsync("INV-7");
        await Expect(page.Locator("#timeline")).ToContainTextAsync("intent.human_task_assigned");
        await page.GetByLabel("Comment").FillAsync("paid from the ops budget");
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(page.Locator("#notice")).ToContainTextAsync("COMPLETED");
        await BrowserFixture.ScreenshotAsync(page, "approve");

        var intent = await IntentAsync(client, id);
        Assert.Equal("COMPLETED", intent["status"].Str());
        Assert.Equal("approved", intent["result"]!["outcome"].Str());
        Assert.Equal("paid from the ops budget", intent["result"]!["task_result"]!["comment"].Str());
        await page.GotoAsync("/inbox");
        await Expect(page.Locator("#answered")).ToContainTextAsync("Pay invoice INV-7 <now>");
        await Expect(page.Locator("#no-tasks")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_signed_in_human_rejects_a_task_with_a_comment_and_signs_out()
    {
        var (client, key) = await f.WorkspaceAsync("rejecter");
        var id = await TaskAsync(client, new { title = "Deploy on Friday?", task_type = "approval", required_comment = true });
        var page = await f.PageAsync();
        await SignInAsync(page, key);
        await page.GotoAsync($"/inbox/tasks/{id}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
        await Expect(page.Locator("#comment-error")).ToContainTextAsync("comment is required");
        await page.GetByLabel("Comment").FillAsync("not before the freeze ends");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
        await Expect(page.Locator("#notice")).ToContainTextAsync("CANCELED");
        await BrowserFixture.ScreenshotAsync(page, "reject");
        Assert.Equal("CANCELED", await StatusAsync(client, id));

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByLabel("API key")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_form_shows_the_servers_validation_errors_beside_its_inputs_then_is_submitted()
    {
        var (client, key) = await f.WorkspaceAsync("former");
        var id = await TaskAsync(client, new
        {
            title = "Budget request", task_type = "form",
            form_schema = new
            {
                type = "object", required = new[] { "approved", "amount", "team" },
                properties = new
                {
                    approved = new { type = "boolean", title = "Approved" },
                    amount = new { type = "number", maximum = 100, title = "Amount" },
                    seats = new { type = "integer", title = "Seats" },
                    team = new { type = "string", @enum = new[] { "ops", "dev" }, title = "Team" },
                    note = new { type = "string", title = "Note" },
                },
            },
        });
        var page = await f.PageAsync();
        await SignInAsync(page, key);
        await page.GotoAsync($"/inbox/tasks/{id}");
        await page.GetByLabel("Amount").FillAsync("250");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        await Expect(page.Locator("#form-error")).ToContainTextAsync("the form has errors");
        await Expect(page.Locator("#f-approved-error")).ToContainTextAsync("is required");
        await Expect(page.Locator("#f-team-error")).ToContainTextAsync("is required");
        await Expect(page.Locator("#f-amount-error")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Amount")).ToHaveValueAsync("250");
        await BrowserFixture.ScreenshotAsync(page, "form-invalid");
        Assert.Equal("WAITING", await StatusAsync(client, id));

        await page.GetByLabel("Approved").SelectOptionAsync("true");
        await page.GetByLabel("Amount").FillAsync("42.5");
        await page.GetByLabel("Seats").FillAsync("3");
        await page.GetByLabel("Team").SelectOptionAsync("ops");
        await page.GetByLabel("Note").FillAsync("<script>alert(1)</script>");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        await Expect(page.Locator("#notice")).ToContainTextAsync("COMPLETED");
        await Expect(page.Locator("#result")).ToContainTextAsync("<script>alert(1)</script>");
        await BrowserFixture.ScreenshotAsync(page, "form-submitted");

        var answer = (await IntentAsync(client, id))["result"]!["task_result"]!;
        Assert.True(answer["approved"]!.GetValue<bool>());
        Assert.Equal(42.5, answer["amount"]!.GetValue<double>());
        Assert.Equal(3, answer["seats"]!.GetValue<long>());
        Assert.Equal("ops", answer["team"].Str());
    }

    [Fact]
    public async Task A_review_asks_for_changes_with_a_comment()
    {
        var (client, key) = await f.WorkspaceAsync("reviewer");
        var id = await TaskAsync(client, new { title = "Review the release notes", task_type = "review" });
        var page = await f.PageAsync();
        await SignInAsync(page, key);
        await page.GotoAsync($"/inbox/tasks/{id}");
        await page.GetByLabel("Comment").FillAsync("mention the schema change");
        await page.GetByRole(AriaRole.Button, new() { Name = "Request changes" }).ClickAsync();
        await Expect(page.Locator("#notice")).ToContainTextAsync("COMPLETED");
        await BrowserFixture.ScreenshotAsync(page, "review-changes-requested");
        Assert.Equal("changes_requested", (await IntentAsync(client, id))["result"]!["outcome"].Str());
    }

    [Fact]
    public async Task A_magic_link_approves_its_task_without_signing_in_and_cannot_be_used_twice()
    {
        var (client, _) = await f.WorkspaceAsync("linker");
        var id = await TaskAsync(client, new { title = "Approve the refund", task_type = "approval", assignees = new[] { "carol@example.com" } });
        var url = (await client.PostAsync($"/v1/intents/{id}/magic-links", new { assignee = "carol@example.com", ttl_seconds = 3600 })).Ok()["url"].Str();
        var page = await f.PageAsync();
        await page.GotoAsync(url);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Approve the refund" })).ToBeVisibleAsync();
        await Expect(page.GetByText("carol@example.com")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(page.Locator("#message")).ToContainTextAsync("Your answer was recorded");
        await BrowserFixture.ScreenshotAsync(page, "magic-link-approved");
        Assert.Equal("COMPLETED", await StatusAsync(client, id));

        var again = await page.GotoAsync(url);
        Assert.Equal(410, again!.Status);
        await Expect(page.Locator("#message")).ToContainTextAsync("already been used");
    }

    [Fact]
    public async Task An_expired_magic_link_is_refused_and_the_task_still_waits()
    {
        var (client, _) = await f.WorkspaceAsync("expirer");
        var id = await TaskAsync(client, new { title = "Approve the late change", task_type = "approval", assignees = new[] { "dave@example.com" } });
        var url = (await client.PostAsync($"/v1/intents/{id}/magic-links", new { assignee = "dave@example.com", ttl_seconds = 1 })).Ok()["url"].Str();
        await Task.Delay(TimeSpan.FromSeconds(2.2)); // the expiry is whole seconds
        var page = await f.PageAsync();
        var response = await page.GotoAsync(url);
        Assert.Equal(410, response!.Status);
        await Expect(page.Locator("#message")).ToContainTextAsync("This link expired");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Approve" })).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "magic-link-expired");
        Assert.Equal("WAITING", await StatusAsync(client, id));
    }
}
