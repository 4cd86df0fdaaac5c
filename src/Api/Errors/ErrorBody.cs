using System.Text.Json.Nodes;

namespace Axme.Api.Errors;

/// <summary>
/// The protocol's superset error body (PROTOCOL §4.1): {ok:false, error:{code,message,details}, detail}.
/// Every parser of the official clients finds its message in it.
/// </summary>
public static class ErrorBody
{
    public static JsonObject Create(string code, string message, IReadOnlyDictionary<string, string>? details = null)
    {
        var d = new JsonObject();
        if (details is not null)
            foreach (var (k, v) in details) d[k] = v;
        return new JsonObject
        {
            ["ok"] = false,
            ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["details"] = d },
            ["detail"] = message,
        };
    }

    public static IResult Result(int status, string code, string message, IReadOnlyDictionary<string, string>? details = null) =>
        TypedResults.Json(Create(code, message, details), statusCode: status);

    public static async Task WriteAsync(HttpContext http, int status, string code, string message, IReadOnlyDictionary<string, string>? details = null)
    {
        http.Response.StatusCode = status;
        await http.Response.WriteAsJsonAsync(Create(code, message, details));
    }
}
