namespace Axme.Grains.Interfaces.Workflows;

/// <summary>An agent a scenario names (PROTOCOL §8.1 agents[]), its address canonical in the caller's workspace.</summary>
[GenerateSerializer, Immutable, Alias("axme.scenario-agent")]
public sealed record ScenarioAgent(
    [property: Id(0)] string Role,
    [property: Id(1)] string Address,
    [property: Id(2)] string Name,
    [property: Id(3)] string? DisplayName,
    [property: Id(4)] bool CreateIfMissing,
    [property: Id(5)] string? DeliveryMode);

/// <summary>A validated, compiled ScenarioBundle: what apply provisions and the parent intent it creates.</summary>
[GenerateSerializer, Immutable, Alias("axme.scenario-plan")]
public sealed record ScenarioPlan
{
    [Id(0)] public required string ScenarioId { get; init; }
    [Id(1)] public required IReadOnlyList<ScenarioAgent> Agents { get; init; }
    [Id(2)] public required WorkflowRun Workflow { get; init; }
    [Id(3)] public required string IntentType { get; init; }
    [Id(4)] public required string PayloadJson { get; init; }
    [Id(5)] public DateTimeOffset? DeadlineAt { get; init; }
    [Id(6)] public int? RemindAfterSeconds { get; init; }
    [Id(7)] public int? RemindIntervalSeconds { get; init; }
    [Id(8)] public int? MaxReminders { get; init; }
    [Id(9)] public string? EscalateTo { get; init; }
    [Id(10)] public int? MaxDeliveryAttempts { get; init; }
    [Id(11)] public string? IdempotencyKey { get; init; }
}

/// <summary>Every problem of a bundle (each with its JSON path), its warnings, and the plan when there is no problem.</summary>
[GenerateSerializer, Immutable, Alias("axme.scenario-check")]
public sealed record ScenarioCheck(
    [property: Id(0)] IReadOnlyList<string> Errors,
    [property: Id(1)] IReadOnlyList<string> Warnings,
    [property: Id(2)] ScenarioPlan? Plan);

/// <summary>Compiles ScenarioBundles in the calling silo (a singleton of the silo's services: Grains' ScenarioCompilation).</summary>
public interface IScenarioCompiler
{
    /// <summary>The bundle's problems, warnings and plan; the bundle is read, not changed.</summary>
    Task<ScenarioCheck> CompileAsync(System.Text.Json.Nodes.JsonObject bundle, Common.Caller caller);
}
