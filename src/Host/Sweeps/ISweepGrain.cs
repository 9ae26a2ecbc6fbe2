namespace AutoDesign.Host.Sweeps;

/// <summary>Keeps one sweep on its schedule: a reminder ticks, and when the cron time has come the sweep runs.</summary>
public interface ISweepGrain : IGrainWithGuidKey
{
    Task Schedule();

    Task Unschedule();
}
