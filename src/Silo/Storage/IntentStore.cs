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
        _db = NpgsqlDataSource.Create(GenericPlans(Hosting.OrleansHosting.Tuned(connectionString)));
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

    private async Task RunWritesAsync(IReadOnlyList<WriteOp> queued)
    {
        try
        {
            List<WriteOp> writes = [.. queued.SelectMany(op => op.WithPartner())];
            // Created rows are matched to their writes by id: should two writes of one intent meet in a batch (two
            // activations, never one), each goes alone (a write and its partner are two intents).
            if (queued.Count > 1 && writes.DistinctBy(op => op.Id).Count() != writes.Count)
                foreach (var op in queued) await RunWritesAsync([op]);
            else await WriteBatchAsync(writes);
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

    /// <summary>
    /// One round trip, one implicit transaction: the creates' statement, then each update's. The results are handed out
    /// only after it committed.
    /// </summary>
    private async Task WriteBatchAsync(IReadOnlyList<WriteOp> ops)
    {
        var started = Stopwatch.GetTimestamp();
        var creates = ops.Where(op => op.Expected is null).ToList();
        var updates = ops.Where(op => op.Expected is not null).ToList();
        var created = new Dictionary<Guid, Written>(creates.Count);
        var updated = new Written?[updates.Count];
        var commands = new NpgsqlBatchCommand[updates.Count];
        try
        {
            await using var conn = await _db.OpenConnectionAsync();
            await using var batch = new NpgsqlBatch(conn);
            if (creates.Count > 0) batch.BatchCommands.Add(InsertCommand(creates));
            for (var i = 0; i < updates.Count; i++) batch.BatchCommands.Add(commands[i] = UpdateCommand(updates[i]));
            await using var reader = await batch.ExecuteReaderAsync();
            if (creates.Count > 0)
            {
                while (await reader.ReadAsync())
                    created[reader.GetGuid(0)] = new Written(reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetInt64(2));
                await reader.NextResultAsync();
            }
            for (var i = 0; i < updates.Count; i++)
            {
                if (i > 0) await reader.NextResultAsync();
                updated[i] = await reader.ReadAsync() && !reader.IsDBNull(0)
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
        foreach (var op in creates) op.Result = created.TryGetValue(op.Id, out var w) ? w : null;
        for (var i = 0; i < updates.Count; i++) updates[i].Result = updated[i];
        foreach (var op in ops) op.Complete();
    }

    /// <summary>
    /// The store's connection string: each prepared statement keeps its generic plan. The creates' statement is costed
    /// for ten rows of its arrays, so a custom plan for the one row given looks cheaper and PostgreSQL would plan it again
    /// at every execution of one row (at concurrency 1, every create). Its plan does not depend on the table's size, and
    /// the other statements look up one key, which has one plan at any size.
    /// </summary>
    private static string GenericPlans(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        b.Options = $"{b.Options} -c plan_cache_mode=force_generic_plan".Trim();
        return b.ConnectionString;
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

    public async ValueTask DisposeAsync()
    {
        await _writes.DisposeAsync();
        await _reads.DisposeAsync();
        await _db.DisposeAsync();
    }
}
