using Axme.Api.Http;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;

namespace Axme.Api.Accounts;

/// <summary>A page of a workspace's live accounts and where the next one starts (null: this was the last).</summary>
public sealed record AccountPage(IReadOnlyList<ServiceAccountRecord> Accounts, string? NextCursor);

/// <summary>
/// The live accounts of a workspace, a page at a time, as the service-account, user and agent listings need them
/// (ADR 017 §8): in directory order after a cursor (the last account id a page looked at), reading only as many
/// accounts as the page can still take — never the whole workspace.
/// </summary>
public static class WorkspaceDirectory
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>The limit and cursor parameters of a listing (query string, or an MCP tool's arguments).</summary>
    public static (int Limit, string? Cursor) Paging(IQueryCollection query) =>
        (Query.Int(query, "limit", 1, MaxLimit) ?? DefaultLimit, Query.String(query, "cursor"));

    public static async Task<AccountPage> PageAsync(IGrainFactory grains, string orgId, string workspaceId, Func<ServiceAccountRecord, bool> match,
        string? cursor, int limit)
    {
        var ids = await grains.GetGrain<IWorkspaceGrain>(IWorkspaceGrain.KeyFor(orgId, workspaceId)).ListServiceAccountIdsAsync();
        var next = 0;
        if (cursor is not null)
        {
            var at = ids.ToList().IndexOf(cursor);
            next = at >= 0 ? at + 1 : throw ProtocolException.Invalid("cursor", "cursor is not a cursor of this listing", "invalid_cursor");
        }
        var page = new List<ServiceAccountRecord>();
        while (next < ids.Count && page.Count < limit)
        {
            var chunk = ids.Skip(next).Take(limit - page.Count).ToArray();
            var accounts = await Task.WhenAll(chunk.Select(id => grains.GetGrain<IServiceAccountGrain>(id).GetAsync()));
            page.AddRange(accounts.Where(a => a is { Status: "active" } && match(a)).Select(a => a!));
            next += chunk.Length;
        }
        return new AccountPage(page, next < ids.Count ? ids[next - 1] : null);
    }
}
