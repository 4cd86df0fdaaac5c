using System.Text.Json.Nodes;
using Axme.Api.Http;
using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Api.Media;

/// <summary>A file shown beside an intent in the web inbox, with signed links.</summary>
public sealed record MediaAttachment(Guid UploadId, string Filename, string MimeType, long SizeBytes, string DownloadUrl, string? PreviewUrl);

/// <summary>
/// Media uploads (PERIPHERAL "Media", docs/adr/023): create an upload, receive its bytes, finalize it against its size
/// and checksum, describe it with signed links. Shared by the REST routes, the web inbox (evidence attached to an
/// answer) and the MCP tools.
/// </summary>
public sealed class MediaOperations(MediaStore store, MediaLinks links, Microsoft.Extensions.Options.IOptions<ApiOptions> options, TimeProvider time,
    Grains.Interfaces.Tenancy.QuotaGate quotas)
{
    private const int PurgePerCreate = 20;

    /// <summary>POST /v1/media/create-upload: a pending upload in the workspace and the link to PUT its bytes to.</summary>
    public async Task<MediaCreateUploadResponse> CreateAsync(HttpContext http, Caller caller, RequestBody body, CancellationToken ct)
    {
        var o = options.Value;
        var (org, ws) = Query.Workspace(http.Request, caller);
        await Tenancy.TenancyOperations.RequireWorkspaceAsync(http.RequestServices.GetRequiredService<IGrainFactory>(), caller, (org, ws));
        // owner_agent is required by the gateway's schema; absent (or ""), the node reads it as §2.8 does elsewhere: the
        // x-owner-agent header, else the key's own agent.
        var owner = body.String("owner_agent", 255) is { } named ? AgentAddress.Canonical(named, caller) : Query.OwnerAgent(http.Request, caller) ?? caller.AgentAddress;
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
        await CheckQuotasAsync(org, ws, size);
        await store.CreateAsync(m, ct);
        CountQuotas(org, ws, size);
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

    /// <summary>The ready files an intent's payload and result name (its own workspace's only), for the web inbox.</summary>
    public async Task<IReadOnlyList<MediaAttachment>> AttachmentsAsync(HttpContext http, IntentRecord intent, CancellationToken ct)
    {
        var ids = MediaEvidence.References(intent.PayloadJson).Concat(MediaEvidence.References(intent.ResultJson)).Distinct().Take(MediaEvidence.MaxReferences).ToArray();
        var found = await store.ReadyAsync(intent.OrgId, intent.WorkspaceId, ids, ct);
        return [.. found.Select(m => Describe(http, m)).Select(d => new MediaAttachment(d.UploadId, d.Filename, d.MimeType, d.SizeBytes, d.DownloadUrl!, d.PreviewUrl))];
    }

    /// <summary>
    /// An answer's evidence (task_result.evidence or task_result.data.evidence) may name only ready uploads the caller
    /// can read: 422 otherwise, before the task is touched.
    /// </summary>
    public async Task CheckEvidenceAsync(Caller caller, JsonNode? taskResult, CancellationToken ct)
    {
        if (taskResult is not JsonObject result) return;
        // data may be anything a client sends (a string, a list): only an object's evidence counts.
        foreach (var id in MediaEvidence.References(result["evidence"]).Concat(MediaEvidence.References((result["data"] as JsonObject)?["evidence"])).Distinct())
        {
            StoredMedia m;
            try
            {
                m = await store.GetAsync(caller, id, ct);
            }
            catch (ProtocolException e) when (e.Status == 404)
            {
                throw ProtocolException.Invalid("task_result.evidence", $"the evidence names upload {id}, which is not in this workspace", "evidence_media_not_found");
            }
            if (m.Status != MediaStatus.Ready)
                throw ProtocolException.Invalid("task_result.evidence", $"the evidence names upload {id}, which is not finalized", "evidence_media_not_ready");
        }
    }

    /// <summary>
    /// Files posted with a web inbox answer, stored whole and ready in the intent's workspace; the evidence that names
    /// them. A file the node does not take (type, size) refuses the whole answer with the reason.
    /// </summary>
    public async Task<(JsonArray Evidence, IReadOnlyList<Guid> Stored)> AttachAsync(IntentRecord intent, string ownerAgent, string createdBy,
        IEnumerable<IFormFile> files, CancellationToken ct)
    {
        var evidence = new JsonArray();
        var stored = new List<Guid>();
        try
        {
            foreach (var file in files.Where(f => f.Length > 0)) // a file input left empty posts an empty part
            {
                await using var content = file.OpenReadStream();
                var ready = await StoreAsync(intent.OrgId, intent.WorkspaceId, ownerAgent, createdBy, file.FileName,
                    string.IsNullOrEmpty(file.ContentType) ? "application/octet-stream" : file.ContentType, file.Length, content, ct);
                stored.Add(ready.UploadId);
                evidence.Add(new JsonObject
                {
                    ["upload_id"] = ready.UploadId.ToString(), ["filename"] = ready.Filename, ["mime_type"] = ready.MimeType,
                    ["size_bytes"] = ready.SizeBytes, ["sha256"] = ready.Sha256,
                });
            }
        }
        catch
        {
            await ForgetAsync(stored);
            throw;
        }
        return (evidence, stored);
    }

    /// <summary>A whole file stored ready at once (a web inbox answer's file, an MCP upload), by the rules of create-upload.</summary>
    public async Task<StoredMedia> StoreAsync(string orgId, string workspaceId, string ownerAgent, string createdBy, string filename, string contentType,
        long length, Stream content, CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var m = new StoredMedia(Guid.NewGuid(), orgId, workspaceId, ownerAgent, createdBy, MediaRules.FileName(filename),
            MediaRules.ContentType(contentType, o.MediaContentTypes), MediaRules.Size(length, o.MediaMaxBytes), null, null, null,
            MediaStatus.Pending, now, now + o.MediaUploadTtl, null, null);
        await CheckQuotasAsync(orgId, workspaceId, m.DeclaredSize);
        var stored = await store.StoreReadyAsync(m, content, ct);
        CountQuotas(orgId, workspaceId, m.DeclaredSize);
        return stored;
    }

    /// <summary>The workspace's media quotas (docs/adr/029): a day's uploaded bytes and the bytes it keeps, the declared size counted at once.</summary>
    private async Task CheckQuotasAsync(string orgId, string workspaceId, long size)
    {
        await quotas.CheckAsync(orgId, workspaceId, Grains.Interfaces.Tenancy.QuotaDimensions.MediaUploadBytesPerDay, size);
        await quotas.CheckAsync(orgId, workspaceId, Grains.Interfaces.Tenancy.QuotaDimensions.MediaStorageBytes, size);
    }

    private void CountQuotas(string orgId, string workspaceId, long size)
    {
        quotas.Meter.Add(orgId, workspaceId, Grains.Interfaces.Tenancy.QuotaDimensions.MediaUploadBytesPerDay, size);
        quotas.Meter.Add(orgId, workspaceId, Grains.Interfaces.Tenancy.QuotaDimensions.MediaStorageBytes, size);
    }

    /// <summary>Deletes files stored for an answer that was then refused (best effort: an orphan costs only space).</summary>
    public async Task ForgetAsync(IReadOnlyList<Guid> ids)
    {
        foreach (var id in ids) await store.DeleteAsync(Caller.System, id, CancellationToken.None);
    }

    public static Guid UploadId(string raw, string field) =>
        Guid.TryParse(raw, out var id) ? id : throw ProtocolException.Invalid(field, $"{field} must be a UUID, not {(raw.Length > 64 ? raw[..64] : raw)}");

    private static string ObjectPath(StoredMedia m) => MediaRules.ObjectPath(m.OrgId, m.WorkspaceId, m.UploadId, m.Filename);
}
