using System.Text.Json.Nodes;
using Axme.Grains.Humans;
using Axme.Grains.Interfaces.Common;

namespace Axme.Grains.Tests.Humans;

/// <summary>The human task rules (PROTOCOL §7.1–7.4): types, outcomes, required data and forms.</summary>
public sealed class HumanTasksTests
{
    private static readonly Guid Id = Guid.Parse("6a1f0c52-2d4b-4a43-9e55-0b8c7a6f3e10");

    private static string Task(string json) => HumanTasks.Normalize(json, Id);

    private static ProtocolException Refused(string task, string result) =>
        Assert.Throws<ProtocolException>(() => HumanTasks.Check(Task(task), result));

    [Fact]
    public void Normalize_defaults_type_and_title_and_gives_the_task_its_approval_id()
    {
        var task = JsonNode.Parse(Task("{}"))!;
        Assert.Equal("approval", task["task_type"]!.GetValue<string>());
        Assert.Equal("approval task", task["title"]!.GetValue<string>());
        Assert.Equal(Id.ToString(), task["approval_id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"task_type": "coffee"}""", "human_task.task_type", "invalid_task_type")]
    [InlineData("""{"task_type": "form"}""", "human_task.form_schema", "validation_error")]
    [InlineData("""{"form_schema": "not an object"}""", "human_task.form_schema", "validation_error")]
    [InlineData("""{"title": 42}""", "human_task.title", "validation_error")]
    [InlineData("""{"allowed_outcomes": []}""", "human_task.allowed_outcomes", "validation_error")]
    [InlineData("""{"required_comment": "yes"}""", "human_task.required_comment", "validation_error")]
    public void Normalize_refuses_bad_tasks_naming_the_field(string task, string field, string code)
    {
        var e = Assert.Throws<ProtocolException>(() => HumanTasks.Normalize(task, Id));
        Assert.Equal((422, code, field), (e.Status, e.Code, e.Details!["field"]));
    }

    [Theory]
    [InlineData("approval", "approved", false)]
    [InlineData("approval", "rejected", true)]
    [InlineData("review", "approved", false)]
    [InlineData("confirmation", "confirmed", false)]
    [InlineData("manual_action", "completed", false)]
    [InlineData("manual_action", "failed", true)]
    [InlineData("assignment", "declined", true)]
    [InlineData("validate_output", "validated", false)]
    [InlineData("escalate", "escalated", false)]
    public void Every_task_type_has_its_accept_and_decline_outcomes(string type, string outcome, bool declines)
    {
        var task = Task($$"""{"task_type": "{{type}}"}""");
        HumanTasks.Check(task, $$"""{"outcome": "{{outcome}}"}""");
        Assert.Equal(declines, HumanTasks.Declines(task, outcome));
    }

    [Fact]
    public void An_outcome_outside_the_type_or_the_allowed_list_is_refused()
    {
        Assert.Equal("outcome_not_allowed", Refused("""{"task_type": "confirmation"}""", """{"outcome": "approved"}""").Code);
        Assert.Equal("outcome_not_allowed", Refused("""{"allowed_outcomes": ["approved"]}""", """{"outcome": "rejected"}""").Code);
        HumanTasks.Check(Task("""{"allowed_outcomes": ["needs_info"]}"""), """{"outcome": "needs_info"}""");
        Assert.Equal("task_result.outcome", Refused("{}", "{}").Details!["field"]);
    }

    [Fact]
    public void Comments_evidence_assignees_and_data_are_required_where_the_task_says()
    {
        Assert.Equal("comment_required", Refused("""{"required_comment": true}""", """{"outcome": "approved"}""").Code);
        Assert.Equal("comment_required", Refused("""{"task_type": "review"}""", """{"outcome": "changes_requested"}""").Code);
        HumanTasks.Check(Task("""{"task_type": "review"}"""), """{"outcome": "changes_requested", "comment": "fix the tests"}""");
        Assert.Equal("comment_required", Refused("""{"task_type": "override"}""", """{"outcome": "override_approved"}""").Code);
        Assert.Equal("evidence_required", Refused("""{"evidence_required": true}""", """{"outcome": "approved"}""").Code);
        HumanTasks.Check(Task("""{"evidence_required": true}"""), """{"outcome": "approved", "evidence": "photo.jpg"}""");
        HumanTasks.Check(Task("""{"evidence_required": true}"""), """{"outcome": "approved", "data": {"evidence": ["a"]}}""");
        Assert.Equal("assignee_required", Refused("""{"task_type": "assignment"}""", """{"outcome": "assigned"}""").Code);
        HumanTasks.Check(Task("""{"task_type": "assignment"}"""), """{"outcome": "assigned", "assignee": "bob@example.com"}""");
        Assert.Equal("data_required", Refused("""{"task_type": "clarification"}""", """{"outcome": "provided"}""").Code);
        HumanTasks.Check(Task("""{"task_type": "clarification"}"""), """{"outcome": "provided", "answer": "42"}""");
        // A refusal carries no data: a declined assignment needs no assignee.
        HumanTasks.Check(Task("""{"task_type": "assignment"}"""), """{"outcome": "declined"}""");
    }

    private const string Form = """
        {"task_type": "form", "form_schema": {"type": "object", "required": ["approved", "amount"],
         "properties": {"approved": {"type": "boolean"}, "amount": {"type": "integer", "minimum": 1},
                        "notes": {"type": "string", "maxLength": 5}, "tags": {"type": "array"}}}}
        """;

    [Fact]
    public void Form_values_sent_as_strings_by_the_CLI_are_coerced_to_the_schema_types()
    {
        var checkedResult = JsonNode.Parse(HumanTasks.Check(Task(Form),
            """{"outcome": "submitted", "approved": "true", "amount": "3", "tags": "[\"a\"]", "notes": "ok"}"""))!;
        Assert.True(checkedResult["approved"]!.GetValue<bool>());
        Assert.Equal(3, checkedResult["amount"]!.GetValue<long>());
        Assert.Equal("a", checkedResult["tags"]![0]!.GetValue<string>());
    }

    [Fact]
    public void An_invalid_form_is_refused_with_every_bad_field_listed()
    {
        var e = Refused(Form, """{"outcome": "submitted", "amount": "0", "notes": "far too long"}""");
        Assert.Equal((422, "form_invalid"), (e.Status, e.Code));
        Assert.Contains("task_result.approved", e.Details!.Keys);
        Assert.Contains("task_result.amount", e.Details.Keys);
        Assert.Contains("task_result.notes", e.Details.Keys);
        Assert.Contains("approved", e.Message);
    }

    [Fact]
    public void An_approval_decision_maps_to_the_types_accept_or_decline_outcome()
    {
        Assert.Equal("confirmed", HumanTasks.DecisionOutcome(Task("""{"task_type": "confirmation"}"""), approve: true));
        Assert.Equal("failed", HumanTasks.DecisionOutcome(Task("""{"task_type": "manual_action"}"""), approve: false));
        Assert.Equal(409, Assert.Throws<ProtocolException>(() => HumanTasks.DecisionOutcome(null, true)).Status);
    }
}
