using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Axme.Grains.Common;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Workflows;

namespace Axme.Grains.Workflows;

/// <summary>
/// Validates a ScenarioBundle (PROTOCOL §8.1) and compiles it into a plan (pure). Every problem is reported
/// at once, each prefixed with its JSON path; lenient exactly where §8.1 says the official CLI needs it
/// (unknown extra fields ignored, "" treated as absent, missing human contacts only warned about).
/// </summary>
public static partial class ScenarioCompiler
{
    public const string AgentTool = "tool.agent.task.v1";
    public const string HumanTool = "tool.approval.human_signoff";

    [GeneratedRegex(@"^[a-z0-9_]+(?:\.[a-z0-9_]+)*$")]
    private static partial Regex IdPattern();

    /// <summary>Whether the text is a scenario, type or template id (^[a-z0-9_]+(\.[a-z0-9_]+)*$, 3–255).</summary>
    public static bool IsId(string id) => id.Length is >= 3 and <= 255 && IdPattern().IsMatch(id);

    /// <summary>Compiles a bundle whose template, if it names one, was expanded (<see cref="ScenarioMacros.Expand"/>).</summary>
    public static ScenarioCheck Compile(JsonObject bundle, Caller caller)
    {
        var errors = new List<string>();
        var warnings = new List<string>();
        void Error(string path, string message) => errors.Add($"{path}: {message}");

        var scenarioId = Str(bundle, "scenario_id");
        if (scenarioId is null) Error("scenario_id", "is required");
        else if (scenarioId.Length is < 3 or > 255 || !IdPattern().IsMatch(scenarioId)) Error("scenario_id", $"'{scenarioId}' must match ^[a-z0-9_]+(\\.[a-z0-9_]+)*$ (3–255)");

        var agents = new List<ScenarioAgent>();
        foreach (var (a, i) in Items(bundle, "agents", 50, Error))
        {
            var path = $"agents[{i}]";
            var role = Str(a, "role");
            var address = Str(a, "address");
            if (role is null) Error($"{path}.role", "is required");
            if (address is null) Error($"{path}.address", "is required");
            var mode = Str(a, "delivery_mode");
            if (mode is not null && !Interfaces.Agents.DeliveryModes.All.Contains(mode))
                Error($"{path}.delivery_mode", $"must be one of {string.Join(", ", Interfaces.Agents.DeliveryModes.All)}");
            if (role is null || address is null) continue;
            if (agents.Any(x => x.Role == role)) Error($"{path}.role", $"duplicate role '{role}'");
            var canonical = AgentAddress.Canonical(address, caller);
            var create = a["create_if_missing"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
            var inWorkspace = canonical.StartsWith(AgentAddress.Canonical("x", caller)[..^1], StringComparison.Ordinal);
            if (create && !inWorkspace) Error($"{path}.address", $"{canonical} is outside the caller's workspace: it cannot be created here");
            agents.Add(new ScenarioAgent(role, canonical, canonical[(canonical.LastIndexOf('/') + 1)..], Str(a, "display_name"), create, mode));
        }
        var humans = new List<string>();
        foreach (var (h, i) in Items(bundle, "humans", 20, Error))
        {
            var role = Str(h, "role");
            if (role is null) { Error($"humans[{i}].role", "is required"); continue; }
            if (humans.Contains(role) || agents.Any(x => x.Role == role)) Error($"humans[{i}].role", $"duplicate role '{role}'");
            humans.Add(role);
            if (Str(h, "contact") is null) warnings.Add($"humans[{i}].contact: none given; the task is answered through /v1/me/tasks, the inbox or the CLI");
        }

        var steps = new List<WorkflowStep>();
        var workflow = bundle["workflow"] as JsonObject;
        if (workflow is null) Error("workflow", "is required (an object with steps)");
        else
        {
            if (Str(workflow, "macro_id") is { } macro) Error("workflow.macro_id", $"the template '{macro}' was not expanded");
            var list = Items(workflow, "steps", 100, (p, m) => Error("workflow." + p, m)).ToList();
            if (list.Count == 0 && workflow["steps"] is not null) Error("workflow.steps", "must have 1 to 100 steps");
            else if (workflow["steps"] is null) Error("workflow.steps", "is required");
            foreach (var (s, i) in list)
                if (CompileStep(s, $"workflow.steps[{i}]", agents, humans, caller, Error) is { } step)
                {
                    if (steps.Any(x => x.StepId == step.StepId)) Error($"workflow.steps[{i}].step_id", $"duplicate step_id '{step.StepId}'");
                    steps.Add(step);
                }
            foreach (var (step, i) in steps.Select((s, i) => (s, i)))
            {
                if (step.OnSuccess is { } ok && steps.All(x => x.StepId != ok)) Error($"workflow.steps[{i}].on_success", $"no step '{ok}'");
                if (step.OnFailure is { } ko && steps.All(x => x.StepId != ko)) Error($"workflow.steps[{i}].on_failure", $"no step '{ko}'");
            }
            if (Str(workflow, "entry_step") is { } entry && steps.All(x => x.StepId != entry)) Error("workflow.entry_step", $"no step '{entry}'");
        }

        var intent = bundle["intent"] as JsonObject;
        string? type = null;
        DateTimeOffset? deadline = null;
        if (intent is null) Error("intent", "is required");
        else
        {
            type = Str(intent, "type");
            if (type is null) Error("intent.type", "is required");
            else if (!IdPattern().IsMatch(type)) Error("intent.type", $"'{type}' must match ^[a-z0-9_]+(\\.[a-z0-9_]+)*$");
            if (intent["payload"] is { } p && p is not JsonObject) Error("intent.payload", "must be an object");
            if (Str(intent, "deadline_at") is { } d)
            {
                if (DateTimeOffset.TryParse(d, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) deadline = at.ToUniversalTime();
                else Error("intent.deadline_at", "must be an RFC 3339 timestamp");
            }
            foreach (var f in new[] { "remind_after_seconds", "remind_interval_seconds", "max_reminders", "max_delivery_attempts" })
                PositiveInt(intent, f, "intent." + f, Error);
        }
        if (errors.Count > 0 || scenarioId is null || intent is null || type is null || steps.Count == 0) return new ScenarioCheck(errors, warnings, null);

        var run = new WorkflowRun
        {
            ScenarioId = scenarioId, CompileId = CompileId(steps), Steps = steps,
            Current = Str(workflow!, "entry_step") ?? steps[0].StepId,
        };
        return new ScenarioCheck(errors, warnings, new ScenarioPlan
        {
            ScenarioId = scenarioId, Agents = agents, Workflow = run, IntentType = type,
            PayloadJson = IntentPayload(bundle)!.Value.PayloadJson, DeadlineAt = deadline,
            RemindAfterSeconds = PositiveInt(intent, "remind_after_seconds", "", (_, _) => { }),
            RemindIntervalSeconds = PositiveInt(intent, "remind_interval_seconds", "", (_, _) => { }),
            MaxReminders = PositiveInt(intent, "max_reminders", "", (_, _) => { }),
            EscalateTo = Str(intent, "escalate_to"),
            MaxDeliveryAttempts = PositiveInt(intent, "max_delivery_attempts", "", (_, _) => { }),
            IdempotencyKey = Str(bundle, "idempotency_key"),
        });
    }

    /// <summary>
    /// The bundle's intent type and payload (absent = {}) as the parent's create will send them, when both are
    /// well formed: what the schema of the type is checked against, even when other parts of the bundle are not valid.
    /// </summary>
    public static (string Type, string PayloadJson)? IntentPayload(JsonObject bundle) =>
        bundle["intent"] is JsonObject intent && Str(intent, "type") is { } type && IdPattern().IsMatch(type) && intent["payload"] is null or JsonObject
            ? (type, (intent["payload"] as JsonObject)?.ToJsonString() ?? JsonText.EmptyObject)
            : null;

    /// <summary>
    /// The check with each field the type's schema refuses as one more problem at its bundle path
    /// (intent.payload.&lt;field&gt;); a bundle with such a problem has no plan, so apply creates nothing.
    /// </summary>
    public static ScenarioCheck WithSchemaViolations(ScenarioCheck check, Schemas.SchemaViolations? violations) =>
        violations is null ? check : check with
        {
            Errors = [.. check.Errors, .. violations.Fields.Select(f => $"intent.{f.Key}: {f.Value}")],
            Plan = null,
        };

    private static WorkflowStep? CompileStep(JsonObject s, string path, List<ScenarioAgent> agents, List<string> humans, Caller caller, Action<string, string> error)
    {
        var stepId = Str(s, "step_id");
        if (stepId is null) error($"{path}.step_id", "is required");
        else if (stepId.Length > 100) error($"{path}.step_id", "must be at most 100 characters");
        var tool = Str(s, "tool_id");
        var runtime = Str(s, "runtime_type");
        var assigned = Str(s, "assigned_to");
        var requiresApproval = s["requires_approval"] is JsonValue r && r.TryGetValue<bool>(out var ra) && ra;
        if (tool is not null && tool is not (AgentTool or HumanTool)) error($"{path}.tool_id", $"unknown tool_id: {tool}");
        if (runtime is not null && !Steps.RuntimeSteps.Types.Contains(runtime))
            error($"{path}.runtime_type", $"must be one of {string.Join(", ", Steps.RuntimeSteps.Types)}");
        var agentRole = assigned is null ? null : agents.FirstOrDefault(a => a.Role == assigned);
        var humanRole = assigned is not null && humans.Contains(assigned);
        var human = runtime == Steps.RuntimeSteps.HumanApproval || tool == HumanTool || requiresApproval || (humanRole && runtime is null);
        string kind = runtime is not null && !human ? WorkflowStepKinds.Runtime : human ? WorkflowStepKinds.Human : WorkflowStepKinds.Agent;
        string? target = null;
        if (kind == WorkflowStepKinds.Agent)
        {
            if (assigned is null) error($"{path}.assigned_to", "an agent step names its agent (a role of agents[] or an address)");
            else if (agentRole is not null) target = agentRole.Address;
            else if (assigned.StartsWith(AgentAddress.Scheme, StringComparison.Ordinal)) target = AgentAddress.Canonical(assigned, caller);
            else error($"{path}.assigned_to", $"unknown role '{assigned}' (not in agents[])");
        }
        else if (kind == WorkflowStepKinds.Human)
        {
            // A human role alias is kept as it is: it names the assignees (users with that role, ADR 009).
            target = agentRole?.Address ?? assigned;
            if (assigned is not null && agentRole is null && !humanRole && !assigned.Contains('@', StringComparison.Ordinal) && !assigned.Contains(':', StringComparison.Ordinal))
                error($"{path}.assigned_to", $"unknown role '{assigned}' (not in humans[] or agents[])");
        }
        string? humanTask = null;
        if (kind == WorkflowStepKinds.Human)
        {
            var task = (s["human_task"] as JsonObject)?.DeepClone().AsObject() ?? (runtime == Steps.RuntimeSteps.HumanApproval ? s["runtime_config"] as JsonObject : null)?.DeepClone().AsObject() ?? new JsonObject();
            if (s["human_task"] is { } ht && ht is not JsonObject) error($"{path}.human_task", "must be an object");
            task.Remove("notify_email_required");
            try
            {
                humanTask = task.ToJsonString();
                Humans.HumanTasks.Normalize(humanTask, Guid.Empty);
            }
            catch (ProtocolException e)
            {
                error($"{path}.{e.Details?.GetValueOrDefault("field") ?? "human_task"}", e.Message);
            }
        }
        string? runtimeConfig = null;
        if (kind == WorkflowStepKinds.Runtime && runtime is not null)
        {
            try
            {
                runtimeConfig = Steps.RuntimeSteps.Normalize(runtime, (s["runtime_config"] as JsonObject)?.ToJsonString()).ToJsonString();
            }
            catch (ProtocolException e)
            {
                error($"{path}.{e.Details?.GetValueOrDefault("field") ?? "runtime_config"}", e.Message);
            }
        }
        var retry = s["retry"] as JsonObject;
        var step = new WorkflowStep
        {
            StepId = stepId ?? "", Kind = kind, AssignedTo = target, RuntimeType = kind == WorkflowStepKinds.Runtime ? runtime : null,
            RuntimeConfigJson = runtimeConfig, HumanTaskJson = humanTask,
            DeadlineSeconds = PositiveInt(s, "step_deadline_seconds", $"{path}.step_deadline_seconds", error),
            RemindAfterSeconds = PositiveInt(s, "remind_after_seconds", $"{path}.remind_after_seconds", error),
            RemindIntervalSeconds = PositiveInt(s, "remind_interval_seconds", $"{path}.remind_interval_seconds", error),
            MaxReminders = PositiveInt(s, "max_reminders", $"{path}.max_reminders", error),
            EscalateTo = Str(s, "escalate_to") is { } esc ? agents.FirstOrDefault(a => a.Role == esc)?.Address ?? esc : null,
            OnSuccess = Str(s, "on_success"), OnFailure = Str(s, "on_failure"),
            MaxRetries = retry is null ? 0 : NonNegativeInt(retry, "max_retries", $"{path}.retry.max_retries", error) ?? 0,
            RetryDelaySeconds = retry is null ? 30 : PositiveInt(retry, "retry_delay_seconds", $"{path}.retry.retry_delay_seconds", error) ?? 30,
            InputJson = (s["input"] as JsonObject)?.ToJsonString(),
        };
        return stepId is null ? null : step;
    }

    private static string CompileId(IReadOnlyList<WorkflowStep> steps) =>
        "cmp_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonText.Serialize(steps))))[..20];

    private static IEnumerable<(JsonObject Item, int Index)> Items(JsonObject parent, string name, int max, Action<string, string> error)
    {
        if (parent[name] is null) return [];
        if (parent[name] is not JsonArray a) { error(name, "must be a list"); return []; }
        if (a.Count > max) error(name, $"must have at most {max} items");
        var items = new List<(JsonObject, int)>();
        for (var i = 0; i < a.Count; i++)
        {
            if (a[i] is JsonObject o) items.Add((o, i));
            else error($"{name}[{i}]", "must be an object");
        }
        return items;
    }

    /// <summary>A string member; "" counts as absent (the CLI always sends some fields, possibly empty).</summary>
    internal static string? Str(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Trim().Length > 0 ? s.Trim() : null;

    private static int? PositiveInt(JsonObject o, string name, string path, Action<string, string> error) => Int(o, name, path, 1, error);

    private static int? NonNegativeInt(JsonObject o, string name, string path, Action<string, string> error) => Int(o, name, path, 0, error);

    private static int? Int(JsonObject o, string name, string path, int min, Action<string, string> error)
    {
        if (o[name] is null) return null;
        if (o[name] is JsonValue v && v.TryGetValue<int>(out var n) && n >= min) return n;
        error(path, $"must be an integer ≥ {min}");
        return null;
    }
}
