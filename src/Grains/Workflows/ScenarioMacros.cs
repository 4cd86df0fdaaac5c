using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Axme.Grains.Interfaces.Workflows;

namespace Axme.Grains.Workflows;

/// <summary>
/// Workflow templates (PROTOCOL §8.5, <c>workflow.macro_id</c>; docs/adr/021), pure: checking a template's definition,
/// and expanding a bundle's <c>{macro_id, parameters, steps}</c> into the plain steps the compiler knows. A template's
/// steps carry <c>{{name}}</c> placeholders; a bundle's parameters (else the defaults) fill them, and the bundle's own
/// steps then act as overrides: one with a template step's step_id replaces that step's members, others are added.
/// </summary>
public static partial class ScenarioMacros
{
    public const int MaxParameters = 50;

    [GeneratedRegex(@"\{\{\s*([a-z][a-z0-9_]{0,63})\s*\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^[a-z][a-z0-9_]{0,63}$")]
    private static partial Regex ParameterName();

    /// <summary>The templates every workspace has: the node's example scenarios (Workflows/Macros/*.json).</summary>
    public static IReadOnlyList<WorkflowMacro> BuiltIns => BuiltInMacros.Value;

    private static readonly Lazy<IReadOnlyList<WorkflowMacro>> BuiltInMacros = new(() =>
    {
        var assembly = typeof(ScenarioMacros).Assembly;
        return [.. assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("macros/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                var (macro, errors) = Define((JsonObject)JsonNode.Parse(stream)!, builtin: true);
                return macro ?? throw new InvalidOperationException($"built-in template {n} is not valid: {string.Join("; ", errors)}");
            })];
    });

    public static WorkflowMacro? BuiltIn(string macroId) => BuiltIns.FirstOrDefault(m => m.MacroId == macroId);

    /// <summary>The template a bundle names (workflow.macro_id), if any.</summary>
    public static string? MacroIdOf(JsonObject bundle) => bundle["workflow"] is JsonObject w ? Str(w, "macro_id") : null;

    /// <summary>
    /// A template from its definition <c>{macro_id, description, parameters: [{name, default, description, type}], steps}</c>:
    /// the template, or every problem with its path. Every placeholder must name a parameter, and an integer parameter's
    /// default must be an integer.
    /// </summary>
    public static (WorkflowMacro? Macro, IReadOnlyList<string> Errors) Define(JsonObject definition, bool builtin = false)
    {
        var errors = new List<string>();
        void Error(string path, string message) => errors.Add($"{path}: {message}");

        var macroId = Str(definition, "macro_id");
        if (macroId is null) Error("macro_id", "is required");
        else if (!ScenarioCompiler.IsId(macroId)) Error("macro_id", $"'{macroId}' must match ^[a-z0-9_]+(\\.[a-z0-9_]+)*$ (3–255)");
        var description = Str(definition, "description");
        if (description is { Length: > 1000 }) Error("description", "must be at most 1000 characters");

        var parameters = new List<MacroParameter>();
        if (definition["parameters"] is not null and not JsonArray) Error("parameters", "must be a list");
        var list = definition["parameters"] as JsonArray ?? [];
        if (list.Count > MaxParameters) Error("parameters", $"must have at most {MaxParameters} items");
        for (var i = 0; i < list.Count; i++)
        {
            var path = $"parameters[{i}]";
            if (list[i] is not JsonObject p) { Error(path, "must be an object"); continue; }
            var name = Str(p, "name");
            var type = Str(p, "type") ?? MacroParameterTypes.String;
            var fallback = Value(p["default"]);
            if (name is null || !ParameterName().IsMatch(name)) { Error($"{path}.name", "is required and must match ^[a-z][a-z0-9_]{0,63}$"); continue; }
            if (parameters.Any(x => x.Name == name)) Error($"{path}.name", $"duplicate parameter '{name}'");
            if (!MacroParameterTypes.All.Contains(type)) Error($"{path}.type", $"must be one of {string.Join(", ", MacroParameterTypes.All)}");
            if (p["default"] is not null && fallback is null) Error($"{path}.default", "must be a string, a number or a boolean");
            if (type == MacroParameterTypes.Integer && fallback is not null && !int.TryParse(fallback, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                Error($"{path}.default", $"'{fallback}' is not an integer");
            parameters.Add(new MacroParameter { Name = name, Default = fallback, Description = Str(p, "description"), Type = type });
        }

        var steps = definition["steps"] as JsonArray;
        if (steps is not { Count: > 0 and <= 100 }) Error("steps", "is required: a list of 1 to 100 workflow steps (PROTOCOL §8.1)");
        else
        {
            for (var i = 0; i < steps.Count; i++)
                if (steps[i] is not JsonObject s || Str(s, "step_id") is null) Error($"steps[{i}]", "must be an object with a step_id");
            foreach (Match m in Placeholder().Matches(steps.ToJsonString()))
                if (parameters.All(p => p.Name != m.Groups[1].Value)) Error("steps", $"{{{{{m.Groups[1].Value}}}}} names no parameter");
        }
        if (errors.Count > 0) return (null, errors.Distinct().ToArray());
        return (new WorkflowMacro
        {
            MacroId = macroId!, Description = description, Parameters = parameters, StepsJson = steps!.ToJsonString(), Builtin = builtin,
        }, []);
    }

    /// <summary>
    /// The bundle with its workflow's template expanded (a copy: <c>workflow</c> then has plain steps and its entry_step),
    /// or every problem with its bundle path. <paramref name="macro"/> is the template the bundle names, null when there is none.
    /// </summary>
    public static (JsonObject? Bundle, IReadOnlyList<string> Errors) Expand(JsonObject bundle, WorkflowMacro? macro)
    {
        var macroId = MacroIdOf(bundle) ?? throw new ArgumentException("the bundle names no template", nameof(bundle));
        if (macro is null) return (null, [$"workflow.macro_id: unknown template '{macroId}' (GET /v1/tool-registry/macros lists them)"]);
        var workflow = (JsonObject)bundle["workflow"]!;
        var errors = new List<string>();
        void Error(string path, string message) => errors.Add($"{path}: {message}");

        var given = workflow["parameters"] switch
        {
            null => [],
            JsonObject o => o,
            _ => null,
        };
        if (given is null) Error("workflow.parameters", "must be an object of parameter names and values");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, node) in given ?? [])
        {
            if (macro.Parameters.All(p => p.Name != name))
                Error($"workflow.parameters.{name}", $"is not a parameter of template '{macro.MacroId}' (it has: {string.Join(", ", macro.Parameters.Select(p => p.Name))})");
            else if (Value(node) is { } value) values[name] = value;
            else if (node is not null) Error($"workflow.parameters.{name}", "must be a string, a number or a boolean");
        }
        foreach (var p in macro.Parameters)
        {
            var value = values.GetValueOrDefault(p.Name) ?? p.Default;
            if (value is null) Error($"workflow.parameters.{p.Name}", $"is required by template '{macro.MacroId}'");
            else if (p.Type == MacroParameterTypes.Integer && !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                Error($"workflow.parameters.{p.Name}", $"'{value}' is not an integer");
            else values[p.Name] = value;
        }
        var overrides = workflow["steps"] switch
        {
            null => [],
            JsonArray a => a,
            _ => null,
        };
        if (overrides is null) Error("workflow.steps", "must be a list (overrides of the template's steps)");
        for (var i = 0; i < (overrides?.Count ?? 0); i++)
            if (overrides![i] is not JsonObject s || Str(s, "step_id") is null) Error($"workflow.steps[{i}]", "must be an object with a step_id");
        if (errors.Count > 0) return (null, errors);

        var steps = (JsonArray)JsonNode.Parse(macro.StepsJson)!;
        Substitute(steps, macro, values);
        foreach (var o in overrides!.Cast<JsonObject>())
        {
            var id = Str(o, "step_id");
            if (steps.OfType<JsonObject>().FirstOrDefault(s => Str(s, "step_id") == id) is { } step)
            {
                foreach (var (key, value) in o)
                {
                    if (value is null) step.Remove(key);
                    else step[key] = value.DeepClone();
                }
            }
            else steps.Add(o.DeepClone());
        }
        var expanded = bundle.DeepClone().AsObject();
        var plain = new JsonObject { ["steps"] = steps };
        if (workflow["entry_step"] is { } entry) plain["entry_step"] = entry.DeepClone();
        expanded["workflow"] = plain;
        return (expanded, []);
    }

    /// <summary>
    /// Placeholders replaced in place, in every string of the (freshly parsed) steps: a string that is one placeholder of
    /// an integer parameter becomes that number (step_deadline_seconds: "{{deadline}}" → 60); elsewhere the value is put
    /// into the text.
    /// </summary>
    private static void Substitute(JsonNode? node, WorkflowMacro macro, IReadOnlyDictionary<string, string> values)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToArray())
                    if (Filled(o[key], macro, values) is { } filled) o[key] = filled;
                    else Substitute(o[key], macro, values);
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    if (Filled(a[i], macro, values) is { } filled) a[i] = filled;
                    else Substitute(a[i], macro, values);
                break;
        }
    }

    /// <summary>The value that replaces a string with placeholders; null for any other node.</summary>
    private static JsonValue? Filled(JsonNode? node, WorkflowMacro macro, IReadOnlyDictionary<string, string> values)
    {
        if (node is not JsonValue v || !v.TryGetValue<string>(out var s) || !s.Contains("{{", StringComparison.Ordinal)) return null;
        var whole = Placeholder().Match(s);
        if (whole.Success && whole.Length == s.Length && macro.Parameters.First(p => p.Name == whole.Groups[1].Value).Type == MacroParameterTypes.Integer)
            return JsonValue.Create(int.Parse(values[whole.Groups[1].Value], CultureInfo.InvariantCulture));
        return JsonValue.Create(Placeholder().Replace(s, m => values[m.Groups[1].Value]));
    }

    /// <summary>A string member, "" as absent (the compiler's rule).</summary>
    private static string? Str(JsonObject o, string name) => ScenarioCompiler.Str(o, name);

    /// <summary>A parameter value as text: strings as they are, numbers and booleans as JSON writes them.</summary>
    private static string? Value(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.GetValueKind() is System.Text.Json.JsonValueKind.Number or System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False
            => v.ToJsonString(),
        _ => null,
    };
}
