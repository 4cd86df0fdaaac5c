using System.Net;
using Axme.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Axme.Browser.Tests;

/// <summary>
/// Files in the web inbox (docs/adr/023): a task whose payload names an uploaded image shows it (preview and download,
/// within the inbox's CSP), and a human answers a task that requires evidence by attaching a file to the form.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class MediaBrowserTests(BrowserFixture f)
{
    /// <summary>A 2×2 PNG.</summary>
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==");

    private static async Task<string> UploadAsync(HttpClient client, string owner, string filename, string mime, byte[] bytes)
    {
        var created = (await client.PostAsync("/v1/media/create-upload", new { owner_agent = owner, filename, mime_type = mime, size_bytes = bytes.Length })).Ok();
        using var put = new HttpRequestMessage(HttpMethod.Put, created["upload_url"].Str()) { Content = new ByteArrayContent(bytes) };
        var answer = await client.SendAsync(put);
        Assert.True(answer.StatusCode == HttpStatusCode.OK, await answer.Content.ReadAsStringAsync());
        var id = created["upload_id"].Str();
        (await client.PostAsync("/v1/media/finalize-upload", new { upload_id = id, size_bytes = bytes.Length })).Ok();
        return id;
    }

    [Fact]
    public async Task A_task_shows_the_image_its_payload_names_and_is_answered_with_a_file_as_evidence()
    {
        var (client, key) = await f.WorkspaceAsync("files");
        var chart = await UploadAsync(client, "auditor", "chart.png", "image/png", Png);
        var id = (await client.PostAsync("/v1/intents", new
        {
            intent_type = "intent.test.files.v1", to_agent = "auditor",
            payload = new { report = "Q3", chart = new { upload_id = chart, filename = "chart.png" } },
            human_task = new { title = "Sign off the Q3 chart", task_type = "approval", evidence_required = true },
        })).Ok()["intent_id"].Str();

        var page = await f.PageAsync();
        await page.GotoAsync("/inbox");
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with API key" }).ClickAsync();
        await page.GotoAsync($"/inbox/tasks/{id}");
        var attachments = page.Locator("#attachments");
        await Expect(attachments.GetByRole(AriaRole.Link, new() { Name = "chart.png" })).ToBeVisibleAsync();
        await Expect(attachments).ToContainTextAsync("image/png");
        var image = attachments.Locator("img.preview");
        await Expect(image).ToHaveAttributeAsync("alt", "chart.png");
        // Loaded and decoded under the inbox's CSP.
        await Poll.UntilAsync(() => image.EvaluateAsync<int>("i => i.complete ? i.naturalWidth : 0"), w => w == 2, TimeSpan.FromSeconds(10), "the preview image to load");

        // Evidence is required: the answer without a file is refused beside the files input.
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(page.Locator("#evidence-error")).ToContainTextAsync("evidence is required");
        // Larger than the node's JSON body limit (128 KiB): the answer's form takes files up to the media limit.
        var signed = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("signed by the auditor\n", 20_000)));
        await page.GetByLabel("Files (evidence)").SetInputFilesAsync(new FilePayload { Name = "signed-off.txt", MimeType = "text/plain", Buffer = signed });
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(page.Locator("#notice")).ToContainTextAsync("COMPLETED");
        await Expect(page.Locator("#attachments")).ToContainTextAsync("signed-off.txt"); // the answer's file, beside the payload's
        await BrowserFixture.ScreenshotAsync(page, "evidence");

        var evidence = (await client.GetJsonAsync($"/v1/intents/{id}")).Ok()["intent"]!["result"]!["task_result"]!["evidence"]![0]!;
        Assert.Equal("signed-off.txt", evidence["filename"].Str());
        var upload = (await client.GetJsonAsync($"/v1/media/{evidence["upload_id"].Str()}")).Ok()["upload"]!;
        Assert.Equal("ready", upload["status"].Str());
        Assert.Equal(signed, await new HttpClient().GetByteArrayAsync(upload["download_url"].Str()));
    }
}
