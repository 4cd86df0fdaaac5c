using System.Text.RegularExpressions;
using Axme.Grains.Interfaces.Common;

namespace Axme.Api.Media;

/// <summary>
/// The pure rules of media uploads (docs/adr/023): what a file name, a content type, a size and a checksum may be,
/// where a file lives, what status a stored upload shows and which types a browser may render inline.
/// </summary>
public static partial class MediaRules
{
    /// <summary>The bucket every upload names: the node's own store in PostgreSQL.</summary>
    public const string Bucket = "axme-media";

    public const int MinTtlSeconds = 60;
    public const int MaxTtlSeconds = 604800;

    /// <summary>Rendered inline by /v1/media/preview: raster images, PDF and plain text (never HTML or SVG, which run script).</summary>
    private static readonly HashSet<string> Previewable =
        ["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/bmp", "application/pdf", "text/plain"];

    /// <summary>A file name: its last path segment, no control characters, 1–255 characters.</summary>
    public static string FileName(string raw)
    {
        var name = raw[(raw.LastIndexOfAny(['/', '\\']) + 1)..].Trim();
        if (name.Length == 0 || name is "." or "..")
            throw ProtocolException.Invalid("filename", "filename must name a file (it is empty after its path)");
        if (name.AsSpan().IndexOfAnyInRange('\0', '\x1f') >= 0 || name.Contains('\x7f'))
            throw ProtocolException.Invalid("filename", "filename contains a control character");
        return name.Length <= 255 ? name : throw ProtocolException.Invalid("filename", "filename must be at most 255 characters");
    }

    /// <summary>A content type as type/subtype, lower case, parameters dropped; 415 when the node does not take it.</summary>
    public static string ContentType(string raw, string allowed)
    {
        var type = raw.Split(';')[0].Trim().ToLowerInvariant();
        if (!MimePattern().IsMatch(type))
            throw ProtocolException.Invalid("mime_type", $"mime_type must be a content type such as image/png, not {Shorten(raw)}");
        if (!Allowed(type, allowed))
            throw new ProtocolException(415, "media_type_not_allowed", $"this node takes no {type} uploads (allowed: {allowed})",
                new Dictionary<string, string> { ["field"] = "mime_type" });
        return type;
    }

    /// <summary>Whether a comma-separated list of types and "type/*" wildcards takes a content type.</summary>
    public static bool Allowed(string type, string allowed)
    {
        foreach (var entry in allowed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pattern = entry.ToLowerInvariant();
            if (pattern == type || pattern == "*/*") return true;
            if (pattern.EndsWith('*') && type.StartsWith(pattern[..^1], StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>A declared size within 1 and the node's limit; 413 above it.</summary>
    public static long Size(long? size, long max, string field = "size_bytes")
    {
        if (size is null) throw ProtocolException.Invalid(field, $"{field} is required", "missing_field");
        if (size < 1) throw ProtocolException.Invalid(field, $"{field} must be at least 1");
        return size <= max ? size.Value : throw TooLarge(max, field);
    }

    public static ProtocolException TooLarge(long max, string field = "size_bytes") =>
        new(413, "media_too_large", $"the file is larger than this upload takes ({max} bytes)", new Dictionary<string, string> { ["field"] = field, ["max_size_bytes"] = max.ToString() });

    /// <summary>A SHA-256 as 64 hex digits (either case; stored lower case), or null.</summary>
    public static string? Sha256(string? raw, string field = "sha256") =>
        raw is null ? null
        : Sha256Pattern().IsMatch(raw) ? raw.ToLowerInvariant()
        : throw ProtocolException.Invalid(field, $"{field} must be 64 hexadecimal digits (a SHA-256)");

    /// <summary>Where a file lives: org/workspace/upload_id/filename (the object_path of the wire).</summary>
    public static string ObjectPath(string orgId, string workspaceId, Guid uploadId, string filename) =>
        $"{orgId}/{workspaceId}/{uploadId}/{filename}";

    /// <summary>The status a stored upload shows: a pending one past its expiry is expired.</summary>
    public static string Status(string stored, DateTimeOffset expiresAt, DateTimeOffset now) =>
        stored == MediaStatus.Pending && expiresAt <= now ? MediaStatus.Expired : stored;

    /// <summary>Whether /v1/media/preview renders a type inline.</summary>
    public static bool CanPreview(string mimeType) => Previewable.Contains(mimeType);

    /// <summary>
    /// The finalize's checks, in order: the bytes arrived; their size is the one the client states; their SHA-256 is the
    /// one it states, else the one declared at create. Returns the checksum the upload keeps.
    /// </summary>
    public static string Finalize(long? received, string? receivedSha, long statedSize, string? statedSha, string? declaredSha)
    {
        if (received is null || receivedSha is null)
            throw new ProtocolException(409, "media_not_uploaded", "no bytes were uploaded yet: PUT the file to the upload_url first");
        if (received != statedSize)
            throw new ProtocolException(422, "media_size_mismatch", $"the node received {received} bytes, not {statedSize}",
                new Dictionary<string, string> { ["field"] = "size_bytes", ["received_size_bytes"] = received.Value.ToString() });
        var expected = statedSha ?? declaredSha;
        if (expected is not null && expected != receivedSha)
            throw new ProtocolException(422, "media_checksum_mismatch", $"the bytes received have SHA-256 {receivedSha}, not {expected}",
                new Dictionary<string, string> { ["field"] = "sha256", ["received_sha256"] = receivedSha });
        return receivedSha;
    }

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..80] + "…";

    // RFC 6838 restricted names.
    [GeneratedRegex("^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$")]
    private static partial Regex MimePattern();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Pattern();
}

/// <summary>An upload's stored statuses (expired is derived, never stored).</summary>
public static class MediaStatus
{
    public const string Pending = "pending";
    public const string Ready = "ready";
    public const string Expired = "expired";
}
