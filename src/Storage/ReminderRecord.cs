namespace AutoDesign.Storage;

/// <summary>An Orleans reminder, so that reminders (and the jobs they keep alive) outlive the silo that set them.</summary>
public sealed class ReminderRecord
{
    public required string ServiceId { get; set; }

    public required string GrainId { get; set; }

    public required string Name { get; set; }

    /// <summary>The grain's uniform hash; the reminder service reads the reminders of its hash range.</summary>
    public long GrainHash { get; set; }

    public DateTime StartAt { get; set; }

    public long PeriodTicks { get; set; }

    public required string ETag { get; set; }
}
