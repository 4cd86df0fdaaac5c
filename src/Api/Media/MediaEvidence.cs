using System.Text.Json.Nodes;

namespace Axme.Api.Media;

/// <summary>
/// How an intent names a file (docs/adr/023): any JSON object with an <c>upload_id</c> member holding an upload's UUID,
/// anywhere in a payload, a result or a human task's evidence, e.g. <c>"evidence": [{"upload_id": "…", "filename": "…"}]</c>.
/// The web inbox shows what a task's payload and result name; an answer's evidence must name ready uploads.
/// </summary>
public static class MediaEvidence
{
    /// <summary>At most this many files per document: the inbox looks them up in one query.</summary>
    public const int MaxReferences = 50;
    private const int MaxDepth = 32;

    /// <summary>The upload ids a JSON text names, in order of appearance, without repeats (none for null or bad JSON).</summary>
    public static IReadOnlyList<Guid> References(string? json)
    {
        if (string.IsNullOrEmpty(json)) return [];
        try
        {
            return References(JsonNode.Parse(json));
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }
    }

    /// <summary>The upload ids a JSON value names, in order of appearance, without repeats.</summary>
    public static IReadOnlyList<Guid> References(JsonNode? node)
    {
        var found = new List<Guid>();
        Walk(node, found, 0);
        return found;
    }

    private static void Walk(JsonNode? node, List<Guid> found, int depth)
    {
        if (depth > MaxDepth || found.Count >= MaxReferences) return;
        switch (node)
        {
            case JsonObject o:
                if (o["upload_id"] is JsonValue v && v.TryGetValue<string>(out var s) && Guid.TryParse(s, out var id) && !found.Contains(id)) found.Add(id);
                foreach (var (_, child) in o) Walk(child, found, depth + 1);
                break;
            case JsonArray a:
                foreach (var child in a) Walk(child, found, depth + 1);
                break;
        }
    }
}
