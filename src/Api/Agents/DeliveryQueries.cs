using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Axme.Api.Agents;

/// <summary>One pending delivery to an agent: the intent and its stream cursor.</summary>
public sealed record Delivery(Guid IntentId, long Cursor);

/// <summary>Reads an agent's deliveries from the view table (durable), so a listener that reconnects with its cursor misses nothing.</summary>
public sealed class DeliveryQueries(NpgsqlDataSource db, IOptions<ApiOptions> options)
{
    public const int Batch = 200;

    /// <summary>
    /// Deliveries after the cursor whose intent has one of the statuses, in cursor order. Intents still
    /// SUBMITTED (never handed out) are included whatever their cursor: a cursor is drawn before its
    /// transaction commits, so a smaller one can become visible after a larger one was already sent.
    /// Live statuses only (the default) read the two partial indexes of deliveries in flight, each in cursor order: the
    /// SUBMITTED ones from the first, the handed-out ones from the cursor on in the second, so a read never walks the
    /// agent's backlog of deliveries handed out before the cursor; a filter that asks for finished ones scans the
    /// agent's intents.
    /// Rows in <c>skip</c> are left out: those the stream read in this wake-up already (AgentStream).
    /// </summary>
    public async Task<IReadOnlyList<Delivery>> AfterAsync(AgentRecord agent, long since, IReadOnlyList<string> statuses, IReadOnlyCollection<Guid> skip,
        CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(statuses.Any(IntentStatus.IsTerminal)
            ? """
              SELECT intent_id, delivery_seq FROM axme_intents
              WHERE service_id = @service AND org_id = @org AND workspace_id = @ws AND to_agent = @agent AND delivery_seq IS NOT NULL
                AND axme_key(to_agent) = axme_key(@agent) AND status = ANY(@statuses) AND delivery_seq > CASE WHEN status = 'SUBMITTED' THEN 0 ELSE @since END
                AND NOT (intent_id = ANY(@skip))
              ORDER BY delivery_seq LIMIT @limit
              """
            : $"""
              SELECT intent_id, delivery_seq FROM (
                  (SELECT intent_id, delivery_seq FROM axme_intents
                   WHERE service_id = @service AND to_agent = @agent AND {Queued}
                     AND 'SUBMITTED' = ANY(@statuses) AND NOT (intent_id = ANY(@skip))
                   ORDER BY delivery_seq LIMIT @limit)
                  UNION ALL
                  (SELECT intent_id, delivery_seq FROM axme_intents
                   WHERE service_id = @service AND to_agent = @agent AND {HandedOut} AND delivery_seq > @since
                     AND status = ANY(@statuses) AND NOT (intent_id = ANY(@skip))
                   ORDER BY delivery_seq LIMIT @limit)) d
              ORDER BY delivery_seq LIMIT @limit
              """);
        cmd.Parameters.AddWithValue("service", options.Value.ServiceId);
        cmd.Parameters.AddWithValue("org", agent.OrgId);
        cmd.Parameters.AddWithValue("ws", agent.WorkspaceId);
        cmd.Parameters.AddWithValue("agent", agent.Address);
        cmd.Parameters.AddWithValue("statuses", statuses.ToArray());
        cmd.Parameters.AddWithValue("since", since);
        cmd.Parameters.AddWithValue("skip", skip.ToArray());
        cmd.Parameters.AddWithValue("limit", Batch);
        return await ReadAsync(cmd, ct);
    }

    /// <summary>
    /// Per agent: intents handed out and not finished (in flight), and intents not yet handed out (queued), from the
    /// partial indexes of live deliveries (the mesh's list).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, (long InFlight, long Queued)>> WorkAsync(IReadOnlyList<string> agents, CancellationToken ct)
    {
        var work = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        if (agents.Count == 0) return work;
        await using var cmd = db.CreateCommand($"""
            SELECT to_agent, count(*) FILTER (WHERE NOT queued), count(*) FILTER (WHERE queued) FROM (
                SELECT to_agent, true AS queued FROM axme_intents WHERE service_id = @service AND to_agent = ANY(@agents) AND {Queued}
                UNION ALL
                SELECT to_agent, false FROM axme_intents WHERE service_id = @service AND to_agent = ANY(@agents) AND {HandedOut}) d
            GROUP BY to_agent
            """);
        cmd.Parameters.AddWithValue("service", options.Value.ServiceId);
        cmd.Parameters.AddWithValue("agents", agents.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) work[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        return work;
    }

    /// <summary>Spelled out in each query, so the planner can use the partial indexes of live deliveries (a parameter cannot prove them).</summary>
    private const string Queued = "delivery_seq IS NOT NULL AND status = 'SUBMITTED'";

    /// <inheritdoc cref="Queued"/>
    private const string HandedOut = "delivery_seq IS NOT NULL AND status NOT IN ('SUBMITTED', 'COMPLETED', 'FAILED', 'CANCELED', 'TIMED_OUT')";

    /// <inheritdoc cref="Queued"/>
    private const string LeaseHeld = "delivery_seq IS NOT NULL AND status = 'DELIVERED'";

    /// <summary>The lease-expiry index's expression (002_axme_intents_view.sql): the planner uses it only when spelled the same.</summary>
    private const string LeaseExpiry = "coalesce(lease_until, '-infinity'::timestamptz)";

    /// <summary>Intents addressed to the agent and never handed out, after a cursor, in cursor order.</summary>
    public async Task<IReadOnlyList<Delivery>> SubmittedAsync(string agent, long after, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT intent_id, delivery_seq FROM axme_intents
            WHERE service_id = @service AND to_agent = @agent AND {Queued} AND delivery_seq > @after
            ORDER BY delivery_seq LIMIT @limit
            """);
        cmd.Parameters.AddWithValue("service", options.Value.ServiceId);
        cmd.Parameters.AddWithValue("agent", agent);
        cmd.Parameters.AddWithValue("after", after);
        cmd.Parameters.AddWithValue("limit", Batch);
        return await ReadAsync(cmd, ct);
    }

    /// <summary>
    /// Deliveries a poller may lease now: not finished, not leased (or the lease ran out), oldest first. The SUBMITTED
    /// ones in cursor order, the DELIVERED ones by their lease's expiry (its own partial index), so the deliveries the
    /// agent holds leased are never read; those whose lease ran out are few, and all of them are wanted.
    /// </summary>
    public async Task<IReadOnlyList<Delivery>> LeasableAsync(string agent, DateTimeOffset now, int limit, IReadOnlyCollection<Guid> skip, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT intent_id, delivery_seq FROM (
                (SELECT intent_id, delivery_seq FROM axme_intents
                 WHERE service_id = @service AND to_agent = @agent AND {Queued}
                   AND (lease_until IS NULL OR lease_until <= @now) AND NOT (intent_id = ANY(@skip))
                 ORDER BY delivery_seq LIMIT @limit)
                UNION ALL
                SELECT intent_id, delivery_seq FROM axme_intents
                WHERE service_id = @service AND to_agent = @agent AND {LeaseHeld} AND {LeaseExpiry} <= @now
                  AND NOT (intent_id = ANY(@skip))) d
            ORDER BY delivery_seq LIMIT @limit
            """);
        cmd.Parameters.AddWithValue("service", options.Value.ServiceId);
        cmd.Parameters.AddWithValue("agent", agent);
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("limit", limit);
        cmd.Parameters.AddWithValue("skip", skip.ToArray());
        return await ReadAsync(cmd, ct);
    }

    private static async Task<IReadOnlyList<Delivery>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<Delivery>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) list.Add(new Delivery(reader.GetGuid(0), reader.GetInt64(1)));
        return list;
    }
}
