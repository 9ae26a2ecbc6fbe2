using AutoDesign.Modeling;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Jobs;

/// <summary>Where a job runs: its data folder and log, where its journal and candidates go, and its cancellation.</summary>
public sealed record JobContext(DataFolder Folder, ILogger Logger)
{
    /// <summary>Where the best network is saved (nothing is saved when empty).</summary>
    public string BestModelDirectory { get; init; } = "";

    /// <summary>Where recovery training keeps its checkpoints, so that a rerun picks up after the last epoch (none when empty).</summary>
    public string RecoveryDirectory { get; init; } = "";

    /// <summary>Where a kind keeps what it measured before its search (a joint search's quantized samples), so that a rerun picks up (none when empty).</summary>
    public string WorkDirectory { get; init; } = "";

    /// <summary>
    /// The job's name among what the data folder keeps for runs (letters, digits and '-'; the service's job id), e.g. a
    /// training job's checkpoints under <c>training/</c>; empty: a run of its own that is not resumed.
    /// </summary>
    public string Name { get; init; } = "";

    /// <summary>Where a training job's workers train: in this process (null), or on the silos of the cluster.</summary>
    public Modeling.Distributed.IDataParallelTraining? Training { get; init; }

    /// <summary>Where each evaluated batch is recorded with the agent's state, and read back on resume.</summary>
    public IJobJournal Journal { get; init; } = NoJournal.Instance;

    /// <summary>Where candidates are scored; null: one after another by the job's own scorer.</summary>
    public IEvaluationPool? Evaluations { get; init; }

    public Action<SearchProgress>? Progress { get; init; }

    /// <summary>Stops the search before its next batch; what was recorded is kept.</summary>
    public CancellationToken Cancellation { get; init; }
}
