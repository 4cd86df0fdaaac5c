namespace Axme.Grains.Interfaces.Workflows;

/// <summary>One compiled workflow step (PROTOCOL §8.1 workflow.steps[]).</summary>
[GenerateSerializer, Immutable, Alias("axme.workflow-step")]
public sealed record WorkflowStep
{
    [Id(0)] public required string StepId { get; init; }
    /// <summary><see cref="WorkflowStepKinds"/>.</summary>
    [Id(1)] public required string Kind { get; init; }
    /// <summary>Agent steps: the canonical agent address. Human steps: the assignee (role alias or address).</summary>
    [Id(2)] public string? AssignedTo { get; init; }
    [Id(3)] public string? RuntimeType { get; init; }
    [Id(4)] public string? RuntimeConfigJson { get; init; }
    [Id(5)] public string? HumanTaskJson { get; init; }
    [Id(6)] public int? DeadlineSeconds { get; init; }
    [Id(7)] public int? RemindAfterSeconds { get; init; }
    [Id(8)] public int? RemindIntervalSeconds { get; init; }
    [Id(9)] public int? MaxReminders { get; init; }
    [Id(10)] public string? EscalateTo { get; init; }
    [Id(11)] public string? OnSuccess { get; init; }
    [Id(12)] public string? OnFailure { get; init; }
    [Id(13)] public int MaxRetries { get; init; }
    [Id(14)] public int RetryDelaySeconds { get; init; } = 30;
    [Id(15)] public string? InputJson { get; init; }
}

public static class WorkflowStepKinds
{
    public const string Agent = "agent";
    public const string Human = "human";
    public const string Runtime = "runtime";
}

/// <summary>A parent intent's workflow and where it stands: the current step, its attempt and step intent, the results so far.</summary>
[GenerateSerializer, Immutable, Alias("axme.workflow-run")]
public sealed record WorkflowRun
{
    [Id(0)] public required string ScenarioId { get; init; }
    [Id(1)] public required string CompileId { get; init; }
    [Id(2)] public required IReadOnlyList<WorkflowStep> Steps { get; init; }
    [Id(3)] public string? Current { get; init; }
    [Id(4)] public int Attempt { get; init; }
    /// <summary>The current agent/runtime step's intent (a name-based id of parent, step and attempt).</summary>
    [Id(5)] public Guid? ChildId { get; init; }
    /// <summary>False until the step intent is known to exist: the grain creates it after the parent's write, and retries.</summary>
    [Id(6)] public bool ChildStarted { get; init; }
    /// <summary>Human steps: when the step fails with step_timeout.</summary>
    [Id(7)] public DateTimeOffset? StepDeadline { get; init; }
    /// <summary>A failed step waiting for its retry.</summary>
    [Id(8)] public DateTimeOffset? RetryAt { get; init; }
    /// <summary>step_id → result (JSON object text).</summary>
    [Id(9)] public string ResultsJson { get; init; } = "{}";

    public WorkflowStep? CurrentStep => Current is null ? null : Steps.FirstOrDefault(s => s.StepId == Current);
}
