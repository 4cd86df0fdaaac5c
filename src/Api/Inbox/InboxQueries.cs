using System.Globalization;
using System.Text;
using System.Text.Json;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Inbox;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Axme.Api.Inbox;

/// <summary>Which threads a list or change feed covers: a workspace, optionally one owner and one status.</summary>
public sealed record InboxFilter(string OrgId, string WorkspaceId, string? OwnerAgent, string? Status);

/// <summary>One entry of the change feed: the thread as it is now and the cursor of its latest change.</summary>
public sealed record InboxChange(string Cursor, InboxThread Thread);

/// <summary>
/// Reads the axme_inbox_threads view table, which a trigger keeps equal to the thread grains' stored
/// state (Schema/003_axme_inbox.sql); lists never scan grains.
/// </summary>
public sealed class InboxQueries(NpgsqlDataSource db, IOptions<ApiOptions> options)
{
    /// <summary>Newest first.</summary>
    public async Task<IReadOnlyList<InboxThread>> ListAsync(InboxFilter f, int limit, CancellationToken ct)
    {
        await using var cmd = Command(f, "ORDER BY updated_at DESC, thread_id DESC LIMIT @limit");
        cmd.Parameters.AddWithValue("limit", limit);
        var list = new List<InboxThread>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) list.Add(Thread(reader.GetString(0)));
        return list;
    }

    /// <summary>Threads changed after the cursor, oldest change first; one more than the limit tells whether more follow.</summary>
    public async Task<(IReadOnlyList<InboxChange> Changes, bool HasMore)> ChangesAsync(InboxFilter f, long after, int limit, CancellationToken ct)
    {
        await using var cmd = Command(f, "AND change_seq > @after ORDER BY change_seq LIMIT @limit");
        cmd.Parameters.AddWithValue("after", after);
        cmd.Parameters.AddWithValue("limit", limit + 1);
        var list = new List<InboxChange>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) list.Add(new InboxChange(EncodeCursor(reader.GetInt64(1)), Thread(reader.GetString(0))));
        var hasMore = list.Count > limit;
        if (hasMore) list.RemoveAt(list.Count - 1);
        return (list, hasMore);
    }

    /// <summary>A cursor is the change sequence number, zero-padded to 16 digits (opaque to clients, 3–128 characters).</summary>
    public static string EncodeCursor(long seq) => seq.ToString("D16", CultureInfo.InvariantCulture);

    public static long DecodeCursor(string cursor) =>
        cursor.Length is >= 3 and <= 128 && cursor.All(char.IsAsciiDigit)
            && long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            ? seq
            : throw ProtocolException.Invalid("cursor", "cursor is not a cursor this server issued", "invalid_cursor");

    private NpgsqlCommand Command(InboxFilter f, string tail)
    {
        var sql = new StringBuilder("SELECT doc, change_seq FROM axme_inbox_threads WHERE service_id = @service AND org_id = @org AND workspace_id = @ws");
        var cmd = db.CreateCommand();
        cmd.Parameters.AddWithValue("service", options.Value.ServiceId);
        cmd.Parameters.AddWithValue("org", f.OrgId);
        cmd.Parameters.AddWithValue("ws", f.WorkspaceId);
        if (f.OwnerAgent is not null)
        {
            sql.Append(" AND owner_agent = @owner");
            cmd.Parameters.AddWithValue("owner", f.OwnerAgent);
        }
        if (f.Status is not null)
        {
            sql.Append(" AND status = @status");
            cmd.Parameters.AddWithValue("status", f.Status);
        }
        cmd.CommandText = sql.Append(' ').Append(tail).ToString();
        return cmd;
    }

    private static InboxThread Thread(string doc) => JsonSerializer.Deserialize<InboxThread>(doc, StorageJson.Options)!;
}
