using Axme.Grains.Interfaces.Common;

namespace Axme.Api.Http;

/// <summary>
/// The one check of what a request carries outside its body, before any endpoint reads it: a query parameter (name
/// or value) or a path segment with a control character (U+0000–U+001F, U+007F: PostgreSQL stores no NUL, and no id,
/// name or cursor of the protocol has any), and a path segment that is blank or only whitespace, are a 400
/// invalid_parameter naming the parameter. Bodies are checked by <see cref="JsonInput"/>.
/// </summary>
public sealed class InputGuard(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http)
    {
        foreach (var (name, values) in http.Request.Query)
        {
            if (HasControl(name)) throw Refuse("query", "a query parameter name contains a control character");
            foreach (var value in values)
                if (value is not null && HasControl(value)) throw Refuse(name, $"query parameter {name} contains a control character");
        }
        foreach (var (name, value) in http.Request.RouteValues)
        {
            if (value is not string s) continue;
            if (HasControl(s)) throw Refuse(name, $"path parameter {name} contains a control character");
            if (string.IsNullOrWhiteSpace(s)) throw Refuse(name, $"path parameter {name} must not be blank");
        }
        return next(http);
    }

    private static bool HasControl(string s) => s.AsSpan().IndexOfAnyInRange('\0', '\x1f') >= 0 || s.Contains('\x7f');

    private static ProtocolException Refuse(string field, string message) =>
        new(400, "invalid_parameter", message, new Dictionary<string, string> { ["field"] = field.Length > 100 ? field[..100] : field });
}
