using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Axme.Silo.Storage;

namespace Axme.Grains.Tests.Intents;

/// <summary>
/// The intent rows' generated writers (IntentRowJson) against the storage serializer they stand in for: the same text
/// for every property of every stored type, filled or left null, with strings that each encoder could escape its own way.
/// A property added later is filled here by itself, so a difference cannot creep in unseen.
/// </summary>
public sealed class IntentRowJsonTests
{
    /// <summary>Quotes and backslashes (every payload kept as JSON text), HTML-sensitive and non-ASCII characters, a control character.</summary>
    private const string Awkward = "{\"a\":\"b\\\\c\"} <tag> & 'q' é ü ✓ \u2028 😀 \u0001 +";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_generated_writers_write_what_the_storage_serializer_writes(bool everyPropertySet)
    {
        var record = Filled<IntentRecord>(everyPropertySet);
        var extras = Filled<IntentStore.IntentExtras>(everyPropertySet);
        var events = new[] { Filled<IntentEvent>(everyPropertySet), Filled<IntentEvent>(!everyPropertySet) };

        var written = Encoding.UTF8.GetString(IntentRowJson.Write(record, IntentRowJson.Default.IntentRecord));
        Assert.Equal(JsonSerializer.Serialize(record, StorageJson.Options), written);
        Assert.Equal(JsonSerializer.Serialize(extras, StorageJson.Options), Encoding.UTF8.GetString(IntentRowJson.Write(extras, IntentRowJson.Default.IntentExtras)));
        Assert.Equal(JsonSerializer.Serialize(events, StorageJson.Options), Encoding.UTF8.GetString(IntentRowJson.Write(events, IntentRowJson.Default.IntentEventArray)));
        // The comparison saw the awkward text unescaped by the relaxed encoder (not both sides escaping it alike by accident).
        if (everyPropertySet) Assert.Contains("<tag> & 'q' é", written);
    }

    [Fact]
    public void A_large_row_is_written_whole_and_the_next_row_after_it_is_not_polluted_by_it()
    {
        var large = Filled<IntentRecord>(true) with { PayloadJson = new string('x', 200_000) };
        var small = Filled<IntentRecord>(false);

        Assert.Equal(JsonSerializer.Serialize(large, StorageJson.Options), Encoding.UTF8.GetString(IntentRowJson.Write(large, IntentRowJson.Default.IntentRecord)));
        Assert.Equal(JsonSerializer.Serialize(small, StorageJson.Options), Encoding.UTF8.GetString(IntentRowJson.Write(small, IntentRowJson.Default.IntentRecord)));
    }

    [Fact]
    public void Writers_with_other_options_sharing_the_threads_scratch_each_keep_their_own_escaping()
    {
        var record = Filled<IntentRecord>(true);
        for (var i = 0; i < 3; i++)
        {
            // The row JSON leaves "é" and "<" as they are; a payload built by JsonText escapes them (the default encoder).
            Assert.Equal(JsonSerializer.Serialize(record, StorageJson.Options), Encoding.UTF8.GetString(IntentRowJson.Write(record, IntentRowJson.Default.IntentRecord)));
            Assert.Equal("{\"a\":\"\\u003Cb\\u003E \\u00E9\"}", Axme.Grains.Common.JsonText.Object(("a", "<b> é")));
        }
    }

    /// <summary>An instance with every settable property filled (or, with <paramref name="all"/> false, the nullable ones left null).</summary>
    private static T Filled<T>(bool all) => (T)Fill(typeof(T), all, depth: 0)!;

    private static object? Fill(Type type, bool all, int depth)
    {
        var nullable = Nullable.GetUnderlyingType(type);
        if (nullable is not null) return all ? Fill(nullable, all, depth) : null;
        if (type == typeof(string)) return Awkward;
        if (type == typeof(Guid)) return new Guid("0f8fad5b-d9cb-469f-a165-70867728950e");
        if (type == typeof(int)) return 7;
        if (type == typeof(long)) return 7L;
        if (type == typeof(bool)) return true;
        if (type == typeof(double)) return 1.5;
        if (type == typeof(DateTimeOffset)) return new DateTimeOffset(2026, 12, 6, 14, 30, 15, 123, TimeSpan.Zero).AddTicks(4567);
        if (type.IsEnum) return Enum.GetValues(type).GetValue(0);
        if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var args = type.GetGenericArguments();
            if (args.Length == 2)
            {
                var map = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(args))!;
                map[Fill(args[0], all, depth + 1)!] = Fill(args[1], all, depth + 1);
                return map;
            }
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(args[0]))!;
            if (depth < 4) list.Add(Fill(args[0], all, depth + 1));
            return list;
        }
        if (type.IsArray)
        {
            var array = Array.CreateInstance(type.GetElementType()!, 1);
            array.SetValue(Fill(type.GetElementType()!, all, depth + 1), 0);
            return array;
        }
        if (depth > 4) return null;
        var instance = RuntimeHelpers.GetUninitializedObject(type);
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is not null))
        {
            var optional = !p.PropertyType.IsValueType || Nullable.GetUnderlyingType(p.PropertyType) is not null;
            var required = p.GetCustomAttribute<RequiredMemberAttribute>() is not null;
            p.SetValue(instance, all || required || !optional ? Fill(p.PropertyType, all || required, depth + 1) : null);
        }
        return instance;
    }
}
