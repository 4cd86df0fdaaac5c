using System.Text.Json.Nodes;
using Axme.Grains.Workflows;

namespace Axme.Grains.Tests.Workflows;

/// <summary>The compile cache: one compile per bundle shape and workspace, each apply with its own payload.</summary>
public sealed class ScenarioPlansTests
{
    private static JsonObject Bundle(string payload) => JsonNode.Parse($$$"""
        {"scenario_id": "bench.approval_round_trip.v1",
         "agents": [{"role": "handler", "address": "bench-handler", "delivery_mode": "stream"}],
         "humans": [{"role": "approver", "display_name": "approver"}],
         "workflow": {"steps": [
           {"step_id": "handle", "tool_id": "tool.agent.task.v1", "assigned_to": "handler"},
           {"step_id": "approval", "tool_id": "tool.approval.human_signoff", "assigned_to": "approver",
            "human_task": {"title": "approve", "task_type": "approval"}}]},
         "intent": {"type": "bench.approval.v1", "payload": {{{payload}}}}}
        """)!.AsObject();

    [Fact]
    public void The_same_bundle_with_another_payload_reuses_the_compiled_workflow_and_carries_its_own_payload()
    {
        var plans = new ScenarioPlans();
        var caller = TestData.Caller();

        var first = plans.Compile(Bundle("""{"n": 1}"""), caller);
        var second = plans.Compile(Bundle("""{"n": 2, "text": "x"}"""), caller);
        var fresh = ScenarioCompiler.Compile(Bundle("""{"n": 2, "text": "x"}"""), caller);

        Assert.Empty(first.Errors);
        Assert.Equal("""{"n":1}""", first.Plan!.PayloadJson);
        Assert.Equal("""{"n":2,"text":"x"}""", second.Plan!.PayloadJson);
        Assert.Same(first.Plan.Workflow, second.Plan.Workflow); // compiled once
        Assert.Equal(fresh.Plan!.Workflow.CompileId, second.Plan.Workflow.CompileId);
        Assert.Equal(fresh.Plan with { Workflow = second.Plan.Workflow }, second.Plan with { Agents = fresh.Plan.Agents });
        Assert.Equal(fresh.Plan.Agents, second.Plan.Agents);
    }

    [Fact]
    public void Another_workspace_compiles_anew_and_a_payload_that_is_not_an_object_is_an_error_every_time()
    {
        var plans = new ScenarioPlans();
        var acme = plans.Compile(Bundle("{}"), TestData.Caller());
        var other = plans.Compile(Bundle("{}"), TestData.Caller(org: "other"));

        Assert.NotSame(acme.Plan!.Workflow, other.Plan!.Workflow);
        Assert.StartsWith("agent://other/", other.Plan.Agents[0].Address);
        Assert.Null(plans.Compile(Bundle("\"text\""), TestData.Caller()).Plan);
        Assert.Null(plans.Compile(Bundle("\"text\""), TestData.Caller()).Plan);
    }

    [Fact]
    public void A_bundle_that_differs_outside_its_payload_compiles_anew()
    {
        var plans = new ScenarioPlans();
        var approve = plans.Compile(Bundle("{}"), TestData.Caller());
        var other = Bundle("{}");
        other["workflow"]!["steps"]![1]!["human_task"]!["title"] = "sign off";
        var signOff = plans.Compile(other, TestData.Caller());

        Assert.NotSame(approve.Plan!.Workflow, signOff.Plan!.Workflow);
        Assert.Contains("sign off", signOff.Plan.Workflow.Steps[1].HumanTaskJson);
        Assert.Same(approve.Plan.Workflow, plans.Compile(Bundle("""{"n": 3}"""), TestData.Caller()).Plan!.Workflow);
    }

    [Fact]
    public void Compiling_leaves_the_callers_bundle_as_it_was_its_payload_in_its_place()
    {
        var plans = new ScenarioPlans();
        var bundle = Bundle("""{"n": 1}""");
        var intent = bundle["intent"]!.AsObject();
        intent.Remove("type");
        intent["type"] = "bench.approval.v1"; // the payload first, so moving it would show
        var before = bundle.ToJsonString();

        plans.Compile(bundle, TestData.Caller());
        plans.Compile(bundle, TestData.Caller()); // from the cache

        Assert.Equal(before, bundle.ToJsonString());
        Assert.StartsWith("""{"payload":""", intent.ToJsonString());
    }
}
