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

    /// <summary>
    /// 422 validation_error for a document with problems, each "path: message" (a scenario bundle, a workflow template):
    /// the first problem's path as field, then every problem by its path (like schema_invalid).
    /// </summary>
    public static ProtocolException Problems(string what, IReadOnlyList<string> errors)
    {
        var details = new Dictionary<string, string> { ["field"] = errors.Count > 0 ? errors[0].Split(':')[0] : what };
        foreach (var error in errors)
        {
            var colon = error.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0) details.TryAdd(error[..colon], error[(colon + 2)..]);
        }
        return new ProtocolException(422, "validation_error", $"{what}: {string.Join("; ", errors)}", details);
    }
}
