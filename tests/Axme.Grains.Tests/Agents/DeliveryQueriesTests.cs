using Axme.Api;
using Axme.Api.Agents;
using Axme.Contracts;
using Axme.Grains.Interfaces.Agents;
using Axme.Silo.Hosting;
using Axme.Testing;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Axme.Grains.Tests.Agents;

/// <summary>
/// The agent stream's read of an agent's deliveries, on a database of its own with the node's schema: it returns the
/// deliveries after the cursor and every one never handed out (SUBMITTED) whatever its cursor, and it does so without
/// walking the deliveries handed out before the cursor, so a wake-up costs the same whatever the agent's backlog in
/// flight (PostgreSQL's own count of the rows the read took, pg_stat_user_tables and _indexes); and a poller's lease read,
/// which finds what it may lease without walking what the poller holds leased.
/// </summary>
public sealed class DeliveryQueriesTests : IAsyncLifetime
{
    private const string Service = "deliveries";
    private const string Agent = "agent://acme/prod/slow";
    private const int HandedOut = 2000;

    private string _cs = "";
    private NpgsqlDataSource _db = null!;
    private DeliveryQueries _queries = null!;

    private static readonly AgentRecord Record = new()
    {
        Address = Agent, ServiceAccountId = "sa_slow", OrgId = "acme", WorkspaceId = "prod", Name = "slow", Status = "active",
        CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch,
    };

    public async Task InitializeAsync()
    {
        _cs = await TestPostgres.CreateDatabaseAsync("axme_deliveries");
        _db = NpgsqlDataSource.Create(_cs);
        await SchemaMigrator.ApplyAsync(_db);
        _queries = new DeliveryQueries(_db, Options.Create(new ApiOptions { ServiceId = Service }));
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(_cs);
    }

    [Fact]
    public async Task A_read_after_the_cursor_skips_the_backlog_handed_out_before_it_and_still_finds_every_SUBMITTED_one()
    {
        // SUBMITTED below the cursor: 5 (a redelivery, or a cursor drawn before a larger one committed). Handed out and
        // not answered: 10-2009, the cursor 2009. SUBMITTED after it: 2010-2011; handed out after it: 2012; finished: 2013.
        const long cursor = HandedOut + 9;
        await InsertAsync("SUBMITTED", 5, 5, Agent);
        await InsertAsync("DELIVERED", 10, cursor, Agent);
        await InsertAsync("SUBMITTED", 2010, 2011, Agent);
        await InsertAsync("IN_PROGRESS", 2012, 2012, Agent);
        await InsertAsync("COMPLETED", 2013, 2013, Agent);
        await InsertAsync("SUBMITTED", 2014, 2014, "agent://acme/prod/other");
        await Exec("ANALYZE axme_intents");
        var before = await RowsReadAsync(null);

        var read = await _queries.AfterAsync(Record, cursor, IntentStatus.NonTerminal, [], CancellationToken.None);

        Assert.Equal([5L, 2010, 2011, 2012], read.Select(d => d.Cursor));
        var (scans, tuples) = await RowsReadAsync(before.Tuples + read.Count);
        Assert.InRange(tuples - before.Tuples, read.Count, 20); // the one index held all 2,000: the read took them all
        Assert.True(scans > before.Scans);

        // Only what the filter asks for, and the rows this wake-up already read are left out.
        Assert.Equal([2012L], (await _queries.AfterAsync(Record, cursor, [IntentStatus.InProgress], [], CancellationToken.None)).Select(d => d.Cursor));
        var skip = read.Take(2).Select(d => d.IntentId).ToArray();
        Assert.Equal([2011L, 2012], (await _queries.AfterAsync(Record, cursor, IntentStatus.NonTerminal, skip, CancellationToken.None)).Select(d => d.Cursor));
        Assert.Equal([5L, 2010, 2011], (await _queries.SubmittedAsync(Agent, 0, CancellationToken.None)).Select(d => d.Cursor));

        // The mesh's counts and the pollers' leases read the same two indexes.
        var work = await _queries.WorkAsync([Agent, "agent://acme/prod/other"], CancellationToken.None);
        Assert.Equal((HandedOut + 1L, 3L), work[Agent]);
        Assert.Equal((0L, 1L), work["agent://acme/prod/other"]);
        var leasable = await _queries.LeasableAsync(Agent, DateTimeOffset.UtcNow, 4, [], CancellationToken.None);
        Assert.Equal([5L, 10, 11, 12], leasable.Select(d => d.Cursor)); // oldest first, SUBMITTED and DELIVERED merged
        Assert.Equal([13L, 14, 15], (await _queries.LeasableAsync(Agent, DateTimeOffset.UtcNow, 3, leasable.Select(d => d.IntentId).ToArray(),
            CancellationToken.None)).Select(d => d.Cursor));
    }

    [Fact]
    public async Task A_lease_read_skips_the_deliveries_a_poller_holds_leased_and_finds_the_expired_ones_and_the_queued_ones_oldest_first()
    {
        // A poller holds 2,000 leases that run for another hour (cursors 10-2009). Leasable: 2010 (its lease ran out a
        // minute ago), 2011 (DELIVERED without a lease), 3 and 2012 (SUBMITTED); not 2013 (IN_PROGRESS).
        const string poller = "agent://acme/prod/poller";
        var now = DateTimeOffset.UtcNow;
        await InsertAsync("DELIVERED", 10, HandedOut + 9, poller, now.AddHours(1));
        await InsertAsync("DELIVERED", 2010, 2010, poller, now.AddMinutes(-1));
        await InsertAsync("DELIVERED", 2011, 2011, poller);
        await InsertAsync("SUBMITTED", 3, 3, poller);
        await InsertAsync("SUBMITTED", 2012, 2012, poller);
        await InsertAsync("IN_PROGRESS", 2013, 2013, poller, now.AddMinutes(-1));
        await Exec("ANALYZE axme_intents");
        var before = await RowsReadAsync(null);

        var leasable = await _queries.LeasableAsync(poller, now, 10, [], CancellationToken.None);

        Assert.Equal([3L, 2010, 2011, 2012], leasable.Select(d => d.Cursor));
        var (scans, tuples) = await RowsReadAsync(before.Tuples + leasable.Count);
        Assert.InRange(tuples - before.Tuples, leasable.Count, 20); // in cursor order past the leased ones: 2,007
        Assert.True(scans > before.Scans);
        Assert.Equal([3L, 2010], (await _queries.LeasableAsync(poller, now, 2, [], CancellationToken.None)).Select(d => d.Cursor));
        // An hour on, every lease has run out: oldest first again.
        Assert.Equal([3L, 10, 11], (await _queries.LeasableAsync(poller, now.AddHours(2), 3, [], CancellationToken.None)).Select(d => d.Cursor));
    }

    private Task InsertAsync(string status, long fromSeq, long toSeq, string agent, DateTimeOffset? leaseUntil = null) => Exec("""
        INSERT INTO axme_intents (service_id, intent_id, org_id, workspace_id, status, intent_type, correlation_id, from_agent,
            to_agent, created_at, updated_at, version, doc, delivery_seq, lease_until)
        SELECT @service, gen_random_uuid(), 'acme', 'prod', @status, 'test.v1', gen_random_uuid()::text, 'agent://acme/prod/sender',
            @agent, now(), now(), 1, '{}', s, @lease::timestamptz
        FROM generate_series(@from, @to) s
        """, ("service", Service), ("status", status), ("agent", agent), ("from", fromSeq), ("to", toSeq),
        ("lease", (object?)leaseUntil ?? DBNull.Value));

    /// <summary>
    /// Scans of axme_intents started and rows they read (index entries, and rows of whole-table scans, so a plan that
    /// gives up on the indexes cannot hide its cost); with <paramref name="atLeast"/>, once the server shows at least
    /// that many rows read: a backend publishes its counts when it goes idle, within a second or so, and a read takes
    /// at least the rows it returns. (Not "more scans than before": the schema's own statements on the empty table
    /// publish a scan of no rows whenever their connection gets to it.)
    /// </summary>
    private async Task<(long Scans, long Tuples)> RowsReadAsync(long? atLeast)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(15); ; await Task.Delay(100))
        {
            await using var cmd = _db.CreateCommand("""
                SELECT seq_scan + coalesce(idx_scan, 0),
                       seq_tup_read + (SELECT coalesce(sum(idx_tup_read), 0) FROM pg_stat_user_indexes WHERE relname = 'axme_intents')::bigint
                FROM pg_stat_user_tables WHERE relname = 'axme_intents'
                """);
            await using var reader = await cmd.ExecuteReaderAsync();
            await reader.ReadAsync();
            var (scans, tuples) = (reader.GetInt64(0), reader.GetInt64(1));
            if (atLeast is null || tuples >= atLeast || DateTime.UtcNow > deadline) return (scans, tuples);
        }
    }

    private async Task Exec(string sql, params (string Name, object Value)[] parameters)
    {
        await using var cmd = _db.CreateCommand(sql);
        foreach (var (n, v) in parameters) cmd.Parameters.AddWithValue(n, v);
        await cmd.ExecuteNonQueryAsync();
    }
}
