namespace Axme.Contracts;

/// <summary>POST /v1/media/create-upload (PERIPHERAL "Media"; official schema api.media.create_upload.request.v1).</summary>
public sealed record MediaCreateUploadRequest
{
    /// <summary>The agent the file belongs to (in the caller's workspace).</summary>
    public required string OwnerAgent { get; init; }
    /// <summary>The file's name (a path is cut to its last segment).</summary>
    public required string Filename { get; init; }
    /// <summary>Its content type, e.g. image/png (the node's allowed types: Axme:Api:MediaContentTypes).</summary>
    public required string MimeType { get; init; }
    /// <summary>Its size; at most the node's limit (Axme:Api:MediaMaxBytes, 100 MiB by default).</summary>
    public required long SizeBytes { get; init; }
    /// <summary>Its SHA-256 (hex): the finalize refuses other bytes.</summary>
    public string? Sha256 { get; init; }
    /// <summary>How long the upload may stay unfinished, 60 s to 7 days (1 hour by default).</summary>
    public int? TtlSeconds { get; init; }
}

/// <summary>The answer to create-upload: where to PUT the bytes (upload_url works without an API key until expires_at).</summary>
public sealed record MediaCreateUploadResponse
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The upload's id.</summary>
    public required Guid UploadId { get; init; }
    /// <summary>The agent the file belongs to.</summary>
    public required string OwnerAgent { get; init; }
    /// <summary>Where the node keeps media: "axme-media" (PostgreSQL, docs/adr/023).</summary>
    public required string Bucket { get; init; }
    /// <summary>org/workspace/upload_id/filename.</summary>
    public required string ObjectPath { get; init; }
    /// <summary>PUT the file's bytes here (a signed link: no API key needed).</summary>
    public required string UploadUrl { get; init; }
    /// <summary>pending.</summary>
    public required string Status { get; init; }
    /// <summary>Until when the upload may be sent and finalized.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
    /// <summary>The most bytes this upload takes (its declared size).</summary>
    public required long MaxSizeBytes { get; init; }
}

/// <summary>The answer to PUT /v1/media/upload/{id}: what the node received.</summary>
public sealed record MediaUploadReceived
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The upload's id.</summary>
    public required Guid UploadId { get; init; }
    /// <summary>Bytes received.</summary>
    public required long SizeBytes { get; init; }
    /// <summary>SHA-256 (hex) of the bytes received.</summary>
    public required string Sha256 { get; init; }
    /// <summary>pending (until finalized).</summary>
    public required string Status { get; init; }
}

/// <summary>POST /v1/media/finalize-upload (official schema api.media.finalize_upload.request.v1).</summary>
public sealed record MediaFinalizeUploadRequest
{
    /// <summary>The upload's id.</summary>
    public required Guid UploadId { get; init; }
    /// <summary>The size the client sent: must be what the node received.</summary>
    public required long SizeBytes { get; init; }
    /// <summary>The SHA-256 the client computed (else the one declared at create, if any): must match the bytes received.</summary>
    public string? Sha256 { get; init; }
}

/// <summary>The answer to finalize-upload: the file is ready.</summary>
public sealed record MediaFinalizeUploadResponse
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The upload's id.</summary>
    public required Guid UploadId { get; init; }
    /// <summary>The agent the file belongs to.</summary>
    public required string OwnerAgent { get; init; }
    /// <summary>axme-media.</summary>
    public required string Bucket { get; init; }
    /// <summary>org/workspace/upload_id/filename.</summary>
    public required string ObjectPath { get; init; }
    /// <summary>Its content type.</summary>
    public required string MimeType { get; init; }
    /// <summary>Its size.</summary>
    public required long SizeBytes { get; init; }
    /// <summary>SHA-256 (hex) of its bytes.</summary>
    public required string? Sha256 { get; init; }
    /// <summary>ready.</summary>
    public required string Status { get; init; }
    /// <summary>When it was finalized.</summary>
    public required DateTimeOffset FinalizedAt { get; init; }
}

/// <summary>GET /v1/media/{upload_id} (official schema api.media.get.response.v1).</summary>
public sealed record MediaGetResponse
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The upload.</summary>
    public required MediaUpload Upload { get; init; }
}

/// <summary>One upload as GET /v1/media/{id} shows it.</summary>
public sealed record MediaUpload
{
    /// <summary>The upload's id.</summary>
    public required Guid UploadId { get; init; }
    /// <summary>The agent the file belongs to.</summary>
    public required string OwnerAgent { get; init; }
    /// <summary>axme-media.</summary>
    public required string Bucket { get; init; }
    /// <summary>org/workspace/upload_id/filename.</summary>
    public required string ObjectPath { get; init; }
    /// <summary>Its content type.</summary>
    public required string MimeType { get; init; }
    /// <summary>Its file name.</summary>
    public required string Filename { get; init; }
    /// <summary>Bytes received (the declared size until the bytes arrive).</summary>
    public required long SizeBytes { get; init; }
    /// <summary>SHA-256 (hex) of the bytes received, else the declared one, else null.</summary>
    public required string? Sha256 { get; init; }
    /// <summary>pending, ready or expired (pending past expires_at).</summary>
    public required string Status { get; init; }
    /// <summary>When the upload was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Until when a pending upload may be sent and finalized.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
    /// <summary>When it was finalized (null while pending).</summary>
    public required DateTimeOffset? FinalizedAt { get; init; }
    /// <summary>A signed link to the file (1 hour; null until ready).</summary>
    public required string? DownloadUrl { get; init; }
    /// <summary>A signed link that shows it in a browser (1 hour; null until ready, and for types a browser should not render inline).</summary>
    public required string? PreviewUrl { get; init; }
}

/// <summary>DELETE /v1/media/{upload_id} (the node's extension): the file and its bytes are gone.</summary>
public sealed record MediaDeleted
{
    /// <summary>Always true.</summary>
    public bool Ok { get; init; } = true;
    /// <summary>The upload's id.</summary>
    public required Guid UploadId { get; init; }
    /// <summary>True.</summary>
    public bool Deleted { get; init; } = true;
}
