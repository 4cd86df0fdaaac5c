using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axme.Grains.Interfaces.Common;

/// <summary>
/// JSON options of the grain storage serializer. Stored names are a storage contract: the
/// axme_intents view trigger and the API's list queries read them (snake_case, like the wire).
/// Stored JSON is read back by the node only, never put into a page, so only what JSON itself requires is escaped:
/// the default encoder wrote every quote of the payloads kept as JSON text as \u0022 (six bytes, and half the time
/// of serialising an intent row). Both spellings read back the same, so rows written before read as they did.
/// </summary>
public static class StorageJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions());

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        return options;
    }
}
