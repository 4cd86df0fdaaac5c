using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Axme.Grains.Common;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Silo.Storage;

/// <summary>
/// The writers of an intent's row JSON, generated at build time: serialising the record, its extras and a write's
/// events was 7 % of the silo's CPU under the approval round trip (perf, 2026-12-06), most of it the reflection
/// serializer walking the record's fifty properties. The generated code's fast path refuses options with an encoder of their own
/// (StorageJson's relaxed one), so it is called here with a writer that carries that encoder: the bytes are those of
/// <see cref="Grains.Interfaces.Common.StorageJson.Options"/>, property for property (a test compares both on every
/// property filled), and rows read back with those options as before.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IntentRecord))]
[JsonSerializable(typeof(IntentStore.IntentExtras))]
[JsonSerializable(typeof(IntentEvent[]))]
public sealed partial class IntentRowJson : JsonSerializerContext
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>
    /// The value's JSON, as StorageJson.Options would write it, in UTF-8: handed to Npgsql as the text parameter's bytes
    /// (it sends them as they are), where a string would be twice the size, transcoded here and again by Npgsql.
    /// </summary>
    public static byte[] Write<T>(T value, JsonTypeInfo<T> info)
    {
        using var scratch = JsonScratch.Take();
        var writer = scratch.Writer(WriterOptions);
        if (info.SerializeHandler is { } fast) fast(writer, value);
        else JsonSerializer.Serialize(writer, value, info);
        writer.Flush();
        return scratch.Written.ToArray();
    }
}
