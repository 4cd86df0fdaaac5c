using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axme.Grains.Common;

/// <summary>Small helpers for the JSON object texts that intents carry (payload, controls, results).</summary>
public static class JsonText
{
    public const string EmptyObject = "{}";

    /// <summary>The object a JSON text holds (empty when there is none); "{}", what most controls and policies are, without a parse.</summary>
    public static JsonObject Parse(string? json) =>
        string.IsNullOrEmpty(json) || json == EmptyObject ? [] : JsonNode.Parse(json) as JsonObject ?? [];

    /// <summary>Shallow merge: keys of the patch replace those of the base; a null value removes the key.</summary>
    public static string Merge(string baseJson, string? patchJson)
    {
        var merged = Parse(baseJson);
        foreach (var (key, value) in Parse(patchJson))
        {
            if (value is null) merged.Remove(key);
            else merged[key] = value.DeepClone();
        }
        return merged.ToJsonString();
    }

    /// <summary>
    /// Builds a JSON object text from name/value pairs, skipping nulls; values that are JSON texts are embedded (parsed and
    /// written again, so the text is System.Text.Json's compact form whatever it was given). Written by one writer, not
    /// through a JsonObject: a step intent's payload is built per step.
    /// </summary>
    public static string Object(params (string Name, object? Value)[] members)
    {
        if (HasDuplicateNames(members)) return ObjectByNodes(members); // the last value of a name wins, in the first's place
        using var scratch = JsonScratch.Take();
        var writer = scratch.Writer(default);
        writer.WriteStartObject();
        foreach (var (name, value) in members)
        {
            if (value is null) continue;
            writer.WritePropertyName(name);
            switch (value)
            {
                case RawJson raw: WriteRaw(writer, raw.Text); break;
                case JsonNode node: node.WriteTo(writer); break;
                default: JsonSerializer.Serialize(writer, value, value.GetType()); break;
            }
        }
        writer.WriteEndObject();
        writer.Flush();
        return Encoding.UTF8.GetString(scratch.Written);
    }

    /// <summary>A JSON text as a value, as a parsed node writes it.</summary>
    private static void WriteRaw(Utf8JsonWriter writer, string json)
    {
        using var document = JsonDocument.Parse(json);
        document.RootElement.WriteTo(writer);
    }

    private static bool HasDuplicateNames((string Name, object? Value)[] members)
    {
        for (var i = 1; i < members.Length; i++)
            for (var j = 0; j < i; j++)
                if (members[i].Name == members[j].Name) return true;
        return false;
    }

    private static string ObjectByNodes((string Name, object? Value)[] members)
    {
        var obj = new JsonObject();
        foreach (var (name, value) in members)
        {
            switch (value)
            {
                case null: break;
                case RawJson raw: obj[name] = JsonNode.Parse(raw.Text); break;
                case JsonNode node: obj[name] = node.DeepClone(); break;
                default: obj[name] = JsonValue.Create(value); break;
            }
        }
        return obj.ToJsonString();
    }

    /// <summary>Reads a positive number (seconds) from an object, or null when absent.</summary>
    public static double? PositiveSeconds(JsonObject obj, string name)
    {
        if (!obj.TryGetPropertyValue(name, out var node) || node is null) return null;
        if (node is JsonValue v && v.TryGetValue<double>(out var d) && d > 0) return d;
        throw new FormatException($"{name} must be a positive number of seconds");
    }

    /// <summary>Reads an RFC 3339 timestamp from an object, or null when absent.</summary>
    public static DateTimeOffset? Timestamp(JsonObject obj, string name)
    {
        if (!obj.TryGetPropertyValue(name, out var node) || node is null) return null;
        if (node is JsonValue v && v.TryGetValue<string>(out var s) && DateTimeOffset.TryParse(s, out var t)) return t.ToUniversalTime();
        throw new FormatException($"{name} must be an RFC 3339 timestamp");
    }

    /// <summary>Wraps a JSON text so <see cref="Object"/> embeds it instead of quoting it.</summary>
    public readonly record struct RawJson(string Text);

    public static RawJson? Raw(string? json) => json is null ? null : new RawJson(json);

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value);
}
