using System.Text;
using System.Text.Json.Nodes;
using Axme.Contracts;
using Axme.Grains.Interfaces.Common;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Axme.Api.Audit;

/// <summary>What an audit row is about.</summary>
public sealed record AuditEntry(
    string Action, string Outcome, string? OrgId, string? WorkspaceId, string? TargetType, string? TargetId, JsonObject? Details = null);

/// <summary>
/// The audit log (docs/adr/028): security-relevant actions written to axme_audit_events by the request that did them,
/// before its answer, so an acknowledged change always has its row. Read by admins, and by an organization's owners,
/// admins and security auditors for their organization.
/// </summary>
public sealed class AuditLog(NpgsqlDataSource db, IOptions<ApiOptions> options)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    /// <summary>Records one action of <paramref name="caller"/> (null: not signed in, e.g. a failed sign-in; <paramref name="actor"/> names who tried).</summary>
    public async Task RecordAsync(HttpContext http, Caller? caller, AuditEntry entry, string? actor = null)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO axme_audit_events (service_id, org_id, workspace_id, action, outcome, actor_id, actor_address, actor_kind, session_id,
                                           target_type, target_id, source_ip, user_agent, details)
            VALUES (@service, @org, @ws, @action, @outcome, @actor, @address, @kind, @session, @target_type, @target_id, @ip, @ua, @details)
            """);
        cmd.Parameters.AddWithValue("service", options.Value.ServiceId);
        cmd.Parameters.AddWithValue("org", (object?)entry.OrgId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("ws", (object?)entry.WorkspaceId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("action", entry.Action);
        cmd.Parameters.AddWithValue("outcome", entry.Outcome);
        cmd.Parameters.AddWithValue("actor", (object?)caller?.ServiceAccountId ?? (object?)actor ?? DBNull.Value);
        cmd.Parameters.AddWithValue("address", (object?)caller?.AgentAddress ?? DBNull.Value);
        cmd.Parameters.AddWithValue("kind", caller is null ? "anonymous" : caller.IsAdmin ? "admin" : caller.IsHuman ? "person" : "agent");
        cmd.Parameters.AddWithValue("session", (object?)caller?.SessionId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("target_type", (object?)entry.TargetType ?? DBNull.Value);
        cmd.Parameters.AddWithValue("target_id", (object?)entry.TargetId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("ip", (object?)http.Connection.RemoteIpAddress?.ToString() ?? DBNull.Value);
        var ua = http.Request.Headers.UserAgent.ToString();
        cmd.Parameters.AddWithValue("ua", ua.Length == 0 ? DBNull.Value : ua[..Math.Min(ua.Length, 200)]);
        cmd.Parameters.AddWithValue("details", (entry.Details ?? []).ToJsonString());
        await cmd.ExecuteNonQueryAsync(http.RequestAborted);
    }

    /// <summary>Events newest first, filtered; the cursor is the last event id of the previous page.</summary>
    public async Task<AuditEventPage> ListAsync(AuditFilter f, CancellationToken ct)
    {
        var sql = new StringBuilder("SELECT event_id, at, org_id, workspace_id, action, outcome, actor_id, actor_address, actor_kind, session_id, " +
                                    "target_type, target_id, source_ip, user_agent, details FROM axme_audit_events WHERE service_id = @service");
        await using var cmd = db.CreateCommand();
        cmd.Parameters.AddWithValue("service", options.Value.ServiceId);
        void Where(string condition, string name, object? value)
        {
            if (value is null) return;
            sql.Append(" AND ").Append(condition);
            cmd.Parameters.AddWithValue(name, value);
        }
        Where("org_id = @org", "org", f.OrgId);
        Where("workspace_id = @ws", "ws", f.WorkspaceId);
        Where("starts_with(action, @prefix)", "prefix", f.ActionPrefix);
        Where("actor_id = @actor", "actor", f.ActorId);
        Where("actor_address = @address", "address", f.ActorAddress);
        Where("at >= @since", "since", f.Since?.UtcDateTime);
        Where("at < @until", "until", f.Until?.UtcDateTime);
        Where("event_id < @cursor", "cursor", f.Cursor);
        sql.Append(" ORDER BY event_id DESC LIMIT @limit");
        cmd.Parameters.AddWithValue("limit", f.Limit + 1);
        cmd.CommandText = sql.ToString();
        var events = new List<AuditEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            string? S(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            events.Add(new AuditEvent
            {
                EventId = reader.GetInt64(0).ToString(System.Globalization.CultureInfo.InvariantCulture),
                At = new DateTimeOffset(reader.GetFieldValue<DateTime>(1), TimeSpan.Zero), OrgId = S(2), WorkspaceId = S(3), Action = reader.GetString(4),
                Outcome = reader.GetString(5), ActorId = S(6), ActorAddress = S(7), ActorKind = reader.GetString(8), SessionId = S(9), TargetType = S(10),
                TargetId = S(11), SourceIp = S(12), UserAgent = S(13), Details = JsonNode.Parse(reader.GetString(14))?.AsObject() ?? [],
            });
        }
        var more = events.Count > f.Limit;
        if (more) events.RemoveAt(events.Count - 1);
        return new AuditEventPage { Events = events, NextCursor = more ? events[^1].EventId : null };
    }
}

/// <summary>Filters of GET /v1/audit/events.</summary>
public sealed record AuditFilter(
    string? OrgId, string? WorkspaceId, string? ActionPrefix, string? ActorId, string? ActorAddress, DateTimeOffset? Since, DateTimeOffset? Until,
    long? Cursor, int Limit);
