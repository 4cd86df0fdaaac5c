using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;

namespace Axme.Silo.Storage;

/// <summary>The statements of an intent's write, and the commands that carry them to PostgreSQL.</summary>
public sealed partial class IntentStore
{
    private const string Events = """
        ev AS (
            INSERT INTO axme_intent_events (service_id, intent_id, seq, doc)
            SELECT $1, $2, $15, $16
            WHERE $16 IS NOT NULL AND EXISTS (SELECT 1 FROM up))
        SELECT (SELECT version FROM up), (SELECT delivery_seq FROM up)
        """;

    // $1 service, $2 id, $3 status, $4 updated_at, $5 deadline_at, $6 doc, $7 deliverable, $8 lease_until,
    // $9 waiting_reason, $10 due_at, $11 waiting_child, $12 last_seq, $13 state, $14 to_agent, $15/$16 the events' row
    // (first seq, JSON array),
    // insert only: $17 org, $18 workspace, $19 type, $20 correlation, $21 from, $22 created_at; update only: $17 expected version.
    private const string InsertSql = $"""
        WITH up AS (
            INSERT INTO axme_intents (service_id, intent_id, status, updated_at, deadline_at, doc, delivery_seq, lease_until,
                waiting_reason, due_at, waiting_child, last_seq, state, to_agent, org_id, workspace_id, intent_type, correlation_id,
                from_agent, created_at, version)
            VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7 THEN nextval('axme_delivery_seq') END, $8, $9, $10, $11, $12, $13, $14,
                $17, $18, $19, $20, $21, $22, 1)
            ON CONFLICT (service_id, intent_id) DO NOTHING
            RETURNING version, delivery_seq),
        {Events}
        """;

    private const string UpdateSql = $"""
        WITH up AS (
            UPDATE axme_intents SET status = $3, updated_at = $4, deadline_at = $5, doc = $6,
                delivery_seq = CASE WHEN delivery_seq IS NULL AND $7 THEN nextval('axme_delivery_seq') ELSE delivery_seq END,
                lease_until = $8, waiting_reason = $9, due_at = $10, waiting_child = $11, last_seq = $12, state = $13, to_agent = $14,
                version = version + 1
            WHERE service_id = $1 AND intent_id = $2 AND version = $17
            RETURNING version, delivery_seq),
        {Events}
        """;

    // Write commands are kept and used again, their parameters with them: a write's 17-22 new NpgsqlParameter objects
    // were 11 % of the bytes the silo allocated per submit-only apply (dotnet-trace allocation ticks, 2026-12-07), and
    // each allocation brings the next garbage collection, whose pause lands on some request. A command is in one batch
    // at a time: taken here, given back once its batch is disposed. The bags hold at most what the lanes had in flight.
    private readonly ConcurrentBag<NpgsqlBatchCommand> _inserts = [], _updates = [];

    /// <summary>The parameters' types, in the order of the statements' $n ($1-$16 both, then the insert's or the update's own).</summary>
    private static readonly NpgsqlDbType[] Shared =
    [
        NpgsqlDbType.Varchar, NpgsqlDbType.Uuid, NpgsqlDbType.Text, NpgsqlDbType.TimestampTz, NpgsqlDbType.TimestampTz, NpgsqlDbType.Text,
        NpgsqlDbType.Boolean, NpgsqlDbType.TimestampTz, NpgsqlDbType.Text, NpgsqlDbType.TimestampTz, NpgsqlDbType.Uuid, NpgsqlDbType.Integer,
        NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Integer, NpgsqlDbType.Text,
    ];
    private static readonly NpgsqlDbType[] InsertOnly =
        [NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.TimestampTz];
    private static readonly NpgsqlDbType[] UpdateOnly = [NpgsqlDbType.Integer];

    private static NpgsqlBatchCommand NewWriteCommand(bool update)
    {
        var c = new NpgsqlBatchCommand(update ? UpdateSql : InsertSql);
        foreach (var type in Shared.Concat(update ? UpdateOnly : InsertOnly)) c.Parameters.Add(new() { NpgsqlDbType = type, Value = DBNull.Value });
        return c;
    }

    private NpgsqlBatchCommand WriteCommand(WriteOp op)
    {
        var r = op.Row;
        var i = r.Intent;
        var update = op.Expected is not null;
        if (!(update ? _updates : _inserts).TryTake(out var c)) c = NewWriteCommand(update);
        var p = c.Parameters;
        p[0].Value = _service;
        p[1].Value = op.Id;
        p[2].Value = i.Status;
        p[3].Value = i.UpdatedAt;
        p[4].Value = (object?)i.EffectiveDeadline ?? DBNull.Value;
        p[5].Value = r.Doc;
        p[6].Value = r.Deliverable;
        p[7].Value = (object?)i.LeaseUntil ?? DBNull.Value;
        p[8].Value = (object?)i.WaitingReason ?? DBNull.Value;
        p[9].Value = (object?)r.DueAt ?? DBNull.Value;
        p[10].Value = (object?)r.WaitingChild ?? DBNull.Value;
        p[11].Value = i.LastSeq;
        p[12].Value = r.State;
        p[13].Value = i.ToAgent;
        p[14].Value = (object?)r.FirstSeq ?? DBNull.Value;
        p[15].Value = (object?)r.Events ?? DBNull.Value;
        if (op.Expected is { } expected)
        {
            p[16].Value = expected;
            return c;
        }
        p[16].Value = i.OrgId;
        p[17].Value = i.WorkspaceId;
        p[18].Value = i.IntentType;
        p[19].Value = i.CorrelationId;
        p[20].Value = i.FromAgent;
        p[21].Value = i.CreatedAt;
        return c;
    }

    /// <summary>
    /// Back to its bag as new: holding no value (a kept row's JSON would otherwise live on into the old generations), and
    /// its text set again, which makes Npgsql forget the statement it prepared on this batch's connection (the next batch
    /// may run on another, which never had it: "prepared statement _auto1 does not exist"); there it is found by the text.
    /// </summary>
    private void Release(NpgsqlBatchCommand c)
    {
        foreach (NpgsqlParameter p in c.Parameters) p.Value = DBNull.Value;
        var update = c.CommandText == UpdateSql;
        c.CommandText = update ? UpdateSql : InsertSql;
        (update ? _updates : _inserts).Add(c);
    }

    /// <summary>A statement on one intent's rows by their key (the reads, the delete).</summary>
    private static NpgsqlBatchCommand Command(string sql, string service, object id)
    {
        var c = new NpgsqlBatchCommand(sql);
        c.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Varchar, Value = service });
        c.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Uuid, Value = id });
        return c;
    }
}
