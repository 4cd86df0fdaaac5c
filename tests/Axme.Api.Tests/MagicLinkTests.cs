using System.Net;
using System.Text.RegularExpressions;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>
/// Magic links over plain HTTP: minted by the sender or an admin, answered once; forged, altered, expired
/// and replayed links get an HTML page with a 4xx status and leave the intent as it was.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed partial class MagicLinkTests(NodeFixture f)
{
    private async Task<(HttpClient Sender, string IntentId)> TaskAsync()
    {
        var (client, _) = await f.TenantAsync("links", "l" + Guid.NewGuid().ToString("N")[..8], "requester");
        var id = (await client.PostAsync("/v1/intents", new
        {
            intent_type = "intent.test.task.v1", to_agent = "approver", payload = new { n = 1 },
            human_task = new { title = "Ship it?", task_type = "approval", assignees = new[] { "alice@example.com" } },
        })).Ok()["intent_id"].Str();
        return (client, id);
    }

    private static async Task<string> MintAsync(HttpClient client, string id, int ttl = 600) =>
        (await client.PostAsync($"/v1/intents/{id}/magic-links", new { assignee = "alice@example.com", ttl_seconds = ttl }))
            .Ok()["url"].Str();

    /// <summary>A browser-like client: cookies, no API key.</summary>
    private HttpClient Browser() => new() { BaseAddress = f.Node.BaseAddress };

    private static async Task<(HttpStatusCode Status, string Html)> GetAsync(HttpClient browser, string url)
    {
        using var r = await browser.GetAsync(url);
        return (r.StatusCode, await r.Content.ReadAsStringAsync());
    }

    private static async Task<(HttpStatusCode Status, string Html)> PostFormAsync(HttpClient browser, string url, string pageHtml, params (string, string)[] fields)
    {
        using var r = await browser.PostAsync(url, Form(pageHtml, fields));
        return (r.StatusCode, await r.Content.ReadAsStringAsync());
    }

    /// <summary>A form post as the page's browser would send it: its antiforgery field and the given fields.</summary>
    internal static FormUrlEncodedContent Form(string pageHtml, params (string, string)[] fields)
    {
        var token = AntiforgeryInput().Match(pageHtml);
        Assert.True(token.Success, "the page has an antiforgery field");
        var form = new List<KeyValuePair<string, string>> { new(token.Groups[1].Value, WebUtility.HtmlDecode(token.Groups[2].Value)) };
        form.AddRange(fields.Select(x => KeyValuePair.Create(x.Item1, x.Item2)));
        return new FormUrlEncodedContent(form);
    }

    private static async Task<(string Status, int LastSeq)> StateAsync(HttpClient client, string id)
    {
        var intent = (await client.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!;
        return (intent["status"].Str(), intent["last_seq"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_link_answers_its_task_once_and_a_replay_is_refused_and_changes_nothing()
    {
        var (sender, id) = await TaskAsync();
        var url = await MintAsync(sender, id);
        Assert.StartsWith(f.Node.BaseAddress + "inbox/m/", url);
        using var browser = Browser();
        var (status, page) = await GetAsync(browser, url);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Ship it?", page);
        Assert.Contains("alice@example.com", page);

        var (answered, done) = await PostFormAsync(browser, url, page, ("outcome", "approved"), ("comment", "<b>fine</b>"));
        Assert.Equal(HttpStatusCode.OK, answered);
        Assert.Contains("Your answer was recorded", done);
        var after = await StateAsync(sender, id);
        Assert.Equal("COMPLETED", after.Status);
        var events = (await sender.GetJsonAsync($"/v1/intents/{id}/events")).Ok()["events"]!.AsArray();
        Assert.Equal("alice@example.com", events[^1]!["actor"].Str());

        var (replayed, replayPage) = await PostFormAsync(browser, url, page, ("outcome", "rejected"));
        Assert.Equal(HttpStatusCode.Gone, replayed);
        Assert.Contains("already been used", replayPage);
        Assert.Equal(HttpStatusCode.Gone, (await GetAsync(browser, url)).Status);
        Assert.Equal(after, await StateAsync(sender, id));
    }

    [Fact]
    public async Task Forged_and_altered_links_are_400_pages_and_change_nothing()
    {
        var (sender, id) = await TaskAsync();
        var url = await MintAsync(sender, id);
        var before = await StateAsync(sender, id);
        using var browser = Browser();
        var (forged, forgedPage) = await GetAsync(browser, "/inbox/m/CfDJ8NotARealToken" + Guid.NewGuid().ToString("N"));
        Assert.Equal(HttpStatusCode.BadRequest, forged);
        Assert.Contains("This link is not valid", forgedPage);
        Assert.StartsWith("text/html", (await browser.GetAsync("/inbox/m/x")).Content.Headers.ContentType!.ToString());

        var token = url[(url.LastIndexOf('/') + 1)..];
        var i = token.Length / 2;
        var altered = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
        var (status, page) = await GetAsync(browser, "/inbox/m/" + altered);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("This link is not valid", page);

        // A real page's antiforgery token does not make a post to an altered link work either.
        var (_, realPage) = await GetAsync(browser, url);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostFormAsync(browser, "/inbox/m/" + altered, realPage, ("outcome", "approved"))).Status);
        Assert.Equal(before, await StateAsync(sender, id));
    }

    [Fact]
    public async Task An_expired_link_is_a_410_page_and_changes_nothing()
    {
        var (sender, id) = await TaskAsync();
        var url = await MintAsync(sender, id, ttl: 1);
        using var browser = Browser();
        await Task.Delay(TimeSpan.FromSeconds(2.2)); // the expiry is whole seconds
        var (status, page) = await GetAsync(browser, url);
        Assert.Equal(HttpStatusCode.Gone, status);
        Assert.Contains("This link expired", page);
        Assert.Equal("WAITING", (await StateAsync(sender, id)).Status);
    }

    [Fact]
    public async Task Only_the_sender_or_an_admin_mints_links_and_only_for_an_open_task()
    {
        var (sender, id) = await TaskAsync();
        (await f.B.PostAsync($"/v1/intents/{id}/magic-links", new { assignee = "mallory" })).Error(HttpStatusCode.Forbidden);
        (await f.Admin.PostAsync($"/v1/intents/{id}/magic-links", new { assignee = "alice@example.com" })).Ok();
        (await sender.PostAsync($"/v1/intents/{id}/magic-links", new { })).Error(HttpStatusCode.UnprocessableEntity);
        (await sender.PostAsync($"/v1/intents/{id}/magic-links", new { assignee = "a", ttl_seconds = 0 })).Error(HttpStatusCode.UnprocessableEntity);
        (await sender.PostAsync($"/v1/intents/{Guid.NewGuid()}/magic-links", new { assignee = "a" })).Error(HttpStatusCode.NotFound);
        var plain = (await sender.PostAsync("/v1/intents", new { intent_type = "intent.test.plain.v1", to_agent = "approver" })).Ok()["intent_id"].Str();
        (await sender.PostAsync($"/v1/intents/{plain}/magic-links", new { assignee = "a" })).Error(HttpStatusCode.Conflict, "not_waiting_for_human");
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();
}
