using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axme.Grains.Interfaces.Common;

/// <summary>
/// JSON options of the grain storage serializer. Stored names are a storage contract: the
/// axme_intents view trigger and the API's list queries read them (snake_case, like the wire).
/// </summary>
public static class StorageJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions());

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        return options;
    }
}
