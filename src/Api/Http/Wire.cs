using System.Text.Json.Nodes;
using Axme.Contracts;

namespace Axme.Api.Http;

/// <summary>Wire formatting shared by every endpoint: RFC 3339 UTC timestamps and embedded JSON texts.</summary>
public static class Wire
{
    public static string Time(DateTimeOffset t) => Contracts.WireTime.Format(t);

    public static string? Time(DateTimeOffset? t) => t is { } v ? Time(v) : null;

    public static JsonNode? Json(string? text) => text is null ? null : JsonNode.Parse(text);

    /// <summary>A success body: {"ok": true, ...members}.</summary>
    public static JsonObject Ok(params (string Name, JsonNode? Value)[] members)
    {
        var o = new JsonObject { ["ok"] = true };
        foreach (var (name, value) in members) o[name] = value;
        return o;
    }
}
