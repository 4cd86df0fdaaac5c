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

    /// <summary>Reads a shape of the wire contract (Axme.Contracts), with its source-generated serializer.</summary>
    internal static T Contract<T>(JsonNode? node) where T : class =>
        node is JsonObject o
            ? o.Deserialize(AxpJson.Info<T>()) ?? throw new JsonException($"cannot read {typeof(T).Name}")
            : throw new JsonException($"expected a JSON object for {typeof(T).Name}");

    internal static List<T> ContractList<T>(JsonNode? node) where T : class =>
        node is JsonArray a ? [.. a.Select(Contract<T>)] : [];

    internal static List<T> ListOf<T>(JsonNode? node) where T : AxmeModel =>
        node is JsonArray a ? [.. a.Select(From<T>)] : [];
}
