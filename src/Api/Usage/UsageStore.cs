using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Tenancy;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Axme.Api.Usage;

/// <summary>
/// Usage in PostgreSQL (docs/adr/029): counted events in axme_usage's hourly buckets; levels read where they are
/// held (media bytes in axme_media, open human tasks in axme_intents, accounts in the workspace grain).
/// </summary>
public sealed class UsageStore(NpgsqlDataSource db, IGrainFactory grains, IOptions<ApiOptions> options) : IUsageStore
{
    private string Service => options.Value.ServiceId;

    public async Task AddAsync(IReadOnlyList<UsageIncrement> increments, CancellationToken ct)
    {
        if (increments.Count == 0) return;
        // One statement for the whole flush; TakePending gives each bucket once, so no row is hit twice.
        await using var cmd = db.CreateCommand("""
            INSERT INTO axme_usage (service_id, org_id, workspace_id, dimension, hour, amount)
            SELECT @service, o, w, d, h, a FROM unnest(@orgs, @wss, @dims, @hours, @amounts) AS t(o, w, d, h, a)
            ON CONFLICT (service_id, org_id, workspace_id, dimension, hour) DO UPDATE SET amount = axme_usage.amount + EXCLUDED.amount
            """);
        cmd.Parameters.AddWithValue("service", Service);
        cmd.Parameters.AddWithValue("orgs", increments.Select(i => i.OrgId).ToArray());
        cmd.Parameters.AddWithValue("wss", increments.Select(i => i.WorkspaceId).ToArray());
        cmd.Parameters.AddWithValue("dims", increments.Select(i => i.Dimension).ToArray());
        cmd.Parameters.AddWithValue("hours", increments.Select(i => i.Hour).ToArray());
        cmd.Parameters.AddWithValue("amounts", increments.Select(i => i.Amount).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<long> TotalAsync(string orgId, string workspaceId, string dimension, DateTimeOffset from, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT COALESCE(SUM(amount), 0)::bigint FROM axme_usage
            WHERE service_id = @service AND org_id = @org AND workspace_id = @ws AND dimension = @dim AND hour >= @from
            """);
        Scope(cmd, orgId, workspaceId);
        cmd.Parameters.AddWithValue("dim", dimension);
        cmd.Parameters.AddWithValue("from", from);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task<IReadOnlyDictionary<(string OrgId, string WorkspaceId, string Dimension), long>> TotalsAsync(DateTimeOffset from, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT org_id, workspace_id, dimension, SUM(amount)::bigint FROM axme_usage
            WHERE service_id = @service AND hour >= @from GROUP BY 1, 2, 3
            """);
        cmd.Parameters.AddWithValue("service", Service);
        cmd.Parameters.AddWithValue("from", from);
        var totals = new Dictionary<(string, string, string), long>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) totals[(reader.GetString(0), reader.GetString(1), reader.GetString(2))] = reader.GetInt64(3);
        return totals;
    }

    public async Task<long> LevelAsync(string orgId, string workspaceId, string dimension, CancellationToken ct)
    {
        switch (dimension)
        {
            case QuotaDimensions.ServiceAccounts or QuotaDimensions.ActiveAgents:
                var (accounts, agents) = await grains.GetGrain<IWorkspaceGrain>(IWorkspaceGrain.KeyFor(orgId, workspaceId)).CountAccountsAsync();
                return dimension == QuotaDimensions.ServiceAccounts ? accounts : agents;
            case QuotaDimensions.MediaStorageBytes:
                // Pending uploads hold their declared size: what they may still write.
                return await ScalarAsync("""
                    SELECT COALESCE(SUM(COALESCE(size_bytes, declared_size)), 0)::bigint FROM axme_media
                    WHERE service_id = @service AND org_id = @org AND workspace_id = @ws
                    """, orgId, workspaceId, ct);
            case QuotaDimensions.OpenHumanTasks:
                return await ScalarAsync($"""
                    SELECT count(*) FROM axme_intents
                    WHERE axme_scope(service_id, org_id, workspace_id) = axme_scope(@service, @org, @ws)
                      AND service_id = @service AND org_id = @org AND workspace_id = @ws
                      AND status = '{IntentStatus.Waiting}' AND waiting_reason = '{WaitingReason.Human}'
                    """, orgId, workspaceId, ct);
            default:
                throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "not a level");
        }
    }

    /// <summary>Each day's counted events of a workspace from <paramref name="from"/> on, by dimension.</summary>
    public async Task<Dictionary<DateOnly, Dictionary<string, long>>> DailyAsync(string orgId, string workspaceId, DateTimeOffset from, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT (hour AT TIME ZONE 'UTC')::date, dimension, SUM(amount)::bigint FROM axme_usage
            WHERE service_id = @service AND org_id = @org AND workspace_id = @ws AND hour >= @from
            GROUP BY 1, 2
            """);
        Scope(cmd, orgId, workspaceId);
        cmd.Parameters.AddWithValue("from", from);
        var days = new Dictionary<DateOnly, Dictionary<string, long>>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var day = DateOnly.FromDateTime(reader.GetDateTime(0));
            (days.TryGetValue(day, out var d) ? d : days[day] = [])[reader.GetString(1)] = reader.GetInt64(2);
        }
        return days;
    }

    /// <summary>Writes daily rollup rows (replacing earlier ones of the same day and dimension); how many.</summary>
    public async Task<int> UpsertDailyAsync(string orgId, string workspaceId, IReadOnlyList<(DateOnly Day, string Dimension, long Amount)> rows,
        DateTimeOffset generatedAt, CancellationToken ct)
    {
        if (rows.Count == 0) return 0;
        await using var cmd = db.CreateCommand("""
            INSERT INTO axme_usage_daily (service_id, org_id, workspace_id, day, dimension, amount, generated_at)
            SELECT @service, @org, @ws, d, m, a, @at FROM unnest(@days, @dims, @amounts) AS t(d, m, a)
            ON CONFLICT (service_id, org_id, workspace_id, day, dimension) DO UPDATE SET amount = EXCLUDED.amount, generated_at = EXCLUDED.generated_at
            """);
        Scope(cmd, orgId, workspaceId);
        cmd.Parameters.AddWithValue("days", rows.Select(r => r.Day).ToArray());
        cmd.Parameters.AddWithValue("dims", rows.Select(r => r.Dimension).ToArray());
        cmd.Parameters.AddWithValue("amounts", rows.Select(r => r.Amount).ToArray());
        cmd.Parameters.AddWithValue("at", generatedAt);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Rolls the hourly buckets before <paramref name="cutoff"/> up into daily rows and deletes them, in one transaction;
    /// how many buckets went (the cutoff is a UTC midnight: whole days only).
    /// </summary>
    public async Task<int> PruneAsync(DateTimeOffset cutoff, DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var rollup = new NpgsqlCommand("""
            INSERT INTO axme_usage_daily (service_id, org_id, workspace_id, day, dimension, amount, generated_at)
            SELECT service_id, org_id, workspace_id, (hour AT TIME ZONE 'UTC')::date, dimension, SUM(amount)::bigint, @now FROM axme_usage
            WHERE hour < @cutoff AND service_id = @service GROUP BY 1, 2, 3, 4, 5
            ON CONFLICT (service_id, org_id, workspace_id, day, dimension) DO UPDATE SET amount = EXCLUDED.amount, generated_at = EXCLUDED.generated_at
            """, conn, tx))
        {
            rollup.Parameters.AddWithValue("service", Service);
            rollup.Parameters.AddWithValue("cutoff", cutoff);
            rollup.Parameters.AddWithValue("now", now);
            await rollup.ExecuteNonQueryAsync(ct);
        }
        await using var delete = new NpgsqlCommand("DELETE FROM axme_usage WHERE hour < @cutoff AND service_id = @service", conn, tx);
        delete.Parameters.AddWithValue("service", Service);
        delete.Parameters.AddWithValue("cutoff", cutoff);
        var deleted = await delete.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return deleted;
    }

    private async Task<long> ScalarAsync(string sql, string orgId, string workspaceId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        Scope(cmd, orgId, workspaceId);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private void Scope(NpgsqlCommand cmd, string orgId, string workspaceId)
    {
        cmd.Parameters.AddWithValue("service", Service);
        cmd.Parameters.AddWithValue("org", orgId);
        cmd.Parameters.AddWithValue("ws", workspaceId);
    }
}
