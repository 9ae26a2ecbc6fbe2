using AutoDesign.Host.Hosting;
using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoDesign.Host.Sweeps;

/// <summary>
/// Orleans reminders tick at a fixed period while cron times are irregular: each tick checks whether the sweep's next
/// cron time has come and, if so, has this silo's runner run it (off the grain's turn).
/// </summary>
internal sealed class SweepGrain(SweepRunner runner, IDbContextFactory<AutoDesignDb> databases, IOptions<ServiceOptions> options) : Grain, ISweepGrain, IRemindable
{
    private const string Tick = "schedule";

    public async Task Schedule() => await this.RegisterOrUpdateReminder(Tick, options.Value.ReminderPeriod, options.Value.ReminderPeriod);

    public async Task Unschedule()
    {
        if (await this.GetReminder(Tick) is { } reminder) await this.UnregisterReminder(reminder);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await using var db = await databases.CreateDbContextAsync();
        var sweep = await db.Sweeps.AsNoTracking().SingleOrDefaultAsync(s => s.Id == this.GetPrimaryKey());
        if (sweep is null) await Unschedule();
        else if (DateTime.UtcNow >= sweep.NextRunAt) runner.Start(sweep.Id);
    }
}
