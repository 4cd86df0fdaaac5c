using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Axme.Grains.Common;
using Axme.Grains.Intents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Npgsql;
using NpgsqlTypes;

namespace Axme.Silo.Storage;

/// <summary>
/// The intents' rows in PostgreSQL (Schema/002, docs/adr/016): one row per intent with typed columns, events
/// appended as rows, one row for the events of each write (docs/adr/033). Reads and writes are group-committed
/// (<see cref="GroupCommit{TItem}"/>): concurrent writes of many intents share one round trip and one transaction, and
/// nothing is acknowledged before that transaction committed. Every write is a compare-and-set on the row's version,
/// so a stale activation can never overwrite.
/// </summary>
public sealed partial class IntentStore : IAsyncDisposable
{
    /// <summary>Batches run side by side: one is sent while another waits for its commit.</summary>
    public const int Lanes = 2;
    public const int MaxBatch = 128;

    private readonly NpgsqlDataSource _db;
    private readonly string _service;
    private readonly GroupCommit<WriteOp> _writes;
    private readonly GroupCommit<ReadOp> _reads;

    public IntentStore(string connectionString, string serviceId)
    {
        // Its own pool (batch lanes and reads never wait behind API queries), with the node's connection settings:
        // every statement here has the same text each time, so it is prepared once per connection, then only bound.
        _db = NpgsqlDataSource.Create(Hosting.OrleansHosting.Tuned(connectionString));
        _service = serviceId;
        _writes = new GroupCommit<WriteOp>(RunWritesAsync, Lanes, MaxBatch);
        _reads = new GroupCommit<ReadOp>(RunReadsAsync, Lanes, MaxBatch);
    }

    /// <summary>The intent's row and events, or null when it was never written.</summary>
    public async Task<Stored?> ReadAsync(Guid intentId)
    {
        var op = new ReadOp(intentId);
        await _reads.EnqueueAsync(op);
        return op.Result;
    }

    /// <summary>
    /// Writes the intent (insert when <paramref name="expectedVersion"/> is null, else update if the stored version
    /// still is that) with the events after <paramref name="storedSeq"/>; returns the new version and the row's delivery
    /// cursor, or null when the compare-and-set failed (another activation wrote, or the row is not what the caller thinks).
    /// </summary>
    /// <remarks>
    /// Within a joint (<see cref="JointCommits.Current"/>, docs/adr/038) the first write is held until the second joins
    /// it, then both go in one transaction, or it goes alone when the joint is sealed.
    /// </remarks>
    public async Task<Written?> WriteAsync(Guid intentId, int? expectedVersion, int storedSeq, IntentState state)
    {
        var op = new WriteOp(intentId, expectedVersion, Row.Of(state, storedSeq));
        if (JointCommits.Current is { } joint)
        {
            if (!joint.TryJoin(op, held => _writes.EnqueueAsync((WriteOp)held), out var partner))
            {
                await op.Done; // held: sent by the write that joins it, or alone when the joint is sealed
                return op.Result;
            }
            op.Partner = (WriteOp?)partner;
        }
        await _writes.EnqueueAsync(op);
        return op.Result;
    }

    public async Task DeleteAsync(Guid intentId)
    {
        await using var batch = _db.CreateBatch();
        batch.BatchCommands.Add(Command("DELETE FROM axme_intent_events WHERE service_id = $1 AND intent_id = $2", _service, intentId));
        batch.BatchCommands.Add(Command("DELETE FROM axme_intents WHERE service_id = $1 AND intent_id = $2", _service, intentId));
        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>What a write stored: the row's new version, and its place in its agent's delivery order (delivery_seq) once it has one.</summary>
    public readonly record struct Written(int Version, long? DeliverySeq);

    private sealed class ReadOp(Guid id) : GroupCommit<ReadOp>.Pending
    {
        public Guid Id { get; } = id;
        public Stored? Result { get; set; }
    }

    private sealed class WriteOp(Guid id, int? expected, Row row) : GroupCommit<WriteOp>.Pending
    {
        public Guid Id { get; } = id;
        public int? Expected { get; } = expected;
        public Row Row { get; } = row;
        public Written? Result { get; set; }

        /// <summary>A write held in a joint that goes in this one's transaction, before it (docs/adr/038).</summary>
        public WriteOp? Partner { get; set; }

        /// <summary>This write and its partner, in the order they are sent.</summary>
        public IEnumerable<WriteOp> WithPartner() => Partner is { } p ? [p, this] : [this];
    }

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

    private async Task RunWritesAsync(IReadOnlyList<WriteOp> queued)
    {
        try
        {
            await WriteBatchAsync([.. queued.SelectMany(op => op.WithPartner())]);
        }
        catch (PostgresException) when (queued.Count > 1)
        {
            // A statement refused (the batch's transaction rolled back as a whole): each write alone (with its partner),
            // so only that one fails.
            foreach (var op in queued) await RunWritesAsync([op]);
        }
        catch (Exception e)
        {
            foreach (var op in queued.SelectMany(op => op.WithPartner())) op.Fail(e);
        }
    }

    /// <summary>One round trip, one implicit transaction: the results are handed out only after it committed.</summary>
    private async Task WriteBatchAsync(IReadOnlyList<WriteOp> ops)
    {
        var started = Stopwatch.GetTimestamp();
        var written = new Written?[ops.Count];
        var commands = new NpgsqlBatchCommand[ops.Count];
        try
        {
            await using var conn = await _db.OpenConnectionAsync();
            await using var batch = new NpgsqlBatch(conn);
            for (var i = 0; i < ops.Count; i++) batch.BatchCommands.Add(commands[i] = WriteCommand(ops[i]));
            await using var reader = await batch.ExecuteReaderAsync();
            for (var i = 0; i < ops.Count; i++)
            {
                if (i > 0) await reader.NextResultAsync();
                written[i] = await reader.ReadAsync() && !reader.IsDBNull(0)
                    ? new Written(reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetInt64(1)) : null;
            }
            while (await reader.NextResultAsync()) { }
        }
        finally
        {
            // Only once the reader and the batch are done with them (their disposal above, before this block runs).
            foreach (var c in commands) if (c is not null) Release(c);
        }
        AxmeMetrics.IntentStoreBatch("write", ops.Count, Stopwatch.GetElapsedTime(started));
        for (var i = 0; i < ops.Count; i++)
        {
            ops[i].Result = written[i];
            ops[i].Complete();
        }
    }

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
        // Setting the text forgets the statement Npgsql prepared for it on the last batch's connection (it would ask this
        // one for a statement it never had: "prepared statement _auto1 does not exist"); this one's is found by the text.
        else c.CommandText = update ? UpdateSql : InsertSql;
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

    /// <summary>Back to its bag, holding no value: a kept row's JSON would otherwise live on into the old generations.</summary>
    private void Release(NpgsqlBatchCommand c)
    {
        foreach (NpgsqlParameter p in c.Parameters) p.Value = DBNull.Value;
        (c.Parameters.Count == Shared.Length + UpdateOnly.Length ? _updates : _inserts).Add(c);
    }

    /// <summary>
    /// The rows and events of every intent in the batch, one round trip: two primary-key lookups per intent. (Not one
    /// statement over all ids: the generic plan of a prepared "= ANY" or a join on unnest(ids) is chosen while the
    /// tables are small and then walks whole indexes as they grow, 10,000 rows a read at 4,000 intents. A key
    /// lookup has one plan at any size.)
    /// </summary>
    private async Task RunReadsAsync(IReadOnlyList<ReadOp> ops)
    {
        var started = Stopwatch.GetTimestamp();
        var ids = ops.Select(o => o.Id).Distinct().ToArray();
        await using var conn = await _db.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(conn);
        foreach (var id in ids)
        {
            batch.BatchCommands.Add(Command("SELECT version, doc, state FROM axme_intents WHERE service_id = $1 AND intent_id = $2", _service, id));
            batch.BatchCommands.Add(Command("SELECT doc FROM axme_intent_events WHERE service_id = $1 AND intent_id = $2 ORDER BY seq", _service, id));
        }
        var found = new Dictionary<Guid, Stored>();
        await using (var reader = await batch.ExecuteReaderAsync())
        {
            for (var i = 0; i < ids.Length; i++)
            {
                if (i > 0) await reader.NextResultAsync();
                (int Version, string Doc, string? State)? row = await reader.ReadAsync()
                    ? (reader.GetInt32(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2))
                    : null;
                await reader.NextResultAsync();
                var events = new List<IntentEvent>();
                while (await reader.ReadAsync()) events.AddRange(EventsOf(reader.GetString(0)));
                if (row is { } r)
                    found[ids[i]] = new Stored(JsonSerializer.Deserialize<IntentRecord>(r.Doc, StorageJson.Options)!,
                        r.State is null ? new IntentExtras() : JsonSerializer.Deserialize<IntentExtras>(r.State, StorageJson.Options)!, events, r.Version);
            }
        }
        AxmeMetrics.IntentStoreBatch("read", ops.Count, Stopwatch.GetElapsedTime(started));
        foreach (var op in ops)
        {
            op.Result = found.GetValueOrDefault(op.Id);
            op.Complete();
        }
    }

    private static NpgsqlBatchCommand Command(string sql, string service, object id)
    {
        var c = new NpgsqlBatchCommand(sql);
        c.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Varchar, Value = service });
        c.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Uuid, Value = id });
        return c;
    }

    public async ValueTask DisposeAsync()
    {
        await _writes.DisposeAsync();
        await _reads.DisposeAsync();
        await _db.DisposeAsync();
    }
}
