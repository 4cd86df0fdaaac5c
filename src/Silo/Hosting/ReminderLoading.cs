namespace Axme.Silo.Hosting;

/// <summary>
/// What the reminder service keeps in memory: the reminders whose next tick is within <see cref="LoadingWindow"/>,
/// read from the table every <see cref="RefreshPeriod"/>. The table's range reads return only reminders ticking within
/// 4 minutes (001_orleans.sql), so everything further out stays a row until it comes near: memory and refresh reads
/// grow with the timers due in the next minutes, not with all that wait (Orleans' defaults, 5 and 10 minutes, kept
/// every timer of the next 10 minutes in memory and re-read the whole table every 5).
/// </summary>
public sealed class ReminderLoading
{
    /// <summary>The most <see cref="LoadingWindow"/> may be: the table's 4-minute lookahead less a minute of clock skew.</summary>
    public static readonly TimeSpan MaxLoadingWindow = TimeSpan.FromMinutes(3);

    /// <summary>How often the reminder table is read for what came near (Orleans' RefreshReminderListPeriod).</summary>
    public TimeSpan RefreshPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How far ahead reminders are held in memory (Orleans' ReminderLoadingWindow): at least <see cref="RefreshPeriod"/>,
    /// at most <see cref="MaxLoadingWindow"/>. Reminders due while the table cannot be read for longer fire late.
    /// </summary>
    public TimeSpan LoadingWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Sets Orleans' reminder options from these (after <see cref="Validate"/>).</summary>
    public void ApplyTo(Orleans.Hosting.ReminderOptions reminders)
    {
        reminders.RefreshReminderListPeriod = RefreshPeriod;
        reminders.ReminderLoadingWindow = LoadingWindow;
    }

    /// <summary>Refuses settings under which a reminder could be due before a refresh had read it.</summary>
    public void Validate()
    {
        if (RefreshPeriod <= TimeSpan.Zero || LoadingWindow < RefreshPeriod || LoadingWindow > MaxLoadingWindow)
            throw new InvalidOperationException(
                $"Axme:Reminders: need 0 < RefreshPeriod <= LoadingWindow <= {MaxLoadingWindow:c} (got {RefreshPeriod:c} and {LoadingWindow:c}); " +
                "the reminder table's range reads look 4 minutes ahead (001_orleans.sql)");
    }
}
