using System.Text.Json.Nodes;
using Axme.Api.Auth;
using Axme.Api.Http;
using Axme.Grains.Interfaces.Common;
using Axme.Contracts;
using Axme.Grains.Interfaces.Intents;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axme.Api.Intents;

/// <summary>GET /v1/intents (PROTOCOL §5.4) and POST /v1/intents/bulk-cancel (§5.11), both over the view table.</summary>
public static class IntentListEndpoint
{
    public static async Task<Ok<IntentPage>> List(HttpContext http, IntentQueries queries) =>
        TypedResults.Ok(await IntentOperations.ListAsync(queries, ApiKeyAuthFilter.CallerOf(http), http.Request.Query, http.RequestAborted));

    /// <summary>Ten years: older_than_hours beyond it would reach before year 1 (and means "all" anyway).</summary>
    private const double MaxOlderThanHours = 24 * 366 * 10;

    public static async Task<Ok<BulkCancelResult>> BulkCancel(HttpContext http, IntentQueries queries, IGrainFactory grains, TimeProvider time)
    {
        var caller = ApiKeyAuthFilter.CallerOf(http);
        var body = await RequestBody.ReadAsync(http);
        var olderThan = body.Number("older_than_hours", 0, MaxOlderThanHours) ?? 24;
        var dryRun = body.Bool("dry_run") ?? false;
        var reason = body.String("reason", 2000) ?? "bulk cancel";
        var limit = body.Int("limit", 1, 5000) ?? 500;
        var statuses = Query.Statuses(body.StringList("status_filter"), "status_filter") ?? IntentStatus.NonTerminal;
        if (statuses.Any(IntentStatus.IsTerminal))
            throw ProtocolException.Invalid("status_filter", "status_filter may only name non-terminal statuses");

        var ids = await queries.InactiveAsync(caller, statuses,
            time.GetUtcNow().AddHours(-olderThan), limit, http.RequestAborted);
        if (dryRun) return TypedResults.Ok(new BulkCancelResult { WouldCancel = ids.Count, IntentIds = [.. ids.Select(i => i.ToString())] });

        var canceled = new List<string>();
        foreach (var id in ids)
        {
            try
            {
                var result = await grains.GetGrain<IIntentGrain>(id).ResolveAsync(caller,
                    new ResolveCommand { Status = IntentStatus.Canceled, Reason = reason }, null);
                if (result.Applied) canceled.Add(id.ToString());
            }
            catch (ProtocolException e) when (e.Status == 409)
            {
                // Finished since the query ran: nothing to cancel.
            }
        }
        return TypedResults.Ok(new BulkCancelResult { Canceled = canceled.Count, IntentIds = canceled });
    }
}
