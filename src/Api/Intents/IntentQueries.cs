using System.Globalization;
using System.Text;
using System.Text.Json;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Axme.Api.Intents;

/// <summary>Filters of GET /v1/intents.</summary>
public sealed record IntentFilter(
    string OrgId, string WorkspaceId, IReadOnlyList<string>? Statuses, string? ToAgent, string? FromAgent,
    string? IntentType, string? CorrelationId, int Limit, string? Cursor, string? WaitingReason = null);

/// <summary>
/// Reads axme_intents, the intent grains' own rows (typed columns written with each transition, docs/adr/016);
/// lists never scan grains.
/// </summary>
public sealed class IntentQueries(NpgsqlDataSource db, IOptions<ApiOptions> options, IGrainFactory grains)
{
    public async Task<(IReadOnlyList<IntentRecord> Intents, string? NextCursor)> ListAsync(IntentFilter f, CancellationToken ct)
    {
        // axme_scope/axme_key: the fixed-width keys the list indexes are built on (002_axme_intents_view.sql).
        var sql = new StringBuilder("""
            SELECT doc, updated_at, intent_id FROM axme_intents
            WHERE axme_scope(service_id, org_id, workspace_id) = axme_scope(@service, @org, @ws)
              AND service_id = @service AND org_id = @org AND workspace_id = @ws
            """);
        await using var cmd = db.CreateCommand();
        cmd.Parameters.AddWithValue("service", options.Value.ServiceId);
        cmd.Parameters.AddWithValue("org", f.OrgId);
        cmd.Parameters.AddWithValue("ws", f.WorkspaceId);
        void Where(string column, string? value, bool keyed = false)
        {
            if (value is null) return;
            sql.Append($" AND {column} = @{column}");
            if (keyed) sql.Append($" AND axme_key({column}) = axme_key(@{column})");
            cmd.Parameters.AddWithValue(column, value);
        }
        Where("to_agent", f.ToAgent, keyed: true);
        Where("from_agent", f.FromAgent);
        Where("intent_type", f.IntentType);
        Where("correlation_id", f.CorrelationId, keyed: true);
        if (f.WaitingReason is not null)
        {
            sql.Append(" AND waiting_reason = @waiting_reason");
            cmd.Parameters.AddWithValue("waiting_reason", f.WaitingReason);
        }
        if (f.Statuses is { Count: > 0 })
        {
            sql.Append(" AND status = ANY(@statuses)");
            // Spelled out, so the planner can use the partial index of live intents (a parameter cannot prove it).
            if (!f.Statuses.Any(IntentStatus.IsTerminal)) sql.Append(" AND status NOT IN ('COMPLETED', 'FAILED', 'CANCELED', 'TIMED_OUT')");
            cmd.Parameters.AddWithValue("statuses", f.Statuses.ToArray());
        }
        if (f.Cursor is not null)
        {
            var (updatedAt, id) = DecodeCursor(f.Cursor);
            sql.Append(" AND (updated_at, intent_id) < (@cursor_at, @cursor_id)");
            cmd.Parameters.AddWithValue("cursor_at", NpgsqlDbType.TimestampTz, updatedAt);
            cmd.Parameters.AddWithValue("cursor_id", id);
        }
        sql.Append(" ORDER BY updated_at DESC, intent_id DESC LIMIT @limit");
        cmd.Parameters.AddWithValue("limit", f.Limit + 1);
        cmd.CommandText = sql.ToString();

        var rows = new List<(IntentRecord Intent, DateTime At, Guid Id)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var intent = JsonSerializer.Deserialize<IntentRecord>(reader.GetString(0), StorageJson.Options)!;
            rows.Add((intent, reader.GetFieldValue<DateTime>(1), reader.GetGuid(2)));
        }
        string? next = null;
        if (rows.Count > f.Limit)
        {
            rows.RemoveAt(rows.Count - 1);
            next = EncodeCursor(rows[^1].At, rows[^1].Id);
        }
        return (rows.Select(r => r.Intent).ToArray(), next);
    }

    /// <summary>
    /// The intents waiting for a human (GET /v1/me/tasks and the web inbox), longest waiting first: for a human
    /// user's key the tasks that user may answer (ADR 009), for any other key every one of its workspace (§7.3).
    /// </summary>
    public async Task<IReadOnlyList<IntentRecord>> PendingTasksAsync(Caller caller, int limit, CancellationToken ct)
    {
        var (waiting, _) = await ListAsync(new IntentFilter(caller.OrgId, caller.WorkspaceId, [IntentStatus.Waiting], null, null, null, null,
            limit, null, WaitingReason.Human), ct);
        var tasks = waiting.Where(i => i.HumanTaskJson is not null);
        if (caller.IsHuman)
        {
            var human = Grains.Interfaces.Humans.HumanIdentity.Of(await grains.GetGrain<Grains.Interfaces.Accounts.IServiceAccountGrain>(caller.ServiceAccountId).GetAsync());
            tasks = tasks.Where(i => Grains.Interfaces.Humans.TaskAccess.CanAnswer(caller, human, i));
        }
        return [.. tasks.OrderBy(i => i.WaitingSince ?? i.UpdatedAt)];
    }

    /// <summary>
    /// Recently finished intents that had a human task (the inbox's "answered" list), newest first: for a human
    /// user the ones they answered, for any other key the workspace's.
    /// </summary>
    public async Task<IReadOnlyList<IntentRecord>> AnsweredTasksAsync(Caller caller, int limit, CancellationToken ct)
    {
        var (done, _) = await ListAsync(new IntentFilter(caller.OrgId, caller.WorkspaceId, [IntentStatus.Completed, IntentStatus.Canceled],
            null, null, null, null, limit * 4, null), ct);
        return [.. done.Where(i => i.HumanTaskJson is not null && (!caller.IsHuman || i.AnsweredBy == caller.AgentAddress)).Take(limit)];
    }

    /// <summary>
    /// Some live (non-terminal) intents a workspace still has, up to <paramref name="limit"/>: created in it, or addressed
    /// to one of <paramref name="agents"/> (its accounts). Archiving a workspace waits until there are none (docs/adr/026).
    /// </summary>
    public async Task<IReadOnlyList<Guid>> LiveAsync(string orgId, string workspaceId, IReadOnlyList<string> agents, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            (SELECT intent_id FROM axme_intents
             WHERE axme_scope(service_id, org_id, workspace_id) = axme_scope(@service, @org, @ws)
               AND service_id = @service AND org_id = @org AND workspace_id = @ws
               AND status NOT IN ('COMPLETED', 'FAILED', 'CANCELED', 'TIMED_OUT')
             LIMIT @limit)
            UNION
            (SELECT intent_id FROM axme_intents
             WHERE axme_key(to_agent) IN (SELECT axme_key(a) FROM unnest(@agents) a) AND to_agent = ANY(@agents)
               AND service_id = @service AND status NOT IN ('COMPLETED', 'FAILED', 'CANCELED', 'TIMED_OUT')
             LIMIT @limit)
            LIMIT @limit
            """);
        cmd.Parameters.AddWithValue("service", options.Value.ServiceId);
        cmd.Parameters.AddWithValue("org", orgId);
        cmd.Parameters.AddWithValue("ws", workspaceId);
        cmd.Parameters.AddWithValue("agents", agents.ToArray());
        cmd.Parameters.AddWithValue("limit", limit);
        var ids = new List<Guid>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
        return ids;
    }

    /// <summary>
    /// Non-terminal intents of a workspace not updated since the given time (bulk cancel); for a non-admin
    /// only those it may change: sent by it or addressed to it.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> InactiveAsync(Caller caller, IReadOnlyList<string> statuses,
        DateTimeOffset updatedBefore, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT intent_id FROM axme_intents
            WHERE axme_scope(service_id, org_id, workspace_id) = axme_scope(@service, @org, @ws)
              AND service_id = @service AND org_id = @org AND workspace_id = @ws
              AND status = ANY(@statuses) AND updated_at < @before
              AND (@admin OR from_agent = @self OR to_agent = @self)
            ORDER BY updated_at LIMIT @limit
            """);
        cmd.Parameters.AddWithValue("admin", caller.IsAdmin);
        cmd.Parameters.AddWithValue("self", caller.AgentAddress);
        cmd.Parameters.AddWithValue("service", options.Value.ServiceId);
        cmd.Parameters.AddWithValue("org", caller.OrgId);
        cmd.Parameters.AddWithValue("ws", caller.WorkspaceId);
        cmd.Parameters.AddWithValue("statuses", statuses.ToArray());
        cmd.Parameters.AddWithValue("before", NpgsqlDbType.TimestampTz, updatedBefore.UtcDateTime);
        cmd.Parameters.AddWithValue("limit", limit);
        var ids = new List<Guid>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
        return ids;
    }

    private static string EncodeCursor(DateTime at, Guid id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{at.Ticks}:{id}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (DateTime, Guid) DecodeCursor(string cursor)
    {
        try
        {
            var b64 = cursor.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(b64)).Split(':');
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks <= DateTime.MaxValue.Ticks && Guid.TryParse(parts[1], out var id))
                return (new DateTime(ticks, DateTimeKind.Utc), id);
        }
        catch (FormatException)
        {
            // not base64: refused below
        }
        throw ProtocolException.Invalid("cursor", "cursor is not a cursor this server issued", "invalid_cursor");
    }
}
