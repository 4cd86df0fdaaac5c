using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axme.Contracts;

/// <summary>The one timestamp format on the wire (PROTOCOL §2.3): RFC 3339 in UTC with a <c>Z</c>, microseconds.</summary>
public static class WireTime
{
    /// <summary>Formats a timestamp as the node writes it, e.g. <c>2026-12-05T15:52:43.690339Z</c>.</summary>
    public static string Format(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads any RFC 3339 / ISO 8601 timestamp (other servers write fewer digits or an offset), as UTC.</summary>
    public static bool TryParse(string? text, out DateTimeOffset t)
    {
        var ok = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out t);
        if (ok) t = t.ToUniversalTime();
        return ok;
    }
}

/// <summary>Writes <see cref="DateTimeOffset"/> members in <see cref="WireTime"/>'s format; reads any RFC 3339 text.</summary>
public sealed class WireTimeConverter : JsonConverter<DateTimeOffset>
{
    /// <inheritdoc />
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        WireTime.TryParse(reader.GetString(), out var t) ? t : throw new JsonException("expected an RFC 3339 timestamp");

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(WireTime.Format(value));
}
