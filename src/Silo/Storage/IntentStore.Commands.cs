using Npgsql;
using NpgsqlTypes;

namespace Axme.Silo.Storage;

/// <summary>The statements of a batch's writes, and the commands that carry them to PostgreSQL.</summary>
/// <remarks>
/// One statement for all the batch's inserts and one for all its updates, each row a position in the statement's
/// arrays ($2 on; $1 is the service), not one statement per write: PostgreSQL starts and ends an executor per
/// statement (opening the table and its eleven indexes, preparing their expressions and predicates), which cost as
/// much as a row's own work at the ~10 rows a batch holds under load (docs/adr/043). The store's connections allow only
/// nested loops over index scans (<see cref="IntentStore.KeyLookupsOnly"/>), so the update's join on the arrays probes
/// the primary key row by row whatever the table's size when its plan was made.
/// </remarks>
public sealed partial class IntentStore
{
    // The columns of both statements, in the order of their arrays ($2-$16).
    private const string Columns = """
        intent_id, status, updated_at, deadline_at, doc, deliverable, lease_until, waiting_reason, due_at, waiting_child,
        last_seq, state, to_agent, first_seq, events
        """;

    private const string SharedArrays = """
        $2::uuid[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::boolean[], $8::timestamptz[], $9::text[],
        $10::timestamptz[], $11::uuid[], $12::integer[], $13::text[], $14::text[], $15::integer[], $16::text[]
        """;

    private const string InsertSql = $"""
        WITH v AS (
            SELECT * FROM unnest({SharedArrays}, $17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::timestamptz[])
                AS v({Columns}, org_id, workspace_id, intent_type, correlation_id, from_agent, created_at)),
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

    private const string UpdateSql = $"""
        WITH up AS (
            UPDATE axme_intents t SET status = v.status, updated_at = v.updated_at, deadline_at = v.deadline_at, doc = v.doc,
                delivery_seq = CASE WHEN t.delivery_seq IS NULL AND v.deliverable THEN nextval('axme_delivery_seq') ELSE t.delivery_seq END,
                lease_until = v.lease_until, waiting_reason = v.waiting_reason, due_at = v.due_at, waiting_child = v.waiting_child,
                last_seq = v.last_seq, state = v.state, to_agent = v.to_agent, version = t.version + 1
            FROM unnest({SharedArrays}, $17::integer[]) AS v({Columns}, expected)
            WHERE t.service_id = $1 AND t.intent_id = v.intent_id AND t.version = v.expected
            RETURNING t.intent_id, t.version, t.delivery_seq, v.first_seq, v.events),
        ev AS (
            INSERT INTO axme_intent_events (service_id, intent_id, seq, doc)
            SELECT $1, intent_id, first_seq, events FROM up WHERE events IS NOT NULL)
        SELECT intent_id, version, delivery_seq FROM up
        """;

    /// <summary>
    /// The statement writing <paramref name="ops"/> (all inserts or all updates): it returns the id, new version and
    /// delivery cursor of each row it wrote; a write it did not (a lost compare-and-set) has no row.
    /// </summary>
    private NpgsqlBatchCommand WriteCommand(IReadOnlyList<WriteOp> ops, bool update)
    {
        var c = new NpgsqlBatchCommand(update ? UpdateSql : InsertSql);
        c.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Varchar, Value = _service });
        Add(c, NpgsqlDbType.Uuid, ops, op => op.Id);
        Add(c, NpgsqlDbType.Text, ops, op => op.Row.Intent.Status);
        Add(c, NpgsqlDbType.TimestampTz, ops, op => op.Row.Intent.UpdatedAt);
        Add(c, NpgsqlDbType.TimestampTz, ops, op => op.Row.Intent.EffectiveDeadline);
        Add(c, NpgsqlDbType.Text, ops, op => op.Row.Doc);
        Add(c, NpgsqlDbType.Boolean, ops, op => op.Row.Deliverable);
        Add(c, NpgsqlDbType.TimestampTz, ops, op => op.Row.Intent.LeaseUntil);
        Add(c, NpgsqlDbType.Text, ops, op => op.Row.Intent.WaitingReason);
        Add(c, NpgsqlDbType.TimestampTz, ops, op => op.Row.DueAt);
        Add(c, NpgsqlDbType.Uuid, ops, op => op.Row.WaitingChild);
        Add(c, NpgsqlDbType.Integer, ops, op => op.Row.Intent.LastSeq);
        Add(c, NpgsqlDbType.Text, ops, op => op.Row.State);
        Add(c, NpgsqlDbType.Text, ops, op => op.Row.Intent.ToAgent);
        Add(c, NpgsqlDbType.Integer, ops, op => op.Row.FirstSeq);
        Add(c, NpgsqlDbType.Text, ops, op => op.Row.Events);
        if (update)
        {
            Add(c, NpgsqlDbType.Integer, ops, op => op.Expected);
            return c;
        }
        Add(c, NpgsqlDbType.Text, ops, op => op.Row.Intent.OrgId);
        Add(c, NpgsqlDbType.Text, ops, op => op.Row.Intent.WorkspaceId);
        Add(c, NpgsqlDbType.Text, ops, op => op.Row.Intent.IntentType);
        Add(c, NpgsqlDbType.Text, ops, op => op.Row.Intent.CorrelationId);
        Add(c, NpgsqlDbType.Text, ops, op => op.Row.Intent.FromAgent);
        Add(c, NpgsqlDbType.TimestampTz, ops, op => op.Row.Intent.CreatedAt);
        return c;
    }

    /// <summary>One column of the rows: an array parameter with a value (or null) per write.</summary>
    private static void Add<T>(NpgsqlBatchCommand c, NpgsqlDbType type, IReadOnlyList<WriteOp> ops, Func<WriteOp, T> column)
    {
        var values = new T[ops.Count];
        for (var i = 0; i < values.Length; i++) values[i] = column(ops[i]);
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
