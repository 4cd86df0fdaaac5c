using Axme.Api.Http;
using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;

namespace Axme.Api.Media;

/// <summary>
/// Media uploads (PERIPHERAL "Media", docs/adr/023): create an upload, receive its bytes, finalize it against its size
/// and checksum, describe it with signed links. Shared by the REST routes, the web inbox (evidence attached to an
/// answer) and the MCP tools.
/// </summary>
public sealed class MediaOperations(MediaStore store, MediaLinks links, Microsoft.Extensions.Options.IOptions<ApiOptions> options, TimeProvider time)
{
    private const int PurgePerCreate = 20;

    /// <summary>POST /v1/media/create-upload: a pending upload in the workspace and the link to PUT its bytes to.</summary>
    public async Task<MediaCreateUploadResponse> CreateAsync(HttpContext http, Caller caller, RequestBody body, CancellationToken ct)
    {
        var o = options.Value;
        var (org, ws) = Query.Workspace(http.Request, caller);
        var owner = AgentAddress.Canonical(body.String("owner_agent", 255, required: true)!, caller);
        if (!owner.StartsWith($"{AgentAddress.Scheme}{org}/{ws}/", StringComparison.Ordinal))
            throw ProtocolException.Forbidden($"owner_agent {owner} is outside the workspace {org}/{ws}");
        var filename = MediaRules.FileName(body.String("filename", 1024, required: true)!);
        var mime = MediaRules.ContentType(body.String("mime_type", 255, required: true)!, o.MediaContentTypes);
        var size = MediaRules.Size(body.Long("size_bytes", long.MinValue, long.MaxValue), o.MediaMaxBytes);
        var sha = MediaRules.Sha256(body.String("sha256", 128));
        var ttl = body.Int("ttl_seconds", MediaRules.MinTtlSeconds, MediaRules.MaxTtlSeconds) is { } t ? TimeSpan.FromSeconds(t) : o.MediaUploadTtl;
        var now = time.GetUtcNow();
        var m = new StoredMedia(Guid.NewGuid(), org, ws, owner, caller.ServiceAccountId, filename, mime, size, sha, null, null,
            MediaStatus.Pending, now, now + ttl, null, null);
        await store.PurgeExpiredAsync(PurgePerCreate, ct);
        await store.CreateAsync(m, ct);
        return new MediaCreateUploadResponse
        {
            UploadId = m.UploadId, OwnerAgent = owner, Bucket = MediaRules.Bucket, ObjectPath = ObjectPath(m),
            UploadUrl = links.Url(http, MediaLinks.Upload, m.UploadId, m.ExpiresAt), Status = MediaStatus.Pending,
            ExpiresAt = m.ExpiresAt, MaxSizeBytes = size,
        };
    }

    /// <summary>PUT /v1/media/upload/{id}: the body becomes the upload's bytes (all or nothing).</summary>
    public async Task<MediaUploadReceived> ReceiveAsync(Caller caller, Guid id, Stream body, CancellationToken ct)
    {
        var (size, sha) = await store.WriteAsync(caller, id, body, ct);
        return new MediaUploadReceived { UploadId = id, SizeBytes = size, Sha256 = sha, Status = MediaStatus.Pending };
    }

    /// <summary>POST /v1/media/finalize-upload: ready once the bytes are the size and checksum the client states.</summary>
    public async Task<MediaFinalizeUploadResponse> FinalizeAsync(Caller caller, RequestBody body, CancellationToken ct)
    {
        var id = UploadId(body.String("upload_id", 64, required: true)!, "upload_id");
        var size = body.Long("size_bytes", 1, long.MaxValue) ?? throw ProtocolException.Invalid("size_bytes", "size_bytes is required", "missing_field");
        var m = await store.FinalizeAsync(caller, id, size, MediaRules.Sha256(body.String("sha256", 128)), ct);
        return new MediaFinalizeUploadResponse
        {
            UploadId = m.UploadId, OwnerAgent = m.OwnerAgent, Bucket = MediaRules.Bucket, ObjectPath = ObjectPath(m), MimeType = m.MimeType,
            SizeBytes = m.SizeBytes!.Value, Sha256 = m.Sha256, Status = MediaStatus.Ready, FinalizedAt = m.FinalizedAt!.Value,
        };
    }

    /// <summary>GET /v1/media/{id}: the upload with fresh signed links once it is ready.</summary>
    public async Task<MediaGetResponse> GetAsync(HttpContext http, Caller caller, Guid id, CancellationToken ct) =>
        new() { Upload = Describe(http, await store.GetAsync(caller, id, ct)) };

    public async Task<MediaDeleted> DeleteAsync(Caller caller, Guid id, CancellationToken ct)
    {
        await store.DeleteAsync(caller, id, ct);
        return new MediaDeleted { UploadId = id };
    }

    /// <summary>The wire view of a stored upload.</summary>
    public MediaUpload Describe(HttpContext http, StoredMedia m)
    {
        var status = MediaRules.Status(m.Status, m.ExpiresAt, time.GetUtcNow());
        var ready = status == MediaStatus.Ready;
        var linksExpire = time.GetUtcNow() + MediaLinks.ReadLifetime;
        return new MediaUpload
        {
            UploadId = m.UploadId, OwnerAgent = m.OwnerAgent, Bucket = MediaRules.Bucket, ObjectPath = ObjectPath(m), MimeType = m.MimeType,
            Filename = m.Filename, SizeBytes = m.SizeBytes ?? m.DeclaredSize, Sha256 = m.Sha256 ?? m.DeclaredSha256, Status = status,
            CreatedAt = m.CreatedAt, ExpiresAt = m.ExpiresAt, FinalizedAt = m.FinalizedAt,
            DownloadUrl = ready ? links.Url(http, MediaLinks.Download, m.UploadId, linksExpire) : null,
            PreviewUrl = ready && MediaRules.CanPreview(m.MimeType) ? links.Url(http, MediaLinks.Preview, m.UploadId, linksExpire) : null,
        };
    }

    /// <summary>A ready upload the caller may read, else 404 (any workspace but its own) or 409 (not finalized yet).</summary>
    public async Task<StoredMedia> ReadableAsync(Caller caller, Guid id, CancellationToken ct)
    {
        var m = await store.GetAsync(caller, id, ct);
        return m.Status == MediaStatus.Ready ? m
            : throw new ProtocolException(409, "media_not_ready", $"upload {id} is {MediaRules.Status(m.Status, m.ExpiresAt, time.GetUtcNow())}: it is read once finalized");
    }

    /// <summary>
    /// Sends a ready upload's bytes: as an attachment (download) or inline in a sandbox (preview of a type a browser shows
    /// safely), with its length, checksum as ETag, and nosniff, so the bytes are never taken for a page of this node.
    /// </summary>
    public async Task SendAsync(HttpContext http, StoredMedia m, bool inline, CancellationToken ct)
    {
        if (inline && !MediaRules.CanPreview(m.MimeType))
            throw new ProtocolException(415, "media_preview_unavailable", $"{m.MimeType} is not shown inline: use the download link");
        var response = http.Response;
        response.ContentType = m.MimeType;
        response.ContentLength = m.SizeBytes;
        response.Headers.ETag = $"\"{m.Sha256}\"";
        response.Headers.CacheControl = "private, max-age=300";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";
        response.Headers.ContentDisposition = new System.Net.Http.Headers.ContentDispositionHeaderValue(inline ? "inline" : "attachment")
            { FileNameStar = m.Filename }.ToString();
        await store.CopyToAsync(m.UploadId, response.Body, ct);
    }

    public static Guid UploadId(string raw, string field) =>
        Guid.TryParse(raw, out var id) ? id : throw ProtocolException.Invalid(field, $"{field} must be a UUID, not {(raw.Length > 64 ? raw[..64] : raw)}");

    private static string ObjectPath(StoredMedia m) => MediaRules.ObjectPath(m.OrgId, m.WorkspaceId, m.UploadId, m.Filename);
}
