namespace Axme.Grains.Interfaces.Common;

/// <summary>
/// A client-visible refusal (4xx) raised by a grain or the API. It carries the HTTP status and the
/// stable error code of the protocol's error body, so the API turns it into JSON in one place.
/// </summary>
[GenerateSerializer, Alias("axme.protocol-exception")]
public sealed class ProtocolException : Exception
{
    public ProtocolException(int status, string code, string message, IReadOnlyDictionary<string, string>? details = null)
        : base(message)
    {
        Status = status;
        Code = code;
        Details = details is null ? null : new Dictionary<string, string>(details);
    }

    /// <summary>HTTP status code (4xx).</summary>
    [Id(0)] public int Status { get; }
    /// <summary>Stable machine-readable code, e.g. intent_already_terminal.</summary>
    [Id(1)] public string Code { get; }
    /// <summary>Optional details, e.g. the offending field.</summary>
    [Id(2)] public Dictionary<string, string>? Details { get; }

    public static ProtocolException NotFound(string what, string id) =>
        new(404, $"{what}_not_found", $"{what} not found: {id}");

    public static ProtocolException Forbidden(string message) => new(403, "forbidden", message);

    public static ProtocolException Conflict(string code, string message) => new(409, code, message);

    public static ProtocolException Invalid(string field, string message, string code = "validation_error") =>
        new(422, code, message, new Dictionary<string, string> { ["field"] = field });
}
