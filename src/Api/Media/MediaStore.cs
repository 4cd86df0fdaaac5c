using System.Buffers;
using System.Data;
using System.Security.Cryptography;
using Axme.Grains.Interfaces.Common;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Axme.Api.Media;

/// <summary>One upload as stored (axme_media).</summary>
public sealed record StoredMedia(
    Guid UploadId, string OrgId, string WorkspaceId, string OwnerAgent, string CreatedBy, string Filename, string MimeType,
    long DeclaredSize, string? DeclaredSha256, long? SizeBytes, string? Sha256, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? UploadedAt, DateTimeOffset? FinalizedAt);

/// <summary>
/// Media uploads in PostgreSQL (Schema/005, docs/adr/023): the row of each upload and its bytes in 1 MiB chunks. The
/// bytes never pass through a grain (an Orleans message is no place for 50 MB): the API streams them to and from the
/// database. Every write is one transaction on the upload's row lock, so a PUT stores all of a file or none of it,
/// two PUTs of one upload take turns, and a finalize sees one PUT's bytes whole.
/// </summary>
public sealed class MediaStore(NpgsqlDataSource db, IOptions<ApiOptions> options, TimeProvider time)
{
    public const int ChunkBytes = 1024 * 1024;
    private const string Columns = """
        upload_id, org_id, workspace_id, owner_agent, created_by, filename, mime_type, declared_size, declared_sha256,
        size_bytes, sha256, status, created_at, expires_at, uploaded_at, finalized_at
        """;

    private string Service => options.Value.ServiceId;

    public async Task CreateAsync(StoredMedia m, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await InsertAsync(conn, m, ct);
    }

    /// <summary>
    /// A whole file in one transaction: the upload row, its bytes, ready (a file attached to a web inbox answer, which
    /// has no separate create and finalize). Returns the upload as stored.
    /// </summary>
    public async Task<StoredMedia> StoreReadyAsync(StoredMedia m, Stream body, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await InsertAsync(conn, m, ct);
        var (size, sha) = await WriteChunksAsync(conn, m, body, ct);
        var now = time.GetUtcNow();
        await SetReceivedAsync(conn, m.UploadId, size, sha, now, MediaStatus.Ready, ct);
        await tx.CommitAsync(ct);
        return m with { SizeBytes = size, Sha256 = sha, Status = MediaStatus.Ready, UploadedAt = now, FinalizedAt = now };
    }

    private async Task InsertAsync(NpgsqlConnection conn, StoredMedia m, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            INSERT INTO axme_media (service_id, {Columns})
            VALUES (@service, @id, @org, @ws, @owner, @by, @filename, @mime, @size, @sha, NULL, NULL, @status, @created, @expires, NULL, NULL)
            """, conn);
        cmd.Parameters.AddWithValue("service", Service);
        cmd.Parameters.AddWithValue("id", m.UploadId);
        cmd.Parameters.AddWithValue("org", m.OrgId);
        cmd.Parameters.AddWithValue("ws", m.WorkspaceId);
        cmd.Parameters.AddWithValue("owner", m.OwnerAgent);
        cmd.Parameters.AddWithValue("by", m.CreatedBy);
        cmd.Parameters.AddWithValue("filename", m.Filename);
        cmd.Parameters.AddWithValue("mime", m.MimeType);
        cmd.Parameters.AddWithValue("size", m.DeclaredSize);
        cmd.Parameters.AddWithValue("sha", (object?)m.DeclaredSha256 ?? DBNull.Value);
        cmd.Parameters.AddWithValue("status", m.Status);
        cmd.Parameters.AddWithValue("created", m.CreatedAt);
        cmd.Parameters.AddWithValue("expires", m.ExpiresAt);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>An upload the caller may see, else 404 media_not_found (another workspace's upload is not found either).</summary>
    public async Task<StoredMedia> GetAsync(Caller caller, Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM axme_media WHERE service_id = @service AND upload_id = @id");
        cmd.Parameters.AddWithValue("service", Service);
        cmd.Parameters.AddWithValue("id", id);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) && Read(reader) is var m && caller.CanAccess(m.OrgId, m.WorkspaceId) ? m : throw NotFound(id);
    }

    /// <summary>
    /// Stores a PUT's body as the upload's bytes (replacing an earlier PUT's), hashing as it goes; refuses more bytes than
    /// were declared (413) and an upload that is finalized (409) or expired (410). Nothing is kept unless all arrived.
    /// </summary>
    public async Task<(long Size, string Sha256)> WriteAsync(Caller caller, Guid id, Stream body, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var m = await LockAsync(conn, caller, id, ct);
        Writable(m);
        await using (var clear = new NpgsqlCommand("DELETE FROM axme_media_chunks WHERE service_id = @service AND upload_id = @id", conn))
        {
            clear.Parameters.AddWithValue("service", Service);
            clear.Parameters.AddWithValue("id", id);
            await clear.ExecuteNonQueryAsync(ct);
        }
        var (total, hash) = await WriteChunksAsync(conn, m, body, ct);
        await SetReceivedAsync(conn, id, total, hash, time.GetUtcNow(), MediaStatus.Pending, ct);
        await tx.CommitAsync(ct);
        return (total, hash);
    }

    /// <summary>Stores a stream as an upload's chunks, hashing as it goes; 413 past its declared size, 422 when empty.</summary>
    private async Task<(long Size, string Sha256)> WriteChunksAsync(NpgsqlConnection conn, StoredMedia m, Stream body, CancellationToken ct)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        long total = 0;
        try
        {
            await using var insert = new NpgsqlCommand(
                "INSERT INTO axme_media_chunks (service_id, upload_id, seq, data) VALUES (@service, @id, @seq, @data)", conn);
            insert.Parameters.AddWithValue("service", Service);
            insert.Parameters.AddWithValue("id", m.UploadId);
            var seq = insert.Parameters.Add("seq", NpgsqlDbType.Integer);
            var data = insert.Parameters.Add("data", NpgsqlDbType.Bytea);
            for (var n = 0; ; n++)
            {
                var filled = await body.ReadAtLeastAsync(buffer.AsMemory(0, ChunkBytes), ChunkBytes, throwOnEndOfStream: false, ct);
                if (filled == 0) break;
                total += filled;
                if (total > m.DeclaredSize) throw MediaRules.TooLarge(m.DeclaredSize);
                sha.AppendData(buffer, 0, filled);
                seq.Value = n;
                data.Value = new ArraySegment<byte>(buffer, 0, filled);
                await insert.ExecuteNonQueryAsync(ct);
                if (filled < ChunkBytes) break;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (total == 0) throw ProtocolException.Invalid("body", "the upload's body is empty", "media_empty");
        return (total, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    private async Task SetReceivedAsync(NpgsqlConnection conn, Guid id, long size, string sha, DateTimeOffset now, string status, CancellationToken ct)
    {
        await using var update = new NpgsqlCommand("""
            UPDATE axme_media SET size_bytes = @size, sha256 = @sha, uploaded_at = @now, status = @status,
                finalized_at = CASE WHEN @status = 'ready' THEN @now END
            WHERE service_id = @service AND upload_id = @id
            """, conn);
        update.Parameters.AddWithValue("service", Service);
        update.Parameters.AddWithValue("id", id);
        update.Parameters.AddWithValue("size", size);
        update.Parameters.AddWithValue("sha", sha);
        update.Parameters.AddWithValue("now", now);
        update.Parameters.AddWithValue("status", status);
        await update.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The ready uploads of a workspace among some ids (the attachments an intent's payload or result names).</summary>
    public async Task<IReadOnlyList<StoredMedia>> ReadyAsync(string orgId, string workspaceId, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        await using var cmd = db.CreateCommand($"""
            SELECT {Columns} FROM axme_media
            WHERE service_id = @service AND upload_id = ANY(@ids) AND org_id = @org AND workspace_id = @ws AND status = 'ready'
            """);
        cmd.Parameters.AddWithValue("service", Service);
        cmd.Parameters.AddWithValue("ids", ids.ToArray());
        cmd.Parameters.AddWithValue("org", orgId);
        cmd.Parameters.AddWithValue("ws", workspaceId);
        var found = new Dictionary<Guid, StoredMedia>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) found[reader.GetGuid(0)] = Read(reader);
        return [.. ids.Where(found.ContainsKey).Select(id => found[id])];
    }

    /// <summary>
    /// Makes an upload ready once its bytes are what the client states (<see cref="MediaRules.Finalize"/>). Finalizing a
    /// ready upload again with the same size and checksum answers the same (a retry); anything else about it is a 409.
    /// </summary>
    public async Task<StoredMedia> FinalizeAsync(Caller caller, Guid id, long size, string? sha256, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var m = await LockAsync(conn, caller, id, ct);
        if (m.Status == MediaStatus.Ready)
        {
            MediaRules.Finalize(m.SizeBytes, m.Sha256, size, sha256, null);
            return m;
        }
        Writable(m);
        var kept = MediaRules.Finalize(m.SizeBytes, m.Sha256, size, sha256, m.DeclaredSha256);
        var now = time.GetUtcNow();
        await using (var update = new NpgsqlCommand("""
            UPDATE axme_media SET status = @ready, finalized_at = @now WHERE service_id = @service AND upload_id = @id
            """, conn))
        {
            update.Parameters.AddWithValue("service", Service);
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("ready", MediaStatus.Ready);
            update.Parameters.AddWithValue("now", now);
            await update.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return m with { Status = MediaStatus.Ready, FinalizedAt = now, Sha256 = kept };
    }

    /// <summary>Copies a ready upload's bytes, in order, to a stream (the response body).</summary>
    public async Task CopyToAsync(Guid id, Stream destination, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT data FROM axme_media_chunks WHERE service_id = @service AND upload_id = @id ORDER BY seq");
        cmd.Parameters.AddWithValue("service", Service);
        cmd.Parameters.AddWithValue("id", id);
        await using var reader = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct))
        {
            await using var chunk = await reader.GetStreamAsync(0, ct);
            await chunk.CopyToAsync(destination, ct);
        }
    }

    /// <summary>Deletes an upload and its bytes (the caller's workspace only; 404 when there is none).</summary>
    public async Task DeleteAsync(Caller caller, Guid id, CancellationToken ct)
    {
        var m = await GetAsync(caller, id, ct);
        await using var cmd = db.CreateCommand("DELETE FROM axme_media WHERE service_id = @service AND upload_id = @id");
        cmd.Parameters.AddWithValue("service", Service);
        cmd.Parameters.AddWithValue("id", m.UploadId);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Removes up to <paramref name="limit"/> pending uploads that expired a while ago, with their bytes: run by each
    /// create-upload, so a node that takes uploads also sheds the abandoned ones (an expired upload still reads as
    /// "expired" for an hour after its expiry, then is gone).
    /// </summary>
    public async Task<int> PurgeExpiredAsync(int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            DELETE FROM axme_media WHERE service_id = @service AND upload_id IN (
                SELECT upload_id FROM axme_media WHERE service_id = @service AND status = 'pending' AND expires_at < @before
                ORDER BY expires_at LIMIT @limit FOR UPDATE SKIP LOCKED)
            """);
        cmd.Parameters.AddWithValue("service", Service);
        cmd.Parameters.AddWithValue("before", time.GetUtcNow() - TimeSpan.FromHours(1));
        cmd.Parameters.AddWithValue("limit", limit);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task<StoredMedia> LockAsync(NpgsqlConnection conn, Caller caller, Guid id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM axme_media WHERE service_id = @service AND upload_id = @id FOR UPDATE", conn);
        cmd.Parameters.AddWithValue("service", Service);
        cmd.Parameters.AddWithValue("id", id);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) && Read(reader) is var m && caller.CanAccess(m.OrgId, m.WorkspaceId) ? m : throw NotFound(id);
    }

    private void Writable(StoredMedia m)
    {
        if (m.Status == MediaStatus.Ready)
            throw new ProtocolException(409, "media_already_finalized", $"upload {m.UploadId} is finalized: its bytes can no longer change");
        if (MediaRules.Status(m.Status, m.ExpiresAt, time.GetUtcNow()) == MediaStatus.Expired)
            throw new ProtocolException(410, "media_upload_expired", $"upload {m.UploadId} expired at {Contracts.WireTime.Format(m.ExpiresAt)}: create a new one");
    }

    public static ProtocolException NotFound(Guid id) => ProtocolException.NotFound("media", id.ToString());

    private static StoredMedia Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
        r.GetInt64(7), r.IsDBNull(8) ? null : r.GetString(8), r.IsDBNull(9) ? null : r.GetInt64(9), r.IsDBNull(10) ? null : r.GetString(10),
        r.GetString(11), r.GetFieldValue<DateTimeOffset>(12), r.GetFieldValue<DateTimeOffset>(13),
        r.IsDBNull(14) ? null : r.GetFieldValue<DateTimeOffset>(14), r.IsDBNull(15) ? null : r.GetFieldValue<DateTimeOffset>(15));
}
