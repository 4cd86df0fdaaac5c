using System.Globalization;
using System.Text.Json.Nodes;
using Axme.Grains.Common;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Humans;

namespace Axme.Grains.Humans;

/// <summary>
/// The human task rules of PROTOCOL §7.1–7.4, pure: which task types exist, which outcomes each accepts or
/// declines, how a human_task is validated when an intent is created, and how a task_result is checked
/// (allowed outcomes, comment, evidence, per-type data, form_schema with the CLI's string values coerced).
/// </summary>
public static class HumanTasks
{
    /// <summary>task_result members that are not data fields.</summary>
    private static readonly HashSet<string> Envelope = ["outcome", "comment", "data", "evidence"];

    public static IEnumerable<string> TaskTypes => HumanTaskTypes.All;

    /// <summary>
    /// Validates a human_task on create and fills the defaults the clients rely on (task_type approval, a
    /// title) and the task's approval_id (the intent id, PROTOCOL §7.5). Every problem is a 422 naming its field.
    /// </summary>
    public static string Normalize(string humanTaskJson, Guid intentId)
    {
        var task = JsonText.Parse(humanTaskJson);
        var type = OptionalString(task, "task_type", 64) ?? "approval";
        if (!HumanTaskTypes.Exists(type))
            throw Invalid("human_task.task_type", $"unknown task_type '{type}'; one of {string.Join(", ", HumanTaskTypes.All)}", "invalid_task_type");
        task["task_type"] = type;
        var title = OptionalString(task, "title", 255);
        task["title"] = string.IsNullOrWhiteSpace(title) ? $"{type} task" : title;
        OptionalString(task, "description", 2000);
        OptionalString(task, "notify_email", 320);
        // allowed_outcomes may name domain outcomes beyond the type's vocabulary (e.g. needs_info): they restrict, not extend, checks.
        StringList(task, "allowed_outcomes", 20, 64);
        StringList(task, "assignees", 20, 320);
        OptionalBool(task, "required_comment");
        OptionalBool(task, "evidence_required");
        if (task["form_schema"] is { } schema)
        {
            if (schema is not JsonObject) throw Invalid("human_task.form_schema", "form_schema must be a JSON Schema object");
            if (JsonSchemas.Problem(schema) is { } problem)
                throw Invalid("human_task.form_schema", $"form_schema is not a valid JSON Schema: {problem}");
        }
        else if (type == "form")
        {
            throw Invalid("human_task.form_schema", "a form task needs a form_schema");
        }
        task["approval_id"] = intentId.ToString();
        return task.ToJsonString();
    }

    /// <summary>True when the outcome declines the task (the intent is CANCELED): the type's decline outcomes, and the usual refusals.</summary>
    public static bool Declines(string humanTaskJson, string outcome) => DeclinedBy(TaskType(humanTaskJson), outcome);

    private static bool DeclinedBy(string type, string outcome) =>
        HumanTaskTypes.Decline(type).Contains(outcome) || outcome is "rejected" or "declined" or "failed";

    /// <summary>The outcome an approval decision means for a task: its type's first accept or decline outcome (409 when there is no task).</summary>
    public static string DecisionOutcome(string? humanTaskJson, bool approve) => humanTaskJson is null
        ? throw ProtocolException.Conflict("not_waiting_for_human", "intent has no human task")
        : approve ? HumanTaskTypes.Accept(TaskType(humanTaskJson))[0] : HumanTaskTypes.Decline(TaskType(humanTaskJson))[0];

    /// <summary>
    /// Checks a task_result against its task and returns it with form values coerced to the schema's types.
    /// 422 with a code per rule (outcome_not_allowed, comment_required, evidence_required, assignee_required,
    /// data_required, form_invalid listing every bad field).
    /// </summary>
    public static string Check(string humanTaskJson, string taskResultJson)
    {
        var task = JsonText.Parse(humanTaskJson);
        var result = JsonText.Parse(taskResultJson);
        var type = TypeOf(task);
        var outcome = (result["outcome"] as JsonValue)?.TryGetValue<string>(out var o) == true ? o : null;
        if (string.IsNullOrEmpty(outcome)) throw Invalid("task_result.outcome", "task_result.outcome is required");
        if (task["allowed_outcomes"] is JsonArray { Count: > 0 } allowed)
        {
            if (!allowed.Any(a => a?.GetValue<string>() == outcome))
                throw Invalid("task_result.outcome", $"outcome '{outcome}' is not allowed; allowed: {string.Join(", ", allowed)}", "outcome_not_allowed");
        }
        else if (!IsKnownOutcome(type, outcome))
        {
            throw Invalid("task_result.outcome", $"outcome '{outcome}' is not an outcome of a {type} task; one of {string.Join(", ", HumanTaskTypes.Accept(type).Concat(HumanTaskTypes.Decline(type)))}", "outcome_not_allowed");
        }
        var comment = (result["comment"] as JsonValue)?.TryGetValue<string>(out var c) == true ? c : null;
        var declined = DeclinedBy(type, outcome);
        if ((Flag(task, "required_comment") || outcome is "changes_requested" or "override_approved") && string.IsNullOrWhiteSpace(comment))
            throw Invalid("task_result.comment", outcome is "changes_requested" or "override_approved" ? $"a comment is required with {outcome}" : "a comment is required", "comment_required");
        if (declined) return result.ToJsonString(); // a refusal carries no data
        if (Flag(task, "evidence_required") && IsEmpty(result["evidence"]) && IsEmpty((result["data"] as JsonObject)?["evidence"]))
            throw Invalid("task_result.evidence", "evidence is required (task_result.evidence or task_result.data.evidence)", "evidence_required");
        if (type == "assignment" && IsEmpty(result["assignee"]) && IsEmpty((result["data"] as JsonObject)?["assignee"]))
            throw Invalid("task_result.assignee", "an assignment names the assignee (task_result.assignee)", "assignee_required");
        if (type is "clarification" or "provide_data" && !result.Any(p => !Envelope.Contains(p.Key)) && IsEmpty(result["data"]))
            throw Invalid("task_result", $"a {type} answer carries the data asked for", "data_required");
        if (task["form_schema"] is JsonObject schema) ValidateForm(schema, result);
        return result.ToJsonString();
    }

    /// <summary>
    /// Validates the top level of task_result (where the CLI puts form fields, §7.2) against the schema,
    /// after coercing string values to the types the schema declares (the CLI sends every value as a string, §7.4).
    /// </summary>
    private static void ValidateForm(JsonObject schemaJson, JsonObject result)
    {
        Coerce(schemaJson, result);
        var instance = new JsonObject(result.Where(p => p.Key is not ("outcome" or "comment")).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        var errors = JsonSchemas.Errors(JsonSchemas.Parse(schemaJson.ToJsonString()), schemaJson, instance);
        if (errors.Count == 0) return;
        var details = new Dictionary<string, string> { ["field"] = "task_result" };
        foreach (var (field, message) in errors) details[field.Length == 0 ? "task_result" : "task_result." + field] = message;
        throw new ProtocolException(422, "form_invalid",
            "the form has errors: " + string.Join("; ", errors.Select(e => $"{(e.Key.Length == 0 ? "task_result" : e.Key)} {e.Value}")), details);
    }

    /// <summary>String values of top-level properties become the schema's boolean, integer, number, object or array.</summary>
    public static void Coerce(JsonObject schema, JsonObject result)
    {
        if (schema["properties"] is not JsonObject properties) return;
        foreach (var (name, propertySchema) in properties)
        {
            if (result[name] is not JsonValue v || !v.TryGetValue<string>(out var text)) continue;
            var types = propertySchema?["type"] switch
            {
                JsonValue t when t.TryGetValue<string>(out var one) => [one],
                JsonArray many => many.Select(x => x?.GetValue<string>()).OfType<string>().ToArray(),
                _ => Array.Empty<string>(),
            };
            if (types.Contains("string")) continue;
            JsonNode? coerced = null;
            foreach (var type in types)
            {
                coerced = type switch
                {
                    "boolean" when bool.TryParse(text, out var b) => JsonValue.Create(b),
                    "integer" when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => JsonValue.Create(i),
                    "number" when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
                    "object" or "array" => TryParse(text, type),
                    "null" when text == "null" => null,
                    _ => coerced,
                };
                if (coerced is not null) break;
            }
            if (coerced is not null) result[name] = coerced;
        }
    }

    private static JsonNode? TryParse(string text, string type)
    {
        try
        {
            var node = JsonNode.Parse(text);
            return (type == "object" && node is JsonObject) || (type == "array" && node is JsonArray) ? node : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string TaskType(string humanTaskJson) => TypeOf(JsonText.Parse(humanTaskJson));

    private static string TypeOf(JsonObject task) =>
        (task["task_type"] as JsonValue)?.TryGetValue<string>(out var t) == true && t is not null && HumanTaskTypes.Exists(t) ? t : "approval";

    private static bool IsKnownOutcome(string type, string outcome) =>
        HumanTaskTypes.Exists(type) && (HumanTaskTypes.Accept(type).Contains(outcome) || HumanTaskTypes.Decline(type).Contains(outcome));

    private static bool Flag(JsonObject task, string name) => task[name] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static bool IsEmpty(JsonNode? node) => node switch
    {
        null => true,
        JsonValue v when v.TryGetValue<string>(out var s) => string.IsNullOrWhiteSpace(s),
        JsonArray a => a.Count == 0,
        JsonObject o => o.Count == 0,
        _ => false,
    };

    private static string? OptionalString(JsonObject task, string name, int max)
    {
        if (task[name] is null) return null;
        if (task[name] is not JsonValue v || !v.TryGetValue<string>(out var s)) throw Invalid("human_task." + name, $"{name} must be a string");
        return s.Length <= max ? s : throw Invalid("human_task." + name, $"{name} must be at most {max} characters");
    }

    private static void OptionalBool(JsonObject task, string name)
    {
        if (task[name] is not null && (task[name] is not JsonValue v || !v.TryGetValue<bool>(out _)))
            throw Invalid("human_task." + name, $"{name} must be true or false");
    }

    private static string[]? StringList(JsonObject task, string name, int maxItems, int maxLength)
    {
        if (task[name] is null) return null;
        if (task[name] is not JsonArray a || a.Any(x => x is not JsonValue v || !v.TryGetValue<string>(out var s) || s.Length is 0 || s.Length > maxLength))
            throw Invalid("human_task." + name, $"{name} must be a list of 1–{maxLength} character strings");
        return a.Count is >= 1 && a.Count <= maxItems
            ? a.Select(x => x!.GetValue<string>()).ToArray()
            : throw Invalid("human_task." + name, $"{name} must have 1 to {maxItems} items");
    }

    private static ProtocolException Invalid(string field, string message, string code = "validation_error") =>
        ProtocolException.Invalid(field, message, code);
}
