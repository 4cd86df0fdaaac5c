using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Axme.Api.Http;

/// <summary>Hash of a JSON body as a parsed structure (object keys sorted), so key order and spacing do not matter (PROTOCOL §2.6).</summary>
public static class CanonicalJson
{
    public static string Hash(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(node, sb);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    private static void Write(JsonNode? node, StringBuilder sb)
    {
        switch (node)
        {
            case JsonObject o:
                sb.Append('{');
                foreach (var (k, v) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    sb.Append(JsonValue.Create(k)!.ToJsonString()).Append(':');
                    Write(v, sb);
                    sb.Append(',');
                }
                sb.Append('}');
                break;
            case JsonArray a:
                sb.Append('[');
                foreach (var v in a) { Write(v, sb); sb.Append(','); }
                sb.Append(']');
                break;
            case null:
                sb.Append("null");
                break;
            default:
                // Numbers compare by value: 1 and 1.0 are the same payload.
                var value = (JsonValue)node;
                sb.Append(value.TryGetValue<double>(out var d) ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : node.ToJsonString());
                break;
        }
    }
}
