using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Axme.Api.Http;

namespace Axme.Grains.Tests.Api;

/// <summary>
/// Request hashes are stored (idempotency entries, an intent's create hash) and compared with later requests' across
/// upgrades: the hash of a body must stay what it was when it was first taken.
/// </summary>
public sealed class CanonicalJsonTests
{
    [Fact]
    public void Key_order_and_spacing_do_not_matter_and_numbers_compare_by_value()
    {
        Assert.Equal(CanonicalJson.Hash(JsonNode.Parse("""{"b": [1, {"y": 2, "x": "é"}], "a": 1.0}""")),
            CanonicalJson.Hash(JsonNode.Parse("""{"a":1,"b":[1.00,{"x":"\u00e9","y":2e0}]}""")));
        Assert.NotEqual(CanonicalJson.Hash(JsonNode.Parse("""{"a":[1,2]}""")), CanonicalJson.Hash(JsonNode.Parse("""{"a":[2,1]}""")));
        Assert.NotEqual(CanonicalJson.Hash(JsonNode.Parse("""{"a":"1"}""")), CanonicalJson.Hash(JsonNode.Parse("""{"a":1}""")));
    }

    [Fact]
    public void Hashes_what_the_first_implementation_hashed_for_every_kind_of_value()
    {
        var bodies = new List<JsonNode?>
        {
            JsonNode.Parse("""{}"""), JsonNode.Parse("""[]"""), null,
            JsonNode.Parse("""{"a":null,"b":true,"c":false,"d":[null,true,false,[],{}]}"""),
            JsonNode.Parse("""{"n":[0,-0,1,-1,1.5,1e300,-2.5e-300,123456789012345678901234567890,0.1,3.14159265358979,1E+2,7.0]}"""),
            JsonNode.Parse("""{"html":"<b>&amp;'\"+`</b>","ctl":"\u0001\t\n\r\b\f","slash":"a/b\\c","uni":"żółć 日本 🙂 \ud83d\ude00","emoji":"🙂"}"""),
            JsonNode.Parse("""{"Z":1,"a":2,"_":3,"é":4,"e\u0301":5,"":6,"key with space":7,"<k>":8,"1":9,"10":10,"2":11}"""),
            JsonNode.Parse("""{"workflow":{"steps":[{"id":"s1","kind":"agent","assigned_to":"agent://o/w/x"},{"id":"s2","kind":"human","task":{"type":"approval"}}]},"payload":{"amount":10.25,"note":"ok"}}"""),
            new JsonObject { ["made"] = "in code", ["n"] = 5, ["d"] = 2.5m, ["t"] = true, ["when"] = new DateTimeOffset(2026, 12, 6, 17, 0, 0, TimeSpan.Zero), ["g"] = Guid.Empty },
        };
        var random = new Random(20261206);
        for (var i = 0; i < 300; i++) bodies.Add(RandomNode(random, 0));
        foreach (var body in bodies)
            Assert.Equal(FirstImplementation(body), CanonicalJson.Hash(body));
    }

    private static JsonNode? RandomNode(Random r, int depth) => (depth > 3 ? r.Next(4) : r.Next(7)) switch
    {
        0 => null,
        1 => JsonValue.Create(r.Next(2) == 0),
        2 => JsonNode.Parse(r.Next(3) switch
        {
            0 => r.Next(-1000, 1000).ToString(CultureInfo.InvariantCulture),
            1 => (r.NextDouble() * Math.Pow(10, r.Next(-20, 20))).ToString("R", CultureInfo.InvariantCulture),
            _ => $"{r.Next(1, 9)}e{r.Next(-5, 5)}",
        }),
        3 => JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(RandomString(r))),
        4 => new JsonArray([.. Enumerable.Range(0, r.Next(4)).Select(_ => RandomNode(r, depth + 1))]),
        _ => RandomObject(r, depth),
    };

    private static JsonObject RandomObject(Random r, int depth)
    {
        var o = new JsonObject();
        for (var i = r.Next(5); i > 0; i--) o[RandomString(r)] = RandomNode(r, depth + 1);
        return o;
    }

    private static string RandomString(Random r)
    {
        const string alphabet = "abcXYZ019 _-<>&'\"\\/+`\t\n\u0001\u007fé日🙂";
        var sb = new StringBuilder();
        for (var i = r.Next(8); i > 0; i--)
        {
            var at = r.Next(alphabet.Length);
            sb.Append(char.IsHighSurrogate(alphabet[at]) ? alphabet.Substring(at, 2) : char.IsLowSurrogate(alphabet[at]) ? "x" : alphabet[at].ToString());
        }
        return sb.ToString();
    }

    /// <summary>CanonicalJson.Hash as written first (until 2026-12-06): the oracle the faster one must match byte for byte.</summary>
    private static string FirstImplementation(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(node, sb);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));

        static void Write(JsonNode? node, StringBuilder sb)
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
                    var value = (JsonValue)node;
                    sb.Append(value.TryGetValue<double>(out var d) ? d.ToString("R", CultureInfo.InvariantCulture) : node.ToJsonString());
                    break;
            }
        }
    }
}
