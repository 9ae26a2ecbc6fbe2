using Cronos;

namespace AutoDesign.Host.Sweeps;

/// <summary>Cron expressions of five fields (minute first) or six (second first), read in UTC.</summary>
public static class CronSchedule
{
    public static CronExpression? TryParse(string? text, out string error)
    {
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "is required, e.g. \"0 3 * * *\" for 03:00 UTC daily";
            return null;
        }
        int fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is not (5 or 6))
        {
            error = $"'{text}' has {fields} fields: use five (minute hour day month weekday) or six (with seconds first)";
            return null;
        }
        try
        {
            return CronExpression.Parse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            error = $"'{text}' is not a cron expression: {e.Message}";
            return null;
        }
    }

    public static DateTime Next(string text, DateTime after) =>
        (TryParse(text, out string error) ?? throw new ArgumentException(error)).GetNextOccurrence(DateTime.SpecifyKind(after, DateTimeKind.Utc))
        ?? DateTime.MaxValue;
}
