using AutoDesign.Modeling;

namespace AutoDesign.Host.Jobs;

/// <summary>What a failed job's <c>error</c> says: one sentence, without server paths or native stack traces (those go to the log).</summary>
internal static class JobErrors
{
    private const int MaxLength = 300;

    public static string Describe(Exception exception, string? storageCause, DataFolder folder)
    {
        if (storageCause is not null) return Storage(storageCause);
        string first = exception.Message.Split('\n', 2)[0].Trim().Replace(folder.Root, "the data folder", StringComparison.Ordinal);
        if (first.Length == 0) first = exception.GetType().Name;
        return first.Length <= MaxLength ? first : first[..MaxLength] + "…";
    }

    public static string Storage(string cause) => $"The storage failed ({cause}); the job resumes from its journal once it works again.";
}
