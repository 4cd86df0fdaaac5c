using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Axme.Client;

/// <summary>A wire object read into a typed shape; <see cref="Raw"/> keeps every field the node sent.</summary>
public abstract class AxmeModel
{
    /// <summary>The JSON object as received, including fields this type does not name.</summary>
    [JsonIgnore]
    public JsonObject Raw { get; internal set; } = [];

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    internal static T From<T>(JsonNode? node) where T : AxmeModel
    {
        if (node is not JsonObject o) throw new JsonException($"expected a JSON object for {typeof(T).Name}");
        var model = o.Deserialize<T>(Json) ?? throw new JsonException($"cannot read {typeof(T).Name}");
        model.Raw = o;
        return model;
    }

    internal static List<T> ListOf<T>(JsonNode? node) where T : AxmeModel =>
        node is JsonArray a ? [.. a.Select(From<T>)] : [];
}

/// <summary>Intent lifecycle statuses (PROTOCOL §5.1.1).</summary>
public static class IntentStatuses
{
    /// <summary>COMPLETED.</summary>
    public const string Completed = "COMPLETED";
    /// <summary>FAILED.</summary>
    public const string Failed = "FAILED";
    /// <summary>CANCELED.</summary>
    public const string Canceled = "CANCELED";
    /// <summary>TIMED_OUT.</summary>
    public const string TimedOut = "TIMED_OUT";
    /// <summary>WAITING (for a human, a timer or a step).</summary>
    public const string Waiting = "WAITING";

    /// <summary>True for the four statuses an intent never leaves.</summary>
    public static bool IsTerminal(string? status) => status is Completed or Failed or Canceled or TimedOut;
}
