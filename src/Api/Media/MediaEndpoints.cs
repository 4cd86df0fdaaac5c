using Axme.Api.Auth;
using Axme.Api.Hosting;
using Axme.Api.Http;
using Axme.Contracts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Axme.Api.Media;

/// <summary>
/// Media attachments (PROTOCOL §12 "Media", docs/adr/023): create-upload → PUT the bytes to upload_url →
/// finalize-upload → GET the upload, its download and its preview. The relay routes (PUT upload, GET download, GET
/// preview) take a signed link's token or an API key of the upload's workspace; the others an API key, as every /v1 route.
/// </summary>
public static class MediaEndpoints
{
    public static RouteGroupBuilder MapMediaEndpoints(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/media").WithTags("Media");
        g.MapPost("/create-upload", Create).Accepts<MediaCreateUploadRequest>("application/json").AddEndpointFilter<IdempotencyFilter>()
            .WithName("CreateMediaUpload").WithSummary("A pending upload and its upload_url (PUT the bytes there; no API key needed)");
        g.MapPost("/finalize-upload", FinalizeUpload).Accepts<MediaFinalizeUploadRequest>("application/json").AddEndpointFilter<IdempotencyFilter>()
            .WithName("FinalizeMediaUpload").WithSummary("Make an upload ready: the bytes received must have the stated size and SHA-256");
        g.MapGet("/{upload_id}", Get).WithName("GetMediaUpload").WithSummary("An upload, with signed download and preview links once ready");
        g.MapDelete("/{upload_id}", Delete).WithName("DeleteMediaUpload").WithSummary("Delete an upload and its bytes (the node's extension)");
        return v1;
    }

    /// <summary>The relay routes, outside the API-key filter: a signed link's token or an API key.</summary>
    public static WebApplication MapMediaRelays(this WebApplication app)
    {
        var g = app.MapGroup("/v1/media").WithTags("Media").ProducesErrors();
        g.MapPut("/upload/{upload_id}", Upload).Accepts(typeof(Stream), isOptional: true, "application/octet-stream", "*/*").WithName("UploadMedia")
            .WithSummary("The file's bytes as the body (any content type), at most the size declared at create-upload; ?token= from upload_url, or an API key");
        g.MapGet("/download/{upload_id}", Download).Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream").WithName("DownloadMedia").WithSummary("A ready file, as an attachment (?token= from download_url, or an API key)");
        g.MapGet("/preview/{upload_id}", Preview).Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream").WithName("PreviewMedia").WithSummary("A ready image, PDF or text file, inline (?token= from preview_url, or an API key)");
        return app;
    }

    public static async Task<Ok<MediaCreateUploadResponse>> Create(HttpContext http, MediaOperations media) =>
        TypedResults.Ok(await media.CreateAsync(http, ApiKeyAuthFilter.CallerOf(http), await RequestBody.ReadAsync(http), http.RequestAborted));

    public static async Task<Ok<MediaFinalizeUploadResponse>> FinalizeUpload(HttpContext http, MediaOperations media) =>
        TypedResults.Ok(await media.FinalizeAsync(ApiKeyAuthFilter.CallerOf(http), await RequestBody.ReadAsync(http), http.RequestAborted));

    public static async Task<Ok<MediaGetResponse>> Get(HttpContext http, string upload_id, MediaOperations media) =>
        TypedResults.Ok(await media.GetAsync(http, ApiKeyAuthFilter.CallerOf(http), Id(upload_id), http.RequestAborted));

    public static async Task<Ok<MediaDeleted>> Delete(HttpContext http, string upload_id, MediaOperations media) =>
        TypedResults.Ok(await media.DeleteAsync(ApiKeyAuthFilter.CallerOf(http), Id(upload_id), http.RequestAborted));

    public static async Task<Ok<MediaUploadReceived>> Upload(HttpContext http, string upload_id, MediaOperations media, MediaLinks links, IOptions<ApiOptions> options)
    {
        var id = Id(upload_id);
        var caller = await links.CallerAsync(http, MediaLinks.Upload, id);
        // The node's body limit is for JSON; a file may be as large as the media limit (each upload's own declared size
        // is checked as the bytes arrive).
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = options.Value.MediaMaxBytes;
        return TypedResults.Ok(await media.ReceiveAsync(caller, id, http.Request.Body, http.RequestAborted));
    }

    public static Task Download(HttpContext http, string upload_id, MediaOperations media, MediaLinks links) => SendAsync(http, upload_id, media, links, MediaLinks.Download);

    public static Task Preview(HttpContext http, string upload_id, MediaOperations media, MediaLinks links) => SendAsync(http, upload_id, media, links, MediaLinks.Preview);

    private static async Task SendAsync(HttpContext http, string uploadId, MediaOperations media, MediaLinks links, string action)
    {
        var id = Id(uploadId);
        var m = await media.ReadableAsync(await links.CallerAsync(http, action, id), id, http.RequestAborted);
        await media.SendAsync(http, m, action == MediaLinks.Preview, http.RequestAborted);
    }

    /// <summary>A path's upload id: one that is no UUID names no upload.</summary>
    private static Guid Id(string raw) => Guid.TryParse(raw, out var id) ? id : throw Grains.Interfaces.Common.ProtocolException.NotFound("media", raw.Length > 64 ? raw[..64] : raw);
}
