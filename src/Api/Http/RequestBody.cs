using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Axme.Grains.Interfaces.Common;

namespace Axme.Api.Http;

/// <summary>
/// A parsed JSON request body with typed readers that refuse bad input with a 422 naming the field.
/// Lenient where the protocol asks (§0.3): unknown fields are ignored, "" counts as absent, an empty
/// body is an empty object.
/// </summary>
public sealed class RequestBody(JsonObject root)
{
    public JsonObject Root { get; } = root;

    /// <summary>Reads the body (an empty body is {}); malformed JSON is 400 (<see cref="JsonInput"/>), a non-object 422, an oversize body 413.</summary>
    public static async Task<RequestBody> ReadAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (bytes.Span.IndexOfAnyExcept(" \n\r\t"u8) < 0) return new RequestBody([]);
        var node = JsonInput.Parse(bytes);
        return node is JsonObject obj
            ? new RequestBody(obj)
            : throw new ProtocolException(422, "validation_error", "request body must be a JSON object");
    }

    private JsonNode? Present(string name) =>
        Root.TryGetPropertyValue(name, out var n) && n is not null && !(n is JsonValue v && v.TryGetValue<string>(out var s) && s.Length == 0)
            ? n : null;

    public string? String(string name, int maxLength = 4096, Regex? pattern = null, bool required = false)
    {
        var n = Present(name);
        if (n is null) return required ? throw Missing(name) : null;
        if (n is not JsonValue v || !v.TryGetValue<string>(out var s))
            throw ProtocolException.Invalid(name, $"{name} must be a string");
        if (s.Length > maxLength) throw ProtocolException.Invalid(name, $"{name} must be at most {maxLength} characters");
        if (pattern is not null && !pattern.IsMatch(s)) throw ProtocolException.Invalid(name, $"{name} has an invalid format: {s}");
        return s;
    }

    public int? Int(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        var n = Present(name);
        if (n is null) return null;
        if (n is not JsonValue v || !TryInt(v, out var i))
            throw ProtocolException.Invalid(name, $"{name} must be an integer");
        if (i < min || i > max) throw ProtocolException.Invalid(name, $"{name} must be between {min} and {max}");
        return i;
    }

    /// <summary>An integer in [min, max] that may pass int's range (sizes in bytes).</summary>
    public long? Long(string name, long min, long max)
    {
        var n = Present(name);
        if (n is null) return null;
        long l;
        if (n is JsonValue v && v.TryGetValue(out l)) { }
        else if (n is JsonValue w && w.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e18) l = (long)d; // 1e9 is an integer too
        else throw ProtocolException.Invalid(name, $"{name} must be an integer");
        if (l < min || l > max) throw ProtocolException.Invalid(name, $"{name} must be between {min} and {max}");
        return l;
    }

    /// <summary>A number in [min, max]: every caller names the range its arithmetic can take (no 1e300 hours).</summary>
    public double? Number(string name, double min, double max)
    {
        var n = Present(name);
        if (n is null) return null;
        if (n is not JsonValue v || !v.TryGetValue<double>(out var d))
            throw ProtocolException.Invalid(name, $"{name} must be a number");
        if (d < min || d > max) throw ProtocolException.Invalid(name, $"{name} must be between {min} and {max}");
        return d;
    }

    public bool? Bool(string name)
    {
        var n = Present(name);
        if (n is null) return null;
        return n is JsonValue v && v.TryGetValue<bool>(out var b) ? b : throw ProtocolException.Invalid(name, $"{name} must be a boolean");
    }

    public DateTimeOffset? Timestamp(string name)
    {
        var s = String(name, 64);
        if (s is null) return null;
        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.ToUniversalTime()
            : throw ProtocolException.Invalid(name, $"{name} must be an RFC 3339 timestamp");
    }

    /// <summary>A JSON object member as compact JSON text.</summary>
    public string? Object(string name, bool required = false)
    {
        var n = Present(name);
        if (n is null) return required ? throw Missing(name) : null;
        return n is JsonObject o ? o.ToJsonString() : throw ProtocolException.Invalid(name, $"{name} must be a JSON object");
    }

    public IReadOnlyList<string>? StringList(string name)
    {
        var n = Present(name);
        if (n is null) return null;
        if (n is not JsonArray a || a.Any(x => x is not JsonValue v || !v.TryGetValue<string>(out _)))
            throw ProtocolException.Invalid(name, $"{name} must be a list of strings");
        return a.Select(x => x!.GetValue<string>()).ToArray();
    }

    /// <summary>Whether the body has members other than the given ones.</summary>
    public bool HasOnly(IReadOnlySet<string> names) => Root.All(p => names.Contains(p.Key));

    private static bool TryInt(JsonValue v, out int i)
    {
        if (v.TryGetValue(out i)) return true;
        if (v.TryGetValue<double>(out var d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue)
        {
            i = (int)d;
            return true;
        }
        return false;
    }

    private static ProtocolException Missing(string name) =>
        ProtocolException.Invalid(name, $"{name} is required", "missing_field");
}
