using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Axme.Client;

/// <summary>The answer of <see cref="AxmeClient.BulkCancelIntentsAsync"/>.</summary>
public sealed class BulkCancelResult : AxmeModel
{
    /// <summary>How many a dry run would cancel (0 for a real run).</summary>
    public int WouldCancel { get; init; }
    /// <summary>How many were canceled (0 for a dry run).</summary>
    public int Canceled { get; init; }
    /// <summary>The intents that would be (dry run) or were canceled.</summary>
    public List<string> IntentIds { get; init; } = [];
}
