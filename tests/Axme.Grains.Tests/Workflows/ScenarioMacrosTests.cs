using System.Text.Json.Nodes;
using Axme.Grains.Interfaces.Workflows;
using Axme.Grains.Workflows;

namespace Axme.Grains.Tests.Workflows;

/// <summary>Workflow templates (PROTOCOL §8.5, docs/adr/021): definitions checked, bundles expanded, then compiled as usual.</summary>
public sealed class ScenarioMacrosTests
{
    private static JsonObject Example(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "scenarios", file)))!.AsObject();

    private static string CompileId(JsonObject bundle)
    {
        var check = ScenarioCompiler.Compile(bundle, TestData.Caller());
        Assert.Empty(check.Errors);
        return check.Plan!.Workflow.CompileId;
    }

    private static JsonObject Expanded(JsonObject bundle)
    {
        var (expanded, errors) = ScenarioMacros.Expand(bundle, ScenarioMacros.BuiltIn(ScenarioMacros.MacroIdOf(bundle)!));
        Assert.Empty(errors);
        return expanded!;
    }

    /// <summary>
    /// Each example with its workflow replaced by its template: what the defaults leave open comes as parameters, and a
    /// human task richer than a template's title and description (a form schema, an e-mail to notify) as an override.
    /// </summary>
    public static TheoryData<string, string, string, bool> Examples => new()
    {
        { "delivery.stream.json", "delivery.stream.v1", "{}", false },
        { "internal.timeout.json", "internal.timeout.v1", "{}", false },
        { "human.cli.json", "human.cli.v1", """{"title": "Deployment approval — api-gateway v3.2.1 → staging", "task_description": "Review readiness check results and approve or reject the deployment."}""", false },
        { "human.email.json", "human.email.v1", "{}", true },
        { "full.multi-agent.json", "full.multi_agent.v1", "{}", true },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_is_a_built_in_template_that_compiles_to_the_examples_own_workflow(string file, string macroId, string parameters, bool overrideTask)
    {
        var example = Example(file);
        var steps = example["workflow"]!["steps"]!.AsArray();
        var bundle = example.DeepClone().AsObject();
        var overrides = new JsonArray();
        if (overrideTask) overrides.Add(new JsonObject { ["step_id"] = steps[^1]!["step_id"]!.DeepClone(), ["human_task"] = steps[^1]!["human_task"]!.DeepClone() });
        bundle["workflow"] = new JsonObject { ["macro_id"] = macroId, ["parameters"] = JsonNode.Parse(parameters), ["steps"] = overrides };

        var expanded = Expanded(bundle);

        Assert.Equal(CompileId(example), CompileId(expanded));
        Assert.Equal(steps.Count, expanded["workflow"]!["steps"]!.AsArray().Count);
        Assert.Null(expanded["workflow"]!["macro_id"]);
    }

    [Fact]
    public void Parameters_fill_placeholders_an_integer_filling_a_whole_value_becomes_a_number_and_overrides_add_steps()
    {
        var bundle = Example("human.cli.json");
        bundle["workflow"] = JsonNode.Parse("""
            {"macro_id": "human.cli.v1",
             "parameters": {"approval_deadline_seconds": 120, "max_reminders": "1", "title": "Ship {{it}}?"},
             "steps": [{"step_id": "ops_approval", "remind_after_seconds": null},
                       {"step_id": "notify", "runtime_type": "notification"}]}
            """);

        var steps = Expanded(bundle)["workflow"]!["steps"]!.AsArray();

        var approval = steps[1]!.AsObject();
        Assert.Equal(120, approval["step_deadline_seconds"]!.GetValue<int>());
        Assert.Equal(1, approval["max_reminders"]!.GetValue<int>());
        Assert.Null(approval["remind_after_seconds"]); // an override's null removes the member
        Assert.Equal("Ship {{it}}?", approval["human_task"]!["title"]!.GetValue<string>()); // values are not expanded again
        Assert.Equal("checker", steps[0]!["assigned_to"]!.GetValue<string>());
        Assert.Equal("notify", steps[2]!["step_id"]!.GetValue<string>());
        Assert.Empty(ScenarioCompiler.Compile(Expanded(bundle), TestData.Caller()).Errors);
    }

    [Fact]
    public void A_bundle_with_unknown_bad_or_missing_parameters_gets_every_problem_by_path()
    {
        var (macro, _) = ScenarioMacros.Define(JsonNode.Parse("""
            {"macro_id": "team.review.v1", "parameters": [{"name": "reviewer"}, {"name": "days", "type": "integer", "default": "2"}],
             "steps": [{"step_id": "review", "assigned_to": "{{reviewer}}", "step_deadline_seconds": "{{days}}"}]}
            """)!.AsObject());
        var bundle = JsonNode.Parse("""{"workflow": {"macro_id": "team.review.v1", "parameters": {"days": "two", "colour": "red"}, "steps": {}}}""")!.AsObject();

        var (expanded, errors) = ScenarioMacros.Expand(bundle, macro);

        Assert.Null(expanded);
        Assert.Contains(errors, e => e.StartsWith("workflow.parameters.colour: is not a parameter of template 'team.review.v1' (it has: reviewer, days)"));
        Assert.Contains("workflow.parameters.days: 'two' is not an integer", errors);
        Assert.Contains("workflow.parameters.reviewer: is required by template 'team.review.v1'", errors);
        Assert.Contains(errors, e => e.StartsWith("workflow.steps: must be a list"));
        Assert.Equal(["workflow.macro_id: unknown template 'team.review.v1' (GET /v1/tool-registry/macros lists them)"], ScenarioMacros.Expand(bundle, null).Errors);
    }

    [Fact]
    public void A_definition_with_problems_is_refused_with_each_of_them()
    {
        var (macro, errors) = ScenarioMacros.Define(JsonNode.Parse("""
            {"macro_id": "Bad Id", "parameters": [{"name": "n", "type": "integer", "default": "ten"}, {"name": "n"}, {"name": "9x"}, {"name": "t", "type": "date"}],
             "steps": [{"step_id": "a", "assigned_to": "{{who}}"}, {"no_id": true}]}
            """)!.AsObject());

        Assert.Null(macro);
        Assert.Contains(errors, e => e.StartsWith("macro_id: 'Bad Id' must match"));
        Assert.Contains("parameters[0].default: 'ten' is not an integer", errors);
        Assert.Contains("parameters[1].name: duplicate parameter 'n'", errors);
        Assert.Contains(errors, e => e.StartsWith("parameters[2].name: is required and must match"));
        Assert.Contains("parameters[3].type: must be one of string, integer", errors);
        Assert.Contains("steps[1]: must be an object with a step_id", errors);
        Assert.Contains("steps: {{who}} names no parameter", errors);
        Assert.Contains("steps: is required: a list of 1 to 100 workflow steps (PROTOCOL §8.1)", ScenarioMacros.Define([]).Errors);
    }

    [Fact]
    public void The_built_in_templates_are_the_five_examples_each_with_every_parameter_defaulted()
    {
        Assert.Equal(["delivery.stream.v1", "full.multi_agent.v1", "human.cli.v1", "human.email.v1", "internal.timeout.v1"],
            ScenarioMacros.BuiltIns.Select(m => m.MacroId));
        Assert.All(ScenarioMacros.BuiltIns, m =>
        {
            Assert.True(m.Builtin);
            Assert.False(string.IsNullOrEmpty(m.Description));
            Assert.All(m.Parameters, p => Assert.NotNull(p.Default));
            Assert.All(m.Parameters.Where(p => p.Type == MacroParameterTypes.Integer), p => Assert.True(int.TryParse(p.Default, out _)));
        });
    }
}
