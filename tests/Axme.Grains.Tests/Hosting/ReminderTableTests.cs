using Axme.Silo.Hosting;
using Npgsql;

namespace Axme.Grains.Tests.Hosting;

/// <summary>
/// The reminder table's range reads, as the reminder service runs them at start and at every refresh, return only the
/// reminders ticking within the next 4 minutes (001_orleans.sql, ADR 018 §9): a far-future reminder stays a row until
/// it comes near, so memory and refresh reads follow the timers due soon, not all that wait. Run here with the query
/// text the provider loads from orleansquery, against the schema the node applies.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ReminderTableTests(ClusterFixture fx)
{
    [Theory]
    [InlineData("ReadRangeRows1Key", int.MinValue, int.MaxValue)] // a range that does not wrap: (begin, end]
    [InlineData("ReadRangeRows2Key", 100, 50)] // one that wraps: above 100 or up to 50 (the rows' hash is 7)
    public async Task A_range_read_returns_the_reminders_due_soon_or_past_and_leaves_the_far_ones_in_the_table(string key, int begin, int end)
    {
        var service = "reminders-" + Guid.NewGuid().ToString("N")[..8];
        var grain = "intent/" + Guid.NewGuid().ToString("N");
        await InsertAsync(service, grain, "past", TimeSpan.FromMinutes(-30)); // ticking every period since
        await InsertAsync(service, grain, "soon", TimeSpan.FromMinutes(2));
        await InsertAsync(service, grain, "edge", TimeSpan.FromMinutes(3.5));
        await InsertAsync(service, grain, "later", TimeSpan.FromMinutes(5));
        await InsertAsync(service, grain, "far", TimeSpan.FromHours(6));

        var read = await NamesAsync(key, ("ServiceId", service), ("BeginHash", begin), ("EndHash", end));

        Assert.Equal(["edge", "past", "soon"], read);
        // A grain's own reminders (GetReminder, the unregistering of a far one) are all read, near or far.
        Assert.Equal(["edge", "far", "later", "past", "soon"], await NamesAsync("ReadReminderRowsKey", ("ServiceId", service), ("GrainId", grain)));
    }

    [Fact]
    public void Reminder_loading_settings_the_table_reads_cannot_serve_are_refused_at_start()
    {
        new ReminderLoading().Validate(); // the defaults: refresh every minute, two minutes held in memory
        Assert.Throws<InvalidOperationException>(() => new ReminderLoading { LoadingWindow = TimeSpan.FromMinutes(10) }.Validate());
        Assert.Throws<InvalidOperationException>(() => new ReminderLoading { RefreshPeriod = TimeSpan.FromMinutes(3), LoadingWindow = TimeSpan.FromMinutes(2) }.Validate());
        Assert.Throws<InvalidOperationException>(() => new ReminderLoading { RefreshPeriod = TimeSpan.Zero }.Validate());
    }

    private Task InsertAsync(string service, string grain, string name, TimeSpan startIn) =>
        fx.ScalarAsync<int>("""
            INSERT INTO orleansreminderstable (serviceid, grainid, remindername, starttime, period, grainhash, version)
            VALUES (@s, @g, @n, now() + @in, 60000, 7, 0) RETURNING 1
            """, ("s", service), ("g", grain), ("n", name), ("in", startIn));

    private async Task<string[]> NamesAsync(string queryKey, params (string Name, object Value)[] parameters)
    {
        var sql = await fx.ScalarAsync<string>("SELECT querytext FROM orleansquery WHERE querykey = @k", ("k", queryKey));
        await using var cmd = fx.Db.CreateCommand(sql);
        foreach (var (name, value) in parameters) cmd.Parameters.Add(new NpgsqlParameter(name, value));
        var names = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) names.Add(reader.GetString(reader.GetOrdinal("remindername")));
        return [.. names.Order(StringComparer.Ordinal)];
    }
}
