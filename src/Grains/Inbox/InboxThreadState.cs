using Axme.Grains.Interfaces.Inbox;

namespace Axme.Grains.Inbox;

/// <summary>
/// Durable state of one inbox thread. Stored as JSON (snake_case): the names are a storage contract read
/// by the axme_inbox_threads view trigger (Schema/003_axme_inbox.sql).
/// </summary>
[GenerateSerializer, Alias("axme.inbox-thread-state")]
public sealed class InboxThreadState
{
    public const int CurrentSchemaVersion = 1;

    [Id(0)] public int SchemaVersion { get; set; } = CurrentSchemaVersion;
    [Id(1)] public InboxThread? Thread { get; set; }
}
