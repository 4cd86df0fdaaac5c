using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Api.Tests;

/// <summary>
/// Media attachments over HTTP (PROTOCOL §12 "Media", docs/adr/023): create-upload → PUT to the signed upload_url
/// without a key → finalize against size and SHA-256 → signed download and preview links; limits, checksums, expiry
/// of links and the workspace boundary.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class MediaTests(NodeFixture f)
{
    private static readonly HttpClient Anonymous = new();

    private async Task<JsonObject> CreateAsync(HttpClient client, string filename, string mime, long size, string? sha = null, string? idempotencyKey = null) =>
        (await client.PostAsync("/v1/media/create-upload", new Dictionary<string, object?>
        {
            ["owner_agent"] = f.AgentA, ["filename"] = filename, ["mime_type"] = mime, ["size_bytes"] = size, ["sha256"] = sha,
        }.Where(p => p.Value is not null).ToDictionary(), idempotencyKey)).Ok().Body;

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, string url, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = content };
        return await client.SendAsync(request);
    }

    private static async Task<JsonObject> JsonOf(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A tiny valid PNG (1×1).</summary>
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    [Fact]
    public async Task An_image_uploaded_through_its_signed_link_is_finalized_then_downloaded_and_previewed_without_a_key()
    {
        var created = await CreateAsync(f.A, "reports/q3/chart.png", "image/png", Png.Length, Sha(Png));
        var id = created["upload_id"].Str();
        Assert.Equal("pending", created["status"].Str());
        Assert.Equal("axme-media", created["bucket"].Str());
        Assert.Equal($"acme/prod/{id}/chart.png", created["object_path"].Str()); // the path is cut to the file's name
        Assert.Equal(Png.Length, created["max_size_bytes"]!.GetValue<long>());
        Assert.Equal(f.AgentA, created["owner_agent"].Str());

        // Before the bytes: pending, no links; finalizing says so.
        var pending = (await f.A.GetJsonAsync($"/v1/media/{id}")).Ok()["upload"]!;
        Assert.Equal("pending", pending["status"].Str());
        Assert.Null(pending["download_url"]);
        (await f.A.PostAsync("/v1/media/finalize-upload", new { upload_id = id, size_bytes = Png.Length })).Error(HttpStatusCode.Conflict, "media_not_uploaded");

        var put = await PutAsync(Anonymous, created["upload_url"].Str(), new ByteArrayContent(Png) { Headers = { ContentType = new("image/png") } });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var received = await JsonOf(put);
        Assert.Equal(Png.Length, received["size_bytes"]!.GetValue<long>());
        Assert.Equal(Sha(Png), received["sha256"].Str());

        var finalized = (await f.A.PostAsync("/v1/media/finalize-upload", new { upload_id = id, size_bytes = Png.Length, sha256 = Sha(Png).ToUpperInvariant() })).Ok();
        Assert.Equal("ready", finalized["status"].Str());
        Assert.Equal(Sha(Png), finalized["sha256"].Str());
        Assert.NotNull(finalized["finalized_at"]);
        // A retried finalize answers the same; the bytes of a ready upload cannot change.
        Assert.Equal("ready", (await f.A.PostAsync("/v1/media/finalize-upload", new { upload_id = id, size_bytes = Png.Length })).Ok()["status"].Str());
        var again = await PutAsync(Anonymous, created["upload_url"].Str(), new ByteArrayContent(Png));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("media_already_finalized", (await JsonOf(again))["error"]!["code"].Str());

        var upload = (await f.A.GetJsonAsync($"/v1/media/{id}")).Ok()["upload"]!;
        Assert.Equal("ready", upload["status"].Str());
        Assert.Equal("chart.png", upload["filename"].Str());
        Assert.Equal(Png.Length, upload["size_bytes"]!.GetValue<long>());
        var download = await Anonymous.GetAsync(upload["download_url"].Str());
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(Png, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("chart.png", download.Content.Headers.ContentDisposition.FileNameStar);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal($"\"{Sha(Png)}\"", download.Headers.ETag!.Tag);
        var preview = await Anonymous.GetAsync(upload["preview_url"].Str());
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal("image/png", preview.Content.Headers.ContentType!.MediaType);
        Assert.Equal("inline", preview.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Contains("sandbox", preview.Headers.GetValues("Content-Security-Policy").Single());
        // With the workspace's key instead of a link.
        Assert.Equal(Png, await (await f.A.GetAsync($"/v1/media/download/{id}")).Content.ReadAsByteArrayAsync());

        // A link for one action or upload opens nothing else; a link altered or for another upload is refused.
        var token = new Uri(upload["download_url"].Str()).Query;
        var forged = await Anonymous.GetAsync($"{f.Node.BaseAddress}v1/media/preview/{id}{token}");
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal("media_link_invalid", (await JsonOf(forged))["error"]!["code"].Str());
        Assert.Equal(HttpStatusCode.Forbidden, (await Anonymous.GetAsync($"{f.Node.BaseAddress}v1/media/download/{Guid.NewGuid()}{token}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous.GetAsync($"{f.Node.BaseAddress}v1/media/download/{id}")).StatusCode);

        (await f.A.SendJsonAsync(HttpMethod.Delete, $"/v1/media/{id}")).Ok();
        (await f.A.GetJsonAsync($"/v1/media/{id}")).Error(HttpStatusCode.NotFound, "media_not_found");
        Assert.Equal(HttpStatusCode.NotFound, (await Anonymous.GetAsync(upload["download_url"].Str())).StatusCode);
    }

    [Fact]
    public async Task A_50_MB_file_streams_in_and_out_whole_and_a_file_larger_than_declared_or_allowed_is_refused_without_a_trace()
    {
        var big = new byte[50 * 1024 * 1024];
        new Random(7).NextBytes(big);
        var created = await CreateAsync(f.A, "dump.bin", "application/octet-stream", big.Length, Sha(big));
        var id = created["upload_id"].Str();
        var put = await PutAsync(Anonymous, created["upload_url"].Str(), new ByteArrayContent(big));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        (await f.A.PostAsync("/v1/media/finalize-upload", new { upload_id = id, size_bytes = big.Length, sha256 = Sha(big) })).Ok();
        var upload = (await f.A.GetJsonAsync($"/v1/media/{id}")).Ok()["upload"]!;
        Assert.Null(upload["preview_url"]); // not a type a browser shows inline
        using (var download = await Anonymous.GetAsync(upload["download_url"].Str(), HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(big.Length, download.Content.Headers.ContentLength);
            await using var stream = await download.Content.ReadAsStreamAsync();
            Assert.Equal(Sha(big), Convert.ToHexStringLower(await SHA256.HashDataAsync(stream)));
        }
        (await f.A.SendJsonAsync(HttpMethod.Delete, $"/v1/media/{id}")).Ok();

        // More bytes than declared: 413, and nothing of them is kept (the upload still waits for its bytes).
        var small = await CreateAsync(f.A, "note.txt", "text/plain", 1000);
        var over = await PutAsync(Anonymous, small["upload_url"].Str(), new ByteArrayContent(new byte[3 * 1024 * 1024]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.StatusCode);
        Assert.Equal("media_too_large", (await JsonOf(over))["error"]!["code"].Str());
        (await f.A.PostAsync("/v1/media/finalize-upload", new { upload_id = small["upload_id"].Str(), size_bytes = 1000 }))
            .Error(HttpStatusCode.Conflict, "media_not_uploaded");

        // Above the node's limit (100 MiB by default) at create.
        (await f.A.PostAsync("/v1/media/create-upload", new { owner_agent = f.AgentA, filename = "huge.bin", mime_type = "application/octet-stream", size_bytes = 100L * 1024 * 1024 + 1 }))
            .Error(HttpStatusCode.RequestEntityTooLarge, "media_too_large");
    }

    [Fact]
    public async Task Finalize_refuses_bytes_whose_checksum_or_size_is_not_the_stated_one()
    {
        var promised = "the signed contract"u8.ToArray();
        var sent = "the forged contract"u8.ToArray();
        var created = await CreateAsync(f.A, "contract.txt", "text/plain", sent.Length, Sha(promised));
        var id = created["upload_id"].Str();
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(Anonymous, created["upload_url"].Str(), new ByteArrayContent(sent))).StatusCode);
        var mismatch = (await f.A.PostAsync("/v1/media/finalize-upload", new { upload_id = id, size_bytes = sent.Length }))
            .Error(HttpStatusCode.UnprocessableEntity, "media_checksum_mismatch");
        Assert.Equal(Sha(sent), mismatch["error"]!["details"]!["received_sha256"].Str());
        (await f.A.PostAsync("/v1/media/finalize-upload", new { upload_id = id, size_bytes = sent.Length + 1, sha256 = Sha(sent) }))
            .Error(HttpStatusCode.UnprocessableEntity, "media_size_mismatch");
        Assert.Equal("pending", (await f.A.GetJsonAsync($"/v1/media/{id}")).Ok()["upload"]!["status"].Str());
        // The right bytes, sent again, pass.
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(Anonymous, created["upload_url"].Str(), new ByteArrayContent(promised))).StatusCode);
        (await f.A.PostAsync("/v1/media/finalize-upload", new { upload_id = id, size_bytes = promised.Length })).Ok();
    }

    [Fact]
    public async Task Another_workspace_neither_sees_nor_writes_nor_reads_an_upload()
    {
        var created = await CreateAsync(f.A, "secret.txt", "text/plain", 5);
        var id = created["upload_id"].Str();
        Assert.Equal(HttpStatusCode.NotFound, (await PutAsync(f.B, $"/v1/media/upload/{id}", new ByteArrayContent("hello"u8.ToArray()))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(f.A, $"/v1/media/upload/{id}", new ByteArrayContent("hello"u8.ToArray()))).StatusCode);
        (await f.B.PostAsync("/v1/media/finalize-upload", new { upload_id = id, size_bytes = 5 })).Error(HttpStatusCode.NotFound, "media_not_found");
        (await f.A.PostAsync("/v1/media/finalize-upload", new { upload_id = id, size_bytes = 5 })).Ok();
        (await f.B.GetJsonAsync($"/v1/media/{id}")).Error(HttpStatusCode.NotFound, "media_not_found");
        Assert.Equal(HttpStatusCode.NotFound, (await f.B.GetAsync($"/v1/media/download/{id}")).StatusCode);
        (await f.B.SendJsonAsync(HttpMethod.Delete, $"/v1/media/{id}")).Error(HttpStatusCode.NotFound, "media_not_found");
        // An owner in another workspace is refused at create.
        (await f.B.PostAsync("/v1/media/create-upload", new { owner_agent = f.AgentA, filename = "x.txt", mime_type = "text/plain", size_bytes = 5 }))
            .Error(HttpStatusCode.Forbidden);
        Assert.Equal("text/plain", (await f.Admin.GetJsonAsync($"/v1/media/{id}")).Ok()["upload"]!["mime_type"].Str()); // an admin sees every workspace
    }

    [Fact]
    public async Task Bad_requests_get_a_4xx_naming_the_problem_and_a_retried_create_is_the_same_upload()
    {
        object Body(string? mime = "text/plain", object? size = null, string? sha = null, int? ttl = null, string filename = "a.txt") =>
            new Dictionary<string, object?> { ["owner_agent"] = f.AgentA, ["filename"] = filename, ["mime_type"] = mime, ["size_bytes"] = size ?? 10, ["sha256"] = sha, ["ttl_seconds"] = ttl }
                .Where(p => p.Value is not null).ToDictionary();
        (await f.A.PostAsync("/v1/media/create-upload", Body(mime: "text/html"))).Error(HttpStatusCode.UnsupportedMediaType, "media_type_not_allowed");
        (await f.A.PostAsync("/v1/media/create-upload", Body(mime: "not a type"))).Error(HttpStatusCode.UnprocessableEntity, "validation_error");
        (await f.A.PostAsync("/v1/media/create-upload", Body(size: 0))).Error(HttpStatusCode.UnprocessableEntity, "validation_error");
        (await f.A.PostAsync("/v1/media/create-upload", Body(size: "ten"))).Error(HttpStatusCode.UnprocessableEntity, "validation_error");
        (await f.A.PostAsync("/v1/media/create-upload", Body(sha: "abc"))).Error(HttpStatusCode.UnprocessableEntity, "validation_error");
        (await f.A.PostAsync("/v1/media/create-upload", Body(ttl: 5))).Error(HttpStatusCode.UnprocessableEntity, "validation_error");
        (await f.A.PostAsync("/v1/media/create-upload", Body(filename: "dir/"))).Error(HttpStatusCode.UnprocessableEntity, "validation_error");
        (await f.A.PostAsync("/v1/media/create-upload", new { owner_agent = f.AgentA, mime_type = "text/plain", size_bytes = 1 })).Error(HttpStatusCode.UnprocessableEntity, "missing_field");
        // No owner_agent: the key's own agent (as x-owner-agent and owner_agent mean elsewhere, §2.8).
        Assert.Equal(f.AgentA, (await f.A.PostAsync("/v1/media/create-upload", new { filename = "a.txt", mime_type = "text/plain", size_bytes = 1 })).Ok()["owner_agent"].Str());
        (await f.A.PostAsync("/v1/media/finalize-upload", new { upload_id = "nope", size_bytes = 1 })).Error(HttpStatusCode.UnprocessableEntity, "validation_error");
        (await f.A.GetJsonAsync("/v1/media/not-an-id")).Error(HttpStatusCode.NotFound, "media_not_found");
        (await f.A.GetJsonAsync($"/v1/media/{Guid.NewGuid()}")).Error(HttpStatusCode.NotFound, "media_not_found");

        var key = "media-" + Guid.NewGuid();
        var first = await CreateAsync(f.A, "same.txt", "text/plain; charset=utf-8", 3, idempotencyKey: key);
        var second = await CreateAsync(f.A, "same.txt", "text/plain; charset=utf-8", 3, idempotencyKey: key);
        Assert.Equal(first["upload_id"].Str(), second["upload_id"].Str());
        Assert.Equal("text/plain", (await f.A.GetJsonAsync($"/v1/media/{first["upload_id"].Str()}")).Ok()["upload"]!["mime_type"].Str());
        var empty = await PutAsync(Anonymous, first["upload_url"].Str(), new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        Assert.Equal("media_empty", (await JsonOf(empty))["error"]!["code"].Str());
    }
    [Fact]
    public async Task A_task_answered_with_a_file_as_evidence_needs_a_ready_upload_of_its_own_workspace()
    {
        var task = (await f.A.PostAsync("/v1/intents", new
        {
            intent_type = "intent.test.evidence.v1", to_agent = "auditor", payload = new { n = 1 },
            human_task = new { title = "Sign the audit", task_type = "approval", evidence_required = true },
        })).Ok()["intent_id"].Str();
        var pending = await CreateAsync(f.A, "audit.pdf", "application/pdf", 4);
        (await f.A.PostAsync($"/v1/intents/{task}/resume", new { task_result = new { outcome = "approved", evidence = new[] { new { upload_id = pending["upload_id"].Str() } } } }))
            .Error(HttpStatusCode.UnprocessableEntity, "evidence_media_not_ready");
        var theirs = (await f.B.PostAsync("/v1/media/create-upload", new { owner_agent = "beta", filename = "x.pdf", mime_type = "application/pdf", size_bytes = 4 })).Ok();
        (await f.A.PostAsync($"/v1/intents/{task}/resume", new { task_result = new { outcome = "approved", data = new { evidence = new { upload_id = theirs["upload_id"].Str() } } } }))
            .Error(HttpStatusCode.UnprocessableEntity, "evidence_media_not_found");
        Assert.Equal("WAITING", (await f.A.GetJsonAsync($"/v1/intents/{task}")).Ok()["intent"]!["status"].Str());
        // data that is no object carries no evidence (found by the fuzzer: it was a 500).
        (await f.A.PostAsync($"/v1/intents/{task}/resume", new { task_result = new { outcome = "approved", data = "a string" } }))
            .Error(HttpStatusCode.UnprocessableEntity, "evidence_required");

        Assert.Equal(HttpStatusCode.OK, (await PutAsync(Anonymous, pending["upload_url"].Str(), new ByteArrayContent("%PDF"u8.ToArray()))).StatusCode);
        (await f.A.PostAsync("/v1/media/finalize-upload", new { upload_id = pending["upload_id"].Str(), size_bytes = 4 })).Ok();
        var done = (await f.A.PostAsync($"/v1/intents/{task}/resume", new
        {
            task_result = new { outcome = "approved", evidence = new[] { new { upload_id = pending["upload_id"].Str(), filename = "audit.pdf" } } },
        })).Ok();
        Assert.Equal("COMPLETED", done["intent"]!["status"].Str());
        Assert.Equal(pending["upload_id"].Str(), done["intent"]!["result"]!["task_result"]!["evidence"]![0]!["upload_id"].Str());
    }
}
