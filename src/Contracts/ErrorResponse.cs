namespace Axme.Contracts;

/// <summary>
/// Every refusal (PROTOCOL §4.1): the superset body in which each official client's parser finds its message —
/// <c>{"ok": false, "error": {"code", "message", "details"}, "detail"}</c>.
/// </summary>
public sealed record ErrorResponse
{
    /// <summary>Always false.</summary>
    public bool Ok { get; init; }
    /// <summary>What went wrong.</summary>
    public required ErrorDetail Error { get; init; }
    /// <summary>The message again, where FastAPI-style parsers look for it.</summary>
    public required string Detail { get; init; }
}

/// <summary>The error object of an <see cref="ErrorResponse"/>.</summary>
public sealed record ErrorDetail
{
    /// <summary>A stable code, e.g. <c>validation_error</c>, <c>intent_already_terminal</c>, <c>rate_limited</c>.</summary>
    public required string Code { get; init; }
    /// <summary>A sentence for people.</summary>
    public required string Message { get; init; }
    /// <summary>Specifics, e.g. the <c>field</c> a validation error names.</summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>();
}
