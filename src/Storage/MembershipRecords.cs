namespace AutoDesign.Storage;

/// <summary>One silo of a cluster, as Orleans' membership protocol records it.</summary>
public sealed class MembershipRecord
{
    public required string ClusterId { get; set; }

    /// <summary><c>SiloAddress.ToParsableString()</c>: address, port and generation.</summary>
    public required string Silo { get; set; }

    public int Status { get; set; }

    /// <summary>Suspecting silos and when, as "silo,ticks" separated by '|' (a silo's parsable form holds an '@').</summary>
    public string SuspectTimes { get; set; } = "";

    public int ProxyPort { get; set; }

    public string HostName { get; set; } = "";

    public string SiloName { get; set; } = "";

    public string RoleName { get; set; } = "";

    public int UpdateZone { get; set; }

    public int FaultZone { get; set; }

    public DateTime StartTime { get; set; }

    public DateTime IAmAliveTime { get; set; }

    public required string ETag { get; set; }
}

/// <summary>The version of a cluster's membership table; every change of a row moves it on, guarded by its etag.</summary>
public sealed class MembershipVersionRecord
{
    public required string ClusterId { get; set; }

    public int Version { get; set; }

    public required string ETag { get; set; }
}
