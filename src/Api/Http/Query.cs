using Axme.Grains.Interfaces.Common;

namespace Axme.Api.Http;

/// <summary>Typed query-string readers that refuse bad values with a 422 naming the parameter.</summary>
public static class Query
{
    public static int? Int(HttpRequest request, string name, int min = int.MinValue, int max = int.MaxValue)
    {
        var raw = request.Query[name].ToString();
        if (raw.Length == 0) return null;
        if (!int.TryParse(raw, out var value))
            throw ProtocolException.Invalid(name, $"{name} must be an integer");
        if (value < min || value > max)
            throw ProtocolException.Invalid(name, $"{name} must be between {min} and {max}");
        return value;
    }

    public static string? String(HttpRequest request, string name)
    {
        var raw = request.Query[name].ToString().Trim();
        return raw.Length == 0 ? null : raw;
    }
}
