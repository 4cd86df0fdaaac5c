using System.Text.Json.Nodes;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Humans;

namespace Axme.Api.Web;

/// <summary>One input rendered from a form_schema property.</summary>
public sealed record FormField(string Name, string Label, string Kind, bool Required, IReadOnlyList<string> Options, string? Help);

/// <summary>
/// A human task as the inbox shows it: title, type, the outcomes it offers (allowed_outcomes, else its
/// type's), and the inputs of its form_schema; and the task_result a posted form means. Validation stays
/// with the server's rules (HumanTasks.Check): the page only collects strings, as the CLI does.
/// </summary>
public sealed class TaskForm
{
    /// <summary>Prefix of form_schema inputs, so a field may be called "outcome" or "comment".</summary>
    public const string FieldPrefix = "field.";

    private TaskForm(JsonObject task)
    {
        var type = Text(task, "task_type") ?? "approval";
        Type = HumanTaskTypes.Exists(type) ? type : "approval";
        Title = Text(task, "title") ?? Type + " task";
        Description = Text(task, "description");
        RequiredComment = task["required_comment"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
        RequiresEvidence = task["evidence_required"] is JsonValue e && e.TryGetValue<bool>(out var needed) && needed;
        Outcomes = task["allowed_outcomes"] is JsonArray { Count: > 0 } allowed
            ? [.. allowed.Select(a => a?.GetValue<string>()).OfType<string>()]
            : [.. HumanTaskTypes.Accept(Type), .. HumanTaskTypes.Decline(Type)];
        Fields = task["form_schema"] is JsonObject schema ? ReadFields(schema) : [];
    }

    public string Type { get; }
    public string Title { get; }
    public string? Description { get; }
    public bool RequiredComment { get; }
    /// <summary>The answer must carry evidence (files attached with the form count).</summary>
    public bool RequiresEvidence { get; }
    public IReadOnlyList<string> Outcomes { get; }
    public IReadOnlyList<FormField> Fields { get; }

    public static TaskForm Parse(string humanTaskJson) =>
        new(JsonNode.Parse(humanTaskJson) as JsonObject ?? throw new ProtocolException(409, "not_waiting_for_human", "intent has no human task"));

    /// <summary>True for outcomes that decline the task (shown as secondary buttons).</summary>
    public bool Declines(string outcome) => HumanTaskTypes.Decline(Type).Contains(outcome) || outcome is "rejected" or "declined" or "failed";

    /// <summary>A button's label: Approve, Reject, Request changes, Submit, …</summary>
    public static string Label(string outcome) => outcome switch
    {
        "approved" => "Approve",
        "rejected" => "Reject",
        "changes_requested" => "Request changes",
        "submitted" => "Submit",
        "declined" => "Decline",
        _ => char.ToUpperInvariant(outcome[0]) + outcome[1..].Replace('_', ' '),
    };

    /// <summary>The input of a form's files: each is stored and named in the answer's evidence (docs/adr/023).</summary>
    public const string EvidenceInput = "evidence";

    /// <summary>
    /// The task_result of a posted form: outcome, comment and the non-empty field values as strings, and the evidence that
    /// names the files posted with it (stored already).
    /// </summary>
    public string Answer(IFormCollection form, JsonArray? evidence = null)
    {
        var result = new JsonObject { ["outcome"] = form["outcome"].ToString() };
        if (form["comment"].ToString() is { Length: > 0 } comment) result["comment"] = comment;
        foreach (var field in Fields)
        {
            if (form[FieldPrefix + field.Name].ToString() is { Length: > 0 } value) result[field.Name] = value;
        }
        if (evidence is { Count: > 0 }) result["evidence"] = evidence;
        return result.ToJsonString();
    }

    /// <summary>The values a user typed, to show again with the errors.</summary>
    public static IReadOnlyDictionary<string, string> Values(IFormCollection form) =>
        form.Keys.Where(k => k == "comment" || k.StartsWith(FieldPrefix, StringComparison.Ordinal))
            .ToDictionary(k => k, k => form[k].ToString(), StringComparer.Ordinal);

    /// <summary>Per-input messages from a 422's details (task_result.amount → field.amount, task_result.comment → comment).</summary>
    public static IReadOnlyDictionary<string, string> Errors(ProtocolException e)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, message) in e.Details ?? [])
        {
            if (key == "field") continue;
            var name = key.StartsWith("task_result.", StringComparison.Ordinal) ? key["task_result.".Length..] : key;
            errors[Input(name)] = message;
        }
        // Single-field refusals (comment_required, …) name their field under "field" with the message as the text.
        if (e.Details?.TryGetValue("field", out var field) == true && field.StartsWith("task_result.", StringComparison.Ordinal) && e.Code != "form_invalid")
        {
            errors[Input(field["task_result.".Length..])] = e.Message;
        }
        return errors;
    }

    /// <summary>The form input of a task_result member: comment and evidence have their own, fields are prefixed.</summary>
    private static string Input(string member) => member is "comment" or EvidenceInput ? member : FieldPrefix + member;

    private static IReadOnlyList<FormField> ReadFields(JsonObject schema)
    {
        if (schema["properties"] is not JsonObject properties) return [];
        var required = (schema["required"] as JsonArray)?.Select(r => r?.GetValue<string>()).OfType<string>().ToHashSet() ?? [];
        return [.. properties.Select(p =>
        {
            var s = p.Value as JsonObject ?? [];
            var options = (s["enum"] as JsonArray)?.Select(o => o?.ToString()).OfType<string>().ToArray() ?? [];
            var kind = options.Length > 0 ? "enum" : (Text(s, "type") ?? "string");
            return new FormField(p.Key, Text(s, "title") ?? p.Key, kind, required.Contains(p.Key), options, Text(s, "description"));
        })];
    }

    private static string? Text(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
}
