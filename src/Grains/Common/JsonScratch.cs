using System.Buffers;
using System.Text.Json;

namespace Axme.Grains.Common;

/// <summary>
/// A UTF-8 buffer and its writer, one per thread, reused by the writers on the hot path (an intent's row JSON, a step
/// intent's payload): a new buffer grown by doubling and a new writer for every text were most of what those writes
/// allocated. Taken for one write and handed back with <see cref="Dispose"/>; a write nested inside another on the same
/// thread gets a fresh one. A buffer grown past 64 KiB (one large payload) is not kept.
/// </summary>
public sealed class JsonScratch : IDisposable
{
    [ThreadStatic] private static JsonScratch? t_kept;

    private const int KeptBufferBytes = 64 * 1024;

    private readonly ArrayBufferWriter<byte> _buffer = new(4096);

    /// <summary>The writers made so far, by the options they were asked for (the row JSON's and the default ones).</summary>
    private readonly List<(JsonWriterOptions Options, Utf8JsonWriter Writer)> _writers = new(2);

    /// <summary>The thread's scratch (empty), or a new one while it is taken.</summary>
    public static JsonScratch Take()
    {
        var scratch = t_kept ?? new JsonScratch();
        t_kept = null;
        return scratch;
    }

    /// <summary>A writer with these options, reset onto the empty buffer.</summary>
    public Utf8JsonWriter Writer(JsonWriterOptions options)
    {
        // Compared as asked, not with the writer's Options: it reports a MaxDepth of 0 (the default) as 1000.
        foreach (var (asked, w) in _writers)
        {
            if (asked.Encoder != options.Encoder || asked.SkipValidation != options.SkipValidation || asked.Indented != options.Indented
                || asked.MaxDepth != options.MaxDepth) continue;
            w.Reset(_buffer);
            return w;
        }
        var writer = new Utf8JsonWriter(_buffer, options);
        if (_writers.Count == 4) _writers.RemoveAt(0); // a caller with options of its own each time must not grow the list
        _writers.Add((options, writer));
        return writer;
    }

    /// <summary>What the writer wrote (flush it first).</summary>
    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    public void Dispose()
    {
        if (_buffer.Capacity > KeptBufferBytes) return;
        _buffer.ResetWrittenCount();
        t_kept = this;
    }
}
