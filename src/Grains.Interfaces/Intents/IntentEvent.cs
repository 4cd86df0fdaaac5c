namespace Axme.Grains.Interfaces.Intents;

/// <summary>One entry of an intent's ordered event log (PROTOCOL §5.1.5). seq starts at 1 and only grows.</summary>
[GenerateSerializer, Immutable, Alias("axme.intent-event")]
public sealed record IntentEvent
{
    [Id(0)] public required Guid IntentId { get; init; }
    [Id(1)] public required int Seq { get; init; }
    [Id(2)] public required string EventType { get; init; }
    /// <summary>Status after the event.</summary>
    [Id(3)] public required string Status { get; init; }
    [Id(4)] public required DateTimeOffset At { get; init; }
    [Id(5)] public string? WaitingReason { get; init; }
    [Id(6)] public PendingWith? PendingWith { get; init; }
    [Id(7)] public string? Handler { get; init; }
    [Id(8)] public string? Actor { get; init; }
    /// <summary>Event-specific data as a JSON object text (result, error, reason, …), or null.</summary>
    [Id(9)] public string? DetailsJson { get; init; }
    /// <summary>The human task (JSON object text) on intent.human_task_assigned.</summary>
    [Id(10)] public string? HumanTaskJson { get; init; }
    /// <summary>When the actor acted by an actor token someone else minted: the minter's account id (ADR 017 §6).</summary>
    [Id(11)] public string? ActorTokenIssuer { get; init; }

    public bool IsTerminal => IntentStatus.IsTerminal(Status);
}
