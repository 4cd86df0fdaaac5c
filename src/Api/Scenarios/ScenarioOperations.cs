using System.Text.Json.Nodes;
using Axme.Api.Accounts;
using Axme.Api.Http;
using Axme.Contracts;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Agents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Axme.Grains.Interfaces.Workflows;

namespace Axme.Api.Scenarios;

/// <summary>
/// ScenarioBundles (PROTOCOL §8.2–8.3): validate (a dry run) and apply (provision agents, compile, create the parent
/// intent); for REST (ScenarioEndpoints) and the MCP tools.
/// </summary>
public static class ScenarioOperations
{
    /// <summary>The validate answer for a bundle (REST and MCP).</summary>
    public static async Task<ScenarioValidation> ValidateAsync(IScenarioCompiler compiler, Caller caller, JsonObject bundle)
    {
        var check = await compiler.CompileAsync(bundle, caller);
        return new ScenarioValidation
        {
            Valid = check.Errors.Count == 0,
            Errors = check.Errors,
            Warnings = check.Warnings,
            ScenarioId = check.Plan?.ScenarioId,
            CompileId = check.Plan?.Workflow.CompileId,
        };
    }

    /// <summary>
    /// Apply (REST and MCP): provision, compile and create the parent; the idempotency key names the parent, among the
    /// caller's keys of <paramref name="operation"/> (apply, or the start of one registered scenario).
    /// </summary>
    public static async Task<ScenarioApplied> ApplyAsync(IGrainFactory grains, IScenarioCompiler compiler, Agents.DeliveryQueries deliveries, AgentCache agents,
        NewIntents fresh, Caller caller, JsonObject bundle, string? idempotencyKey, CancellationToken ct, string operation = "POST /v1/scenarios/apply")
    {
        var (plan, warnings) = await CompileAsync(compiler, caller, bundle);

        var provisioned = new List<ScenarioAgentProvisioned>();
        foreach (var agent in plan.Agents)
            provisioned.Add(await ProvisionAsync(grains, deliveries, agents, caller, agent, ct));

        var key = idempotencyKey ?? plan.IdempotencyKey;
        var id = key is not null ? DeterministicId.From($"{caller.ServiceAccountId}\n{operation}\n{key}") : Guid.NewGuid();
        var first = plan.Workflow.CurrentStep ?? plan.Workflow.Steps[0];
        var created = await fresh.CreateAsync(grains, id, new CreateIntentCommand
        {
            Caller = caller, IntentType = plan.IntentType, CorrelationId = id.ToString(), FromAgent = caller.AgentAddress,
            // The parent is addressed to its first step's holder (§8.4 item 1); a human first step keeps the sender.
            ToAgent = first.Kind == WorkflowStepKinds.Agent ? first.AssignedTo! : caller.AgentAddress,
            PayloadJson = plan.PayloadJson, DeadlineAt = plan.DeadlineAt, RemindAfterSeconds = plan.RemindAfterSeconds,
            RemindIntervalSeconds = plan.RemindIntervalSeconds, MaxReminders = plan.MaxReminders, EscalateTo = plan.EscalateTo,
            MaxDeliveryAttempts = plan.MaxDeliveryAttempts, Workflow = plan.Workflow, RequestHash = CanonicalJson.Hash(bundle),
        });
        var intent = created.Intent;
        return new ScenarioApplied
        {
            IntentId = intent.IntentId.ToString(),
            ScenarioId = plan.ScenarioId,
            Status = created.CreatedStatus,
            CompileId = plan.Workflow.CompileId,
            WorkflowCompileId = plan.Workflow.CompileId,
            AgentsProvisioned = provisioned,
            Agents = provisioned,
            PendingWith = intent.PendingWith?.Ref,
            Idempotent = created.Replayed,
            DeadlineAt = intent.DeadlineAt,
            CreatedAt = intent.CreatedAt,
            Warnings = warnings,
        };
    }

    /// <summary>The bundle's plan (its template expanded), or 422 validation_error listing every problem by path.</summary>
    public static async Task<(ScenarioPlan Plan, IReadOnlyList<string> Warnings)> CompileAsync(IScenarioCompiler compiler, Caller caller, JsonObject bundle)
    {
        var check = await compiler.CompileAsync(bundle, caller);
        return check.Plan is { } plan
            ? (plan, check.Warnings)
            : throw ProtocolException.Problems("the scenario is not valid", check.Errors);
    }

    /// <summary>An agent of the bundle: created (a service account in the caller's workspace) when missing and asked for.</summary>
    private static async Task<ScenarioAgentProvisioned> ProvisionAsync(IGrainFactory grains, Agents.DeliveryQueries deliveries, AgentCache agents, Caller caller,
        ScenarioAgent agent, CancellationToken ct)
    {
        var existing = await agents.GetAgentAsync(agent.Address); // this silo's kept record: its grain is asked by every apply to it
        var created = false;
        if (existing is null && agent.CreateIfMissing)
        {
            ServiceAccountOperations.ManagingCaller(caller);
            var (account, isNew) = await grains.GetGrain<IWorkspaceGrain>(IWorkspaceGrain.KeyFor(caller.OrgId, caller.WorkspaceId))
                .CreateServiceAccountAsync(new CreateServiceAccountCommand
                {
                    OrgId = caller.OrgId, WorkspaceId = caller.WorkspaceId, Name = agent.Name, DisplayName = agent.DisplayName,
                    CreatedByActorId = caller.ServiceAccountId,
                });
            created = isNew;
            existing = await grains.GetGrain<IAgentGrain>(account.AgentAddress).GetAsync();
            // The bundle's binding, where it needs nothing more (http needs a webhook_url: set it on the agent).
            if (existing is not null && agent.DeliveryMode is { } mode && mode != existing.DeliveryMode && mode != DeliveryModes.Http)
            {
                existing = await grains.GetGrain<IAgentGrain>(existing.Address).ConfigureAsync(new DeliverySettings { DeliveryMode = mode });
                await Agents.AgentOperations.RedispatchWaitingAsync(grains, deliveries, existing, ct);
            }
        }
        return new ScenarioAgentProvisioned
        {
            Role = agent.Role, Address = existing?.Address ?? agent.Address, Created = created,
            Exists = existing is not null, DeliveryMode = existing?.DeliveryMode,
        };
    }
}
