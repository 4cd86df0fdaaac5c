using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axme.Api.Web;

/// <summary>An antiforgery token for a page's forms.</summary>
public sealed record FormToken(string Name, string Value);

/// <summary>Formatting for the inbox pages (Razor encodes whatever these return).</summary>
public static class Display
{
    // Relaxed escaping shows "<" as "<" rather than \u003C: safe because Razor HTML-encodes the text.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Json(string json)
    {
        try
        {
            return JsonNode.Parse(json)?.ToJsonString(Indented) ?? "null";
        }
        catch (JsonException)
        {
            return json;
        }
    }

    /// <summary>A file's size for people: 812 B, 4.2 KB, 50.0 MB.</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.0 'KB'", CultureInfo.InvariantCulture),
        < 1024L * 1024 * 1024 => (bytes / (1024.0 * 1024)).ToString("0.0 'MB'", CultureInfo.InvariantCulture),
        _ => (bytes / (1024.0 * 1024 * 1024)).ToString("0.0 'GB'", CultureInfo.InvariantCulture),
    };

    /// <summary>An event's details worth showing, or null for {}.</summary>
    public static string? Details(string? json) => json is null or "{}" ? null : Json(json);

    /// <summary>The outcome of an answered task (result.outcome), if there is one.</summary>
    public static string? Outcome(string? resultJson) =>
        resultJson is null ? null : (JsonNode.Parse(resultJson)?["outcome"] as JsonValue)?.TryGetValue<string>(out var o) == true ? o : null;
}
