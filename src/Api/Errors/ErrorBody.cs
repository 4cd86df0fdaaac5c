using Axme.Contracts;

namespace Axme.Api.Errors;

/// <summary>
/// The protocol's superset error body (<see cref="ErrorResponse"/>, PROTOCOL §4.1): {ok:false, error:{code,message,details}, detail}.
/// Every parser of the official clients finds its message in it.
/// </summary>
public static class ErrorBody
{
    public static ErrorResponse Create(string code, string message, IReadOnlyDictionary<string, string>? details = null) => new()
    {
        Error = new ErrorDetail { Code = code, Message = message, Details = details ?? new Dictionary<string, string>() },
        Detail = message,
    };

    public static IResult Result(int status, string code, string message, IReadOnlyDictionary<string, string>? details = null) =>
        TypedResults.Json(Create(code, message, details), AxpJson.Info<ErrorResponse>(), statusCode: status);

    public static async Task WriteAsync(HttpContext http, int status, string code, string message, IReadOnlyDictionary<string, string>? details = null)
    {
        http.Response.StatusCode = status;
        await http.Response.WriteAsJsonAsync(Create(code, message, details), AxpJson.Info<ErrorResponse>());
    }
}
