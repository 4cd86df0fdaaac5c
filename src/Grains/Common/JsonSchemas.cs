using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Axme.Grains.Common;

/// <summary>JSON Schema (JsonSchema.Net, 2020-12) checks shared by human task forms and semantic schemas.</summary>
public static class JsonSchemas
{
    /// <summary>Why a schema does not parse as JSON Schema, or null when it does (JsonSchemaException included: {"type": 12} throws it).</summary>
    public static string? Problem(JsonNode schema)
    {
        try
        {
            JsonSchema.FromText(schema.ToJsonString());
            return null;
        }
        catch (Exception e) when (e is JsonException or JsonSchemaException or RefResolutionException or ArgumentException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            return e.Message;
        }
    }

    public static JsonSchema Parse(string schemaJson) => JsonSchema.FromText(schemaJson);

    /// <summary>
    /// Every problem of an instance, by dotted field path ("" for the whole instance); each missing required
    /// top-level member is listed under its own name rather than once at the parent.
    /// </summary>
    public static Dictionary<string, string> Errors(JsonSchema schema, JsonObject schemaJson, JsonObject instance)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (schemaJson["required"] is JsonArray required)
            foreach (var name in required.Select(r => r?.GetValue<string>()).OfType<string>().Where(n => !instance.ContainsKey(n)))
                errors[name] = "is required";
        var evaluation = schema.Evaluate(JsonDocument.Parse(instance.ToJsonString()).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        foreach (var detail in evaluation.Details ?? [])
        {
            if (detail.IsValid || detail.Errors is not { Count: > 0 } errs) continue;
            var field = detail.InstanceLocation.ToString().TrimStart('/').Replace('/', '.');
            foreach (var (keyword, message) in errs)
            {
                if (keyword == "required" && field.Length == 0) continue; // listed per field above
                errors.TryAdd(field, message);
            }
        }
        return errors;
    }
}
