using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axme.Client;

/// <summary>Reads the node's answers as records of the wire contract (Axme.Contracts), with its source-generated serializer.</summary>
internal static class ContractJson
{
    public static T Read<T>(JsonNode? node) where T : class =>
        node is JsonObject o
            ? o.Deserialize(AxpJson.Info<T>()) ?? throw new JsonException($"cannot read {typeof(T).Name}")
            : throw new JsonException($"expected a JSON object for {typeof(T).Name}");

    public static List<T> ReadList<T>(JsonNode? node) where T : class =>
        node is JsonArray a ? [.. a.Select(Read<T>)] : [];
}
