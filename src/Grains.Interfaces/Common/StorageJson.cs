using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axme.Grains.Interfaces.Common;

/// <summary>
/// JSON options of the grain storage serializer. Stored names are a storage contract: the
/// inbox projection trigger (Schema/003) and the API's list queries read them (snake_case, like the wire).
/// Stored JSON is read back by the node only, never put into a page, so only what JSON itself requires is escaped:
/// the default encoder wrote every quote of the payloads kept as JSON text as \u0022 (six bytes, and half the time
/// of serialising an intent row), and null properties are left out. Both spellings read back the same, so rows written
/// before read as they did.
/// </summary>
public static class StorageJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions());

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        // Absent and null read the same (no stored property has a non-null default): a quarter of an intent row was nulls.
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        return options;
    }
}
