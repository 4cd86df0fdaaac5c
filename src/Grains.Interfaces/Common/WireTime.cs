using System.Globalization;

namespace Axme.Grains.Interfaces.Common;

/// <summary>The one timestamp format on the wire: RFC 3339 UTC with microseconds.</summary>
public static class WireTime
{
    public static string Format(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
