using System.Text.Encodings.Web;
using System.Text.Json;
using Axme.Grains.Common;

namespace Axme.Grains.Tests.Common;

/// <summary>The per-thread JSON scratch: reused as long as it is handed back, never shared by two writes at once.</summary>
public sealed class JsonScratchTests
{
    private static readonly JsonWriterOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    [Fact]
    public void A_scratch_handed_back_is_taken_again_with_the_same_writer_for_the_same_options()
    {
        Utf8JsonWriter first, firstRelaxed;
        JsonScratch taken;
        using (var scratch = JsonScratch.Take())
        {
            taken = scratch;
            first = scratch.Writer(default);
            firstRelaxed = scratch.Writer(Relaxed);
        }
        using (var again = JsonScratch.Take())
        {
            Assert.Same(taken, again);
            // The default options (MaxDepth 0) match themselves: the writer reports 1000, which must not make a new one.
            Assert.Same(first, again.Writer(default));
            Assert.Same(firstRelaxed, again.Writer(Relaxed));
        }
    }

    [Fact]
    public void A_write_nested_in_another_gets_its_own_buffer_and_neither_sees_the_others_bytes()
    {
        using var outer = JsonScratch.Take();
        var w = outer.Writer(default);
        w.WriteStartObject();
        w.WriteString("outer", "1");
        using (var inner = JsonScratch.Take())
        {
            Assert.NotSame(outer, inner);
            var v = inner.Writer(default);
            v.WriteStringValue("inner");
            v.Flush();
            Assert.Equal("\"inner\"", System.Text.Encoding.UTF8.GetString(inner.Written));
        }
        w.WriteEndObject();
        w.Flush();
        Assert.Equal("{\"outer\":\"1\"}", System.Text.Encoding.UTF8.GetString(outer.Written));
    }
}
