using System.Text.Json.Nodes;
using Axme.Api.Accounts;
using Axme.Api.Agents;
using Axme.Api.Health;
using Axme.Api.Http;
using Axme.Api.Humans;
using Axme.Api.Inbox;
using Axme.Api.Intents;
using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Microsoft.Extensions.Primitives;

namespace Axme.Api.Mcp;

/// <summary>One tools/call: who calls, for which owner (§2.8), its arguments, and the node's services.</summary>
public sealed record McpCall(Caller Caller, string? Owner, RequestBody Args, string? IdempotencyKey, IServiceProvider Services, HttpContext Http, CancellationToken Aborted)
{
    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    /// <summary>The caller a write acts as: owner_agent by the REST rules (IntentOperations.Acting).</summary>
    public Caller Acting => IntentOperations.Acting(Caller, Query.InWorkspace(Owner, Caller));

    /// <summary>The arguments as query parameters, for the list endpoints that read their filters from the query string.</summary>
    public IQueryCollection AsQuery() => new QueryCollection(Args.Root.Where(p => p.Value is not null).ToDictionary(p => p.Key,
        p => p.Value switch
        {
            JsonArray a => new StringValues(string.Join(',', a.Select(x => x is JsonValue v && v.TryGetValue<string>(out var s) ? s : x?.ToJsonString()))),
            JsonValue v when v.TryGetValue<string>(out var s) => new StringValues(s),
            var other => new StringValues(other!.ToJsonString()),
        }));
}

/// <summary>A tool: its name, description, input schema (§10.2: the SDKs validate against it locally) and code.</summary>
public sealed record McpTool(string Name, string Description, string[] Required, (string Name, JsonNode Type, string Description)[] Properties,
    Func<McpCall, Task<JsonObject>> RunAsync)
{
    /// <summary>The audit log's action of a tool that changes something security-relevant (docs/adr/028), its target's type and argument.</summary>
    public (string Action, string TargetType, string? TargetArgument)? Audit { get; init; }

    /// <summary>Runs the tool; an audited one records its call as its REST route does (after success, or when the caller is refused).</summary>
    public async Task<JsonObject> InvokeAsync(McpCall call)
    {
        if (Audit is not { } a) return await RunAsync(call);
        var log = call.Services.GetRequiredService<Audit.AuditLog>();
        var org = call.Args.Root["org_id"] is JsonValue o && o.TryGetValue<string>(out var named) ? named.Trim().ToLowerInvariant() : call.Caller.OrgId;
        var target = a.TargetArgument is { } arg && call.Args.Root[arg] is JsonValue t && t.TryGetValue<string>(out var id) ? id : null;
        try
        {
            var result = await RunAsync(call);
            await log.RecordAsync(call.Http, call.Caller, new Audit.AuditEntry(a.Action, "succeeded", org, null, a.TargetType, target, new JsonObject { ["via"] = "mcp" }));
            return result;
        }
        catch (ProtocolException e) when (e.Status is 401 or 403)
        {
            await log.RecordAsync(call.Http, call.Caller, new Audit.AuditEntry(a.Action, "refused", org, null, a.TargetType, target,
                new JsonObject { ["via"] = "mcp", ["code"] = e.Code, ["message"] = e.Message }));
            throw;
        }
    }

    public JsonObject Describe()
    {
        var properties = new JsonObject();
        foreach (var (name, type, description) in Properties)
            properties[name] = new JsonObject { ["type"] = type.DeepClone(), ["description"] = description };
        return new JsonObject
        {
            ["name"] = Name,
            ["description"] = Description,
            ["inputSchema"] = new JsonObject
            {
                ["type"] = "object",
                ["required"] = new JsonArray([.. Required.Select(r => (JsonNode)r)]),
                ["properties"] = properties,
            },
        };
    }
}
