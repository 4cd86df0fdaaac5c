using System.Globalization;
using Axme.Grains.Intents;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;

namespace Axme.Silo.Storage;

/// <summary>
/// The intent grains' storage provider (<see cref="AxmeNames.IntentStorage"/>): an <see cref="IntentState"/> goes
/// to its own row and event rows through <see cref="IntentStore"/>. The ETag is "version/seq": the row's version
/// for the compare-and-set, and the seq of the last stored event, so a write appends only the events after it.
/// </summary>
public sealed class IntentStorage(IntentStore store, NewIntents fresh) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var target = Intent(grainState);
        var id = grainId.GetGuidKey();
        // A state already marked unread is read for real: its grain asks because the hint it skipped for was not enough.
        var skip = target.State is not { Unread: true } && fresh.Take(id);
        var stored = skip ? null : await store.ReadAsync(id);
        if (stored is null)
        {
            target.State = new IntentState { Unread = skip };
            target.ETag = null;
            target.RecordExists = false;
            return;
        }
        target.State = new IntentState
        {
            Intent = stored.Intent,
            Events = stored.Events,
            CreateRequestHash = stored.Extras.CreateRequestHash,
            CreatedStatus = stored.Extras.CreatedStatus,
            ReminderDueAt = stored.Extras.ReminderDueAt,
            Idempotency = stored.Extras.Idempotency,
        };
        target.ETag = ETag(stored.Version, stored.Intent.LastSeq);
        target.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var target = Intent(grainState);
        var (version, seq) = Parse(target.ETag);
        var written = await store.WriteAsync(grainId.GetGuidKey(), version, seq, target.State ?? throw new InvalidOperationException("no intent state to write"))
            ?? throw new InconsistentStateException($"Version conflict (WriteState): intent {grainId}, ETag={target.ETag}", target.ETag, "?");
        target.ETag = ETag(written.Version, target.State.Intent!.LastSeq);
        target.RecordExists = true;
        target.State.Unread = false; // what is in memory is what is stored now
        target.State.DeliverySeq = written.DeliverySeq;
    }

    /// <summary>Intents are kept for their whole history; clearing one deletes its rows.</summary>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await store.DeleteAsync(grainId.GetGuidKey());
        var target = Intent(grainState);
        target.State = new IntentState();
        target.ETag = null;
        target.RecordExists = false;
    }

    private static IGrainState<IntentState> Intent<T>(IGrainState<T> state) =>
        state as IGrainState<IntentState> ?? throw new NotSupportedException($"{nameof(IntentStorage)} stores IntentState only, not {typeof(T).Name}");

    private static string ETag(int version, int seq) => string.Create(CultureInfo.InvariantCulture, $"{version}/{seq}");

    private static (int? Version, int Seq) Parse(string? etag)
    {
        if (etag is null) return (null, 0);
        var slash = etag.IndexOf('/');
        return (int.Parse(etag.AsSpan(0, slash), CultureInfo.InvariantCulture), int.Parse(etag.AsSpan(slash + 1), CultureInfo.InvariantCulture));
    }
}

public static class IntentStorageHosting
{
    /// <summary>Registers the intents' storage provider on PostgreSQL (one <see cref="IntentStore"/> per silo).</summary>
    public static ISiloBuilder AddAxmeIntentStorage(this ISiloBuilder silo, string connectionString)
    {
        silo.Services.TryAddSingleton(sp => new IntentStore(connectionString, sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId));
        silo.Services.TryAddSingleton<NewIntents>();
        silo.Services.TryAddSingleton<JointCommits>();
        silo.Services.AddKeyedSingleton<IGrainStorage>(AxmeNames.IntentStorage,
            (sp, _) => new IntentStorage(sp.GetRequiredService<IntentStore>(), sp.GetRequiredService<NewIntents>()));
        return silo;
    }
}
