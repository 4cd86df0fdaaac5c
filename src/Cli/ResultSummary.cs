using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Axme.Cli;

/// <summary>
/// The closing line of an example's story, derived from the final intent rather than written per example:
/// the subject comes from the intent type (<c>intent.deployment.approval.v1</c> → "deployment approval"), the
/// verb from the human step's outcome or the terminal status. "deployment approved", "compliance check
/// completed", "deployment rejected", "compliance check failed: step_failed".
/// </summary>
public static partial class ResultSummary
{
    /// <summary>The last words of a type that name the sign-off itself; with an outcome they make way for it ("budget approval" → "budget approved").</summary>
    private static readonly string[] SignOffWords = ["approval", "approvals", "signoff", "sign_off", "sign-off"];

    /// <summary>The one-line summary of a terminal intent.</summary>
    /// <param name="intentType">The intent type.</param>
    /// <param name="status">The terminal status.</param>
    /// <param name="result">The result (a workflow's: {scenario_id, steps: {step_id: step result}}).</param>
    /// <param name="error">The error ({code, outcome?, step_id?, …}).</param>
    public static string Describe(string? intentType, string? status, JsonNode? result, JsonNode? error)
    {
        var segments = Segments(intentType);
        var subject = segments.Count == 0 ? "intent" : string.Join(' ', segments);
        var code = Str(error?["code"]);
        switch (status)
        {
            case "COMPLETED":
                return HumanOutcome(result) is { } outcome ? $"{Noun(segments)} {Words(outcome)}" : $"{subject} completed";
            case "FAILED" when code == "step_rejected" && Str(error?["outcome"]) is { } declined:
                return $"{Noun(segments)} {Words(declined)}";
            case "FAILED":
                return code is null ? $"{subject} failed" : $"{subject} failed: {code}";
            case "TIMED_OUT":
                return code is null ? $"{subject} timed out" : $"{subject} timed out: {code}";
            case "CANCELED":
                return $"{subject} canceled";
            default:
                return $"{subject} {Words((status ?? "unknown").ToLowerInvariant())}";
        }
    }

    /// <summary>The type's dotted segments without the <c>intent.</c> prefix and the <c>.vN</c> suffix, underscores as spaces.</summary>
    private static List<string> Segments(string? intentType)
    {
        var parts = (intentType ?? "").Split('.', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (parts.Count > 0 && parts[0] == "intent") parts.RemoveAt(0);
        if (parts.Count > 0 && VersionSuffix().IsMatch(parts[^1])) parts.RemoveAt(parts.Count - 1);
        return [.. parts.Select(Words)];
    }

    /// <summary>The subject without a closing sign-off word: "deployment cab approval" → "deployment".</summary>
    private static string Noun(List<string> segments)
    {
        if (segments.Count == 0) return "request";
        var last = segments[^1];
        var drop = SignOffWords.Any(w => last == Words(w) || last.EndsWith(" " + Words(w), StringComparison.Ordinal));
        return drop && segments.Count > 1 ? string.Join(' ', segments[..^1]) : drop ? "request" : string.Join(' ', segments);
    }

    /// <summary>The outcome a human gave: a task intent's <c>outcome</c>, or the last workflow step that has one.</summary>
    private static string? HumanOutcome(JsonNode? result)
    {
        if (Str(result?["outcome"]) is { } direct) return direct;
        return (result?["steps"] as JsonObject)?.Select(s => Str(s.Value?["outcome"])).LastOrDefault(o => o is not null);
    }

    private static string Words(string text) => text.Replace('_', ' ').Trim();

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;

    [GeneratedRegex("^v[0-9]+$")]
    private static partial Regex VersionSuffix();
}
