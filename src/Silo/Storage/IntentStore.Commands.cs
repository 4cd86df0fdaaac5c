using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;

namespace Axme.Silo.Storage;

/// <summary>The statements of a batch's writes, and the commands that carry them to PostgreSQL.</summary>
/// <remarks>
/// A batch's creates go in one statement, each row a position in its array parameters ($2 on; $1 is the service), not
/// one statement per create: PostgreSQL starts and ends an executor per statement (opening the table and its eleven
/// indexes, preparing their expressions and predicates), as costly as a row's own work at the rows a batch holds under
/// load (docs/adr/043). Its updates stay one statement each: an update of many rows joins the arrays to the table, and
/// the plan PostgreSQL kept for that join, made while the table was small, scanned the whole table once it had grown
/// (ADR 043); a compare-and-set on one key has one plan at any size.
/// </remarks>
public sealed partial class IntentStore
{
    // $1 service, then the creates' columns, an array each ($2-$22).
    private const string InsertSql = """
        WITH v AS (
            SELECT * FROM unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::boolean[],
                $8::timestamptz[], $9::text[], $10::timestamptz[], $11::uuid[], $12::integer[], $13::text[], $14::text[], $15::integer[],
                $16::text[], $17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::timestamptz[])
            AS v(intent_id, status, updated_at, deadline_at, doc, deliverable, lease_until, waiting_reason, due_at, waiting_child,
                last_seq, state, to_agent, first_seq, events, org_id, workspace_id, intent_type, correlation_id, from_agent, created_at)),
        up AS (
            INSERT INTO axme_intents (service_id, intent_id, status, updated_at, deadline_at, doc, delivery_seq, lease_until,
                waiting_reason, due_at, waiting_child, last_seq, state, to_agent, org_id, workspace_id, intent_type, correlation_id,
                from_agent, created_at, version)
            SELECT $1, intent_id, status, updated_at, deadline_at, doc, CASE WHEN deliverable THEN nextval('axme_delivery_seq') END,
                lease_until, waiting_reason, due_at, waiting_child, last_seq, state, to_agent, org_id, workspace_id, intent_type,
                correlation_id, from_agent, created_at, 1
            FROM v
            ON CONFLICT (service_id, intent_id) DO NOTHING
            RETURNING intent_id, version, delivery_seq),
        ev AS (
            INSERT INTO axme_intent_events (service_id, intent_id, seq, doc)
            SELECT $1, v.intent_id, v.first_seq, v.events FROM v JOIN up USING (intent_id) WHERE v.events IS NOT NULL)
        SELECT intent_id, version, delivery_seq FROM up
        """;

    // $1 service, $2 id, $3 status, $4 updated_at, $5 deadline_at, $6 doc, $7 deliverable, $8 lease_until,
    // $9 waiting_reason, $10 due_at, $11 waiting_child, $12 last_seq, $13 state, $14 to_agent, $15/$16 the events' row
    // (first seq, JSON array), $17 expected version.
    private const string UpdateSql = """
        WITH up AS (
            UPDATE axme_intents SET status = $3, updated_at = $4, deadline_at = $5, doc = $6,
                delivery_seq = CASE WHEN delivery_seq IS NULL AND $7 THEN nextval('axme_delivery_seq') ELSE delivery_seq END,
                lease_until = $8, waiting_reason = $9, due_at = $10, waiting_child = $11, last_seq = $12, state = $13, to_agent = $14,
                version = version + 1
            WHERE service_id = $1 AND intent_id = $2 AND version = $17
            RETURNING version, delivery_seq),
        ev AS (
            INSERT INTO axme_intent_events (service_id, intent_id, seq, doc)
            SELECT $1, $2, $15, $16
            WHERE $16 IS NOT NULL AND EXISTS (SELECT 1 FROM up))
        SELECT (SELECT version FROM up), (SELECT delivery_seq FROM up)
        """;

    // Update commands are kept and used again, their parameters with them: a write's 17 new NpgsqlParameter objects were
    // 11 % of the bytes the silo allocated per submit-only apply (dotnet-trace allocation ticks, 2026-12-07), and each
    // allocation brings the next garbage collection, whose pause lands on some request. A command is in one batch at a
    // time: taken here, given back once its batch is disposed. The bag holds at most what the lanes had in flight.
    private readonly ConcurrentBag<NpgsqlBatchCommand> _updates = [];

    private static readonly NpgsqlDbType[] UpdateTypes =
    [
        NpgsqlDbType.Varchar, NpgsqlDbType.Uuid, NpgsqlDbType.Text, NpgsqlDbType.TimestampTz, NpgsqlDbType.TimestampTz, NpgsqlDbType.Text,
        NpgsqlDbType.Boolean, NpgsqlDbType.TimestampTz, NpgsqlDbType.Text, NpgsqlDbType.TimestampTz, NpgsqlDbType.Uuid, NpgsqlDbType.Integer,
        NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Integer, NpgsqlDbType.Text, NpgsqlDbType.Integer,
    ];

    /// <summary>The statement of one update: one row back, its version and delivery cursor, both null when the compare-and-set lost.</summary>
    private NpgsqlBatchCommand UpdateCommand(WriteOp op)
    {
        if (!_updates.TryTake(out var c))
        {
            c = new NpgsqlBatchCommand(UpdateSql);
            foreach (var type in UpdateTypes) c.Parameters.Add(new() { NpgsqlDbType = type, Value = DBNull.Value });
        }
        var r = op.Row;
        var i = r.Intent;
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
        p[16].Value = op.Expected!.Value;
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
        c.CommandText = UpdateSql;
        _updates.Add(c);
    }

    /// <summary>The statement of a batch's creates: a row back for each one written (id, version 1, delivery cursor); none for an id taken.</summary>
    private NpgsqlBatchCommand InsertCommand(IReadOnlyList<WriteOp> creates)
    {
        var c = new NpgsqlBatchCommand(InsertSql);
        c.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Varchar, Value = _service });
        Add(c, NpgsqlDbType.Uuid, creates, op => op.Id);
        Add(c, NpgsqlDbType.Text, creates, op => op.Row.Intent.Status);
        Add(c, NpgsqlDbType.TimestampTz, creates, op => op.Row.Intent.UpdatedAt);
        Add(c, NpgsqlDbType.TimestampTz, creates, op => op.Row.Intent.EffectiveDeadline);
        Add(c, NpgsqlDbType.Text, creates, op => op.Row.Doc);
        Add(c, NpgsqlDbType.Boolean, creates, op => op.Row.Deliverable);
        Add(c, NpgsqlDbType.TimestampTz, creates, op => op.Row.Intent.LeaseUntil);
        Add(c, NpgsqlDbType.Text, creates, op => op.Row.Intent.WaitingReason);
        Add(c, NpgsqlDbType.TimestampTz, creates, op => op.Row.DueAt);
        Add(c, NpgsqlDbType.Uuid, creates, op => op.Row.WaitingChild);
        Add(c, NpgsqlDbType.Integer, creates, op => op.Row.Intent.LastSeq);
        Add(c, NpgsqlDbType.Text, creates, op => op.Row.State);
        Add(c, NpgsqlDbType.Text, creates, op => op.Row.Intent.ToAgent);
        Add(c, NpgsqlDbType.Integer, creates, op => op.Row.FirstSeq);
        Add(c, NpgsqlDbType.Text, creates, op => op.Row.Events);
        Add(c, NpgsqlDbType.Text, creates, op => op.Row.Intent.OrgId);
        Add(c, NpgsqlDbType.Text, creates, op => op.Row.Intent.WorkspaceId);
        Add(c, NpgsqlDbType.Text, creates, op => op.Row.Intent.IntentType);
        Add(c, NpgsqlDbType.Text, creates, op => op.Row.Intent.CorrelationId);
        Add(c, NpgsqlDbType.Text, creates, op => op.Row.Intent.FromAgent);
        Add(c, NpgsqlDbType.TimestampTz, creates, op => op.Row.Intent.CreatedAt);
        return c;
    }

    /// <summary>One column of the creates: an array parameter with a value (or null) per row.</summary>
    private static void Add<T>(NpgsqlBatchCommand c, NpgsqlDbType type, IReadOnlyList<WriteOp> creates, Func<WriteOp, T> column)
    {
        var values = new T[creates.Count];
        for (var i = 0; i < values.Length; i++) values[i] = column(creates[i]);
        c.Parameters.Add(new NpgsqlParameter<T[]> { NpgsqlDbType = NpgsqlDbType.Array | type, TypedValue = values });
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
