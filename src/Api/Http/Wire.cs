using System.Text.Json.Nodes;

namespace Axme.Api.Http;

/// <summary>
/// What is left of hand-built JSON: the wire timestamp for the web pages' &lt;time&gt; elements and the {"ok": true, …}
/// envelope of MCP tool results. Answers of the API are records of the wire contract (src/Contracts, ADR 019).
/// </summary>
public static class Wire
{
    public static string Time(DateTimeOffset t) => Contracts.WireTime.Format(t);

    public static string? Time(DateTimeOffset? t) => t is { } v ? Time(v) : null;

    /// <summary>A success body: {"ok": true, ...members}.</summary>
    public static JsonObject Ok(params (string Name, JsonNode? Value)[] members)
    {
        var o = new JsonObject { ["ok"] = true };
        foreach (var (name, value) in members) o[name] = value;
        return o;
    }
}
