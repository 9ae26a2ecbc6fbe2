using AutoDesign.Modeling.Specs;

namespace AutoDesign.Host.Hosting;

/// <summary>The service's settings (configuration section <c>AutoDesign</c>; Orleans reads its own <c>Orleans</c> section).</summary>
public sealed class ServiceOptions
{
    public const string Section = "AutoDesign";

    /// <summary>Data sets, trained models, the database and job outputs (default: ~/.autodesign or AUTODESIGN_DATA_DIR).</summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// Folders besides the data folder whose files requests may name (benchmark tables, data sets, models, hardware
    /// descriptions); any other path a request names is refused (<c>AutoDesign:AllowedRoots:0=/srv/tables</c>).
    /// </summary>
    public string[] AllowedRoots { get; set; } = [];

    /// <summary>How large a network a request may name or upload (layers, channels, parameters, MACs, activations).</summary>
    public ModelLimits ModelLimits { get; set; } = new();

    /// <summary>A PostgreSQL connection string (Host=...;Database=...;Username=...) to keep records in instead of the data folder's SQLite file.</summary>
    public string? Database { get; set; }

    /// <summary>Jobs one silo runs at once; each takes the CPU cores TorchSharp gives it.</summary>
    public int MaxRunningJobs { get; set; } = 1;

    /// <summary>Jobs waiting to run across the service; a submission beyond it gets 503 and may retry.</summary>
    public int MaxQueuedJobs { get; set; } = 1_000;

    /// <summary>How often reminders tick: a running job checks that some silo runs it, a sweep whether its cron time has come.</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one run of a job may take (base-model training, search and test) before it fails; a resumed job starts the clock again.</summary>
    public TimeSpan JobTimeLimit { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long a profile or layer-table request waits for its measurement before it fails with 503.</summary>
    public TimeSpan ProfileTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often, after a storage fault, the service tries the storage again and resumes the jobs the fault stopped.</summary>
    public TimeSpan StorageRetryPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a silo waits for another silo's answer: at least one candidate's evaluation.</summary>
    public TimeSpan EvaluationTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The largest job spec accepted, in bytes.</summary>
    public int MaxSpecBytes { get; set; } = 64 * 1024;

    /// <summary>The largest model upload accepted (spec and weights), in bytes.</summary>
    public long MaxUploadBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Ask for an API key on every change even on loopback (beyond loopback one is always required).</summary>
    public bool RequireApiKey { get; set; }

    /// <summary>Profiling, layer-table and export requests one client (API key, or address without one) may make a minute.</summary>
    public int ExpensiveReadsPerMinute { get; set; } = 60;

    /// <summary>The address (or host name) other silos reach this one at, with a shared database.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    public int SiloPort { get; set; } = 11_111;

    public int GatewayPort { get; set; } = 30_000;
}
