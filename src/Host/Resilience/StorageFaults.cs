using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace AutoDesign.Host.Resilience;

/// <summary>Which failures are the storage's (the database, or the data folder's disk) rather than the job's, and their cause in a few words.</summary>
internal static class StorageFaults
{
    // errno values .NET reports as an IOException's HResult on Linux.
    private const int NoSpace = 28, ReadOnlyFileSystem = 30, QuotaExceeded = 122;

    public static bool Is(Exception exception) => Cause(exception) is not null;

    /// <summary>The storage's own words for what went wrong (e.g. "database or disk is full"), or null when the failure is not the storage's.</summary>
    public static string? Cause(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case Microsoft.Data.Sqlite.SqliteException sqlite: return SqliteReason(sqlite);
                case DbException db: return db.Message;
                case IOException { HResult: NoSpace or QuotaExceeded }: return "the disk of the data folder is full";
                case IOException { HResult: ReadOnlyFileSystem }: return "the data folder is on a read-only file system";
                case UnauthorizedAccessException: return "the service may not write in its data folder";
            }
        }
        return exception is DbUpdateException ? "the database refused the change" : null;
    }

    // "SQLite Error 13: 'database or disk is full'." -> "database or disk is full"
    private static string SqliteReason(Microsoft.Data.Sqlite.SqliteException e)
    {
        int open = e.Message.IndexOf('\''), close = e.Message.LastIndexOf('\'');
        return close > open && open >= 0 ? e.Message[(open + 1)..close] : e.Message;
    }
}
