using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axme.Api.Http;

/// <summary>
/// Hash of a JSON body as a parsed structure (object keys sorted), so key order and spacing do not matter (PROTOCOL §2.6).
/// The hashes are stored (idempotency entries, an intent's create hash) and compared with later requests', so the text
/// hashed never changes: keys and strings escaped as System.Text.Json's default encoder does, numbers by value in
/// round-trip form (1 and 1.0 are the same payload), a comma after every member and item. Written as UTF-8 into one
/// buffer (it was a string built from a serializer call per key and value: 1.3 % of the node's CPU on an apply).
/// </summary>
public static class CanonicalJson
{
    public static string Hash(JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        Write(node, buffer);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    private static void Write(JsonNode? node, ArrayBufferWriter<byte> to)
    {
        switch (node)
        {
            case JsonObject o:
                var members = new KeyValuePair<string, JsonNode?>[o.Count];
                ((ICollection<KeyValuePair<string, JsonNode?>>)o).CopyTo(members, 0);
                Array.Sort(members, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
                Put(to, "{"u8);
                foreach (var (k, v) in members)
                {
                    Quoted(to, k);
                    Put(to, ":"u8);
                    Write(v, to);
                    Put(to, ","u8);
                }
                Put(to, "}"u8);
                break;
            case JsonArray a:
                Put(to, "["u8);
                foreach (var v in a)
                {
                    Write(v, to);
                    Put(to, ","u8);
                }
                Put(to, "]"u8);
                break;
            case null:
                Put(to, "null"u8);
                break;
            default:
                var value = (JsonValue)node;
                var kind = value.GetValueKind();
                if (value.TryGetValue<double>(out var d))
                {
                    var span = to.GetSpan(32);
                    if (!d.TryFormat(span, out var written, "R", CultureInfo.InvariantCulture)) throw new InvalidOperationException("a number longer than 32 bytes");
                    to.Advance(written);
                }
                else if (kind == JsonValueKind.String && value.TryGetValue<string>(out var s)) Quoted(to, s);
                else if (kind is JsonValueKind.True or JsonValueKind.False) Put(to, kind == JsonValueKind.True ? "true"u8 : "false"u8);
                else Put(to, System.Text.Encoding.UTF8.GetBytes(node.ToJsonString()));
                break;
        }
    }

    /// <summary>A JSON string as the default encoder writes it (the same escapes as JsonValue.Create(s).ToJsonString()).</summary>
    private static void Quoted(ArrayBufferWriter<byte> to, string s)
    {
        Put(to, "\""u8);
        // Most keys and values need no escape (names, ids, addresses): written as they are, without the two copies
        // (escaped bytes and string) JsonEncodedText makes of each. Only ASCII the default encoder never escapes qualifies.
        if (!s.AsSpan().ContainsAnyExcept(Plain)) to.Advance(Encoding.ASCII.GetBytes(s, to.GetSpan(s.Length)));
        else Put(to, JsonEncodedText.Encode(s).EncodedUtf8Bytes);
        Put(to, "\""u8);
    }

    private static readonly SearchValues<char> Plain =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-.:/@,;=?!#$%()*[]^{|}~");

    private static void Put(ArrayBufferWriter<byte> to, ReadOnlySpan<byte> bytes) => to.Write(bytes);
}
