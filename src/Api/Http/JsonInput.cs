using System.Text.Json;
using System.Text.Json.Nodes;
using Axme.Grains.Interfaces.Common;

namespace Axme.Api.Http;

/// <summary>
/// The one parser of JSON a client sends (REST bodies and MCP messages): what it returns can be read, copied, stored
/// and written back without an exception. Refused here, before anything reads the document:
/// malformed JSON, a duplicate key at any depth, invalid UTF-8 or a lone surrogate escape, nesting deeper than 64
/// (400 invalid_json); U+0000 in a string or key (PostgreSQL stores no NUL) and numbers beyond a double's range such
/// as 1e400 (422 validation_error naming the JSON path). System.Text.Json finds the first three only lazily, when a
/// value is read, and then throws InvalidOperationException or ArgumentException deep inside a handler (a 500), so
/// every string and number is read once here.
/// </summary>
public static class JsonInput
{
    private static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    /// <summary>The parsed document (null for the JSON literal null).</summary>
    public static JsonNode? Parse(ReadOnlyMemory<byte> utf8)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(utf8.Span, documentOptions: Options);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            throw Invalid(e);
        }
        try
        {
            Check(node);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            throw Invalid(e);
        }
        return node;
    }

    private static ProtocolException Invalid(Exception e) =>
        new(400, "invalid_json", $"request body is not valid JSON: {Reason(e)}", new Dictionary<string, string> { ["field"] = "body" });

    /// <summary>The parser's words where they help (position, duplicate name), a plain one for encoding faults.</summary>
    private static string Reason(Exception e) => e switch
    {
        JsonException j => j.Message,
        _ when e.Message.Contains("UTF-16", StringComparison.Ordinal) => "a string has a lone or invalid surrogate escape",
        _ when e.Message.Contains("UTF-8", StringComparison.Ordinal) => "a string is not valid UTF-8",
        _ => "a duplicate or unreadable property",
    };

    /// <summary>Every string and number read once; a node's JSON path is made only for the error it causes.</summary>
    private static void Check(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    if (name.Contains('\0')) throw Nul(o.GetPath());
                    Check(value);
                }
                break;
            case JsonArray a:
                foreach (var item in a) Check(item);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                if (v.GetValue<string>().Contains('\0')) throw Nul(v.GetPath());
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                if (!v.TryGetValue<double>(out var d) || !double.IsFinite(d))
                {
                    var field = Field(v.GetPath());
                    throw ProtocolException.Invalid(field, $"{field} is a number out of range");
                }
                break;
        }
    }

    private static ProtocolException Nul(string path) =>
        ProtocolException.Invalid(Field(path), $"{Field(path)} contains U+0000, which cannot be stored");

    /// <summary>A JSON path as the error's field: "$.payload.a" → "payload.a", the root → "body".</summary>
    private static string Field(string path) => path.Length <= 2 ? "body" : path.Length > 202 ? path[2..202] + "…" : path[2..];
}
