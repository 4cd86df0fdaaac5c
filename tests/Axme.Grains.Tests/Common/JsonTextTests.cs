using System.Text.Json;
using System.Text.Json.Nodes;
using Axme.Grains.Common;

namespace Axme.Grains.Tests.Common;

/// <summary>The JSON object texts built for intents (a step intent's payload, results, details): what parsing and writing gave.</summary>
public sealed class JsonTextTests
{
    [Fact]
    public void An_object_is_what_building_it_from_nodes_wrote_whatever_form_its_json_texts_came_in()
    {
        var payload = new JsonObject { ["amount"] = 1234.5, ["note"] = "żółć <b>&'\"\\ 🙂", ["items"] = new JsonArray(1, "two", null, true), ["nested"] = new JsonObject { ["k"] = 1e300 } }.ToJsonString();
        (string, object?)[][] cases =
        [
            [("parent_payload", JsonText.Raw(payload)), ("parent_intent_id", Guid.Empty.ToString()), ("step_id", "handle"), ("input", JsonText.Raw(null))],
            [("a", 1), ("b", 2.5), ("c", true), ("d", "x\u0001y"), ("e", null), ("f", JsonText.Raw("null")), ("g", JsonText.Raw("[]")), ("h", JsonText.Raw(" {\"x\": 1,\n \"y\": [ 1.50, \"\\u00e9\\/\" ] } "))],
            [("node", new JsonObject { ["z"] = "é", ["a"] = new JsonArray() }), ("when", new DateTimeOffset(2026, 12, 6, 17, 0, 0, TimeSpan.Zero)), ("id", Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e")), ("n", 7L)],
            [("dup", 1), ("other", "x"), ("dup", JsonText.Raw("{\"y\":2}")), ("dup2", null), ("dup2", "last")],
            [],
        ];
        foreach (var members in cases)
            Assert.Equal(ByNodes(members), JsonText.Object(members));
    }

    [Fact]
    public void A_value_that_is_not_json_is_refused_as_parsing_refused_it()
    {
        Assert.ThrowsAny<JsonException>(() => JsonText.Object(("p", JsonText.Raw("{\"a\":"))));
        Assert.ThrowsAny<JsonException>(() => JsonText.Object(("p", JsonText.Raw("{} {}"))));
    }

    /// <summary>JsonText.Object as written first (until 2026-12-06): every member through a JsonObject.</summary>
    private static string ByNodes((string Name, object? Value)[] members)
    {
        var obj = new JsonObject();
        foreach (var (name, value) in members)
        {
            switch (value)
            {
                case null: break;
                case JsonText.RawJson raw: obj[name] = JsonNode.Parse(raw.Text); break;
                case JsonNode node: obj[name] = node.DeepClone(); break;
                default: obj[name] = JsonValue.Create(value); break;
            }
        }
        return obj.ToJsonString();
    }
}
