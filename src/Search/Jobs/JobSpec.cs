using AutoDesign.Search.Agents.Evolution;
using AutoDesign.Search.Pruning;

namespace AutoDesign.Search.Jobs;

/// <summary>
/// One design-automation job, as the CLI's <c>run</c> and the REST API accept it (camelCase JSON), e.g.
/// <c>{"kind":"prune","model":"lenet5","dataset":"mnist","agent":"ddpg","constraint":{"metric":"flops","ratio":0.5},
/// "budget":{"episodes":120,"warmupEpisodes":20},"seed":1}</c>, or an architecture search over a benchmark table:
/// <c>{"kind":"nas","space":{"type":"table","path":"bench.csv","decisions":["e0","e1"],"objective":"acc"},
/// "agent":"evolution","constraint":{"metric":"lat_dev","max":4.5},"budget":{"evaluations":500},"seed":1}</c>.
/// </summary>
public sealed record JobSpec
{
    public string? Kind { get; init; }

    public string? Model { get; init; }

    public string? Dataset { get; init; }

    public string? Agent { get; init; }

    /// <summary>The budget; without one a pruning job runs in AMC's accuracy-guaranteed mode.</summary>
    public ConstraintSpec? Constraint { get; init; }

    public BudgetSpec? Budget { get; init; }

    public int Seed { get; init; } = 1;

    public PruningSettings? Pruning { get; init; }

    public QuantizationSettings? Quantization { get; init; }

    /// <summary>DDPG's exploration settings (ddpg only; defaults are AMC's).</summary>
    public DdpgSettings? Ddpg { get; init; }

    /// <summary>How to train the base model if the cache does not hold it (default: the model family's recipe).</summary>
    public BaseTraining? Training { get; init; }

    /// <summary>What an architecture search (nas) searches: a benchmark table.</summary>
    public SpaceSpec? Space { get; init; }

    /// <summary>The once-for-all super-network an architecture search (nas) samples sub-networks from (by name or path).</summary>
    public string? Supernet { get; init; }

    /// <summary>Evolution's settings (evolution only; defaults are OFA's).</summary>
    public EvolutionOptions? Evolution { get; init; }

    /// <summary>NSGA-II's settings (nsga2 only).</summary>
    public Nsga2Settings? Nsga2 { get; init; }

    /// <summary>Score a super-network search's candidates with an accuracy predictor, confirming only the best by real evaluation.</summary>
    public PredictorSpec? Predictor { get; init; }
}

/// <summary>
/// Predictor-guided search over a super-network, as Once-for-All searches: the agent's <c>budget.evaluations</c>
/// distinct sub-networks are scored by an accuracy predictor fitted on the super-network's measured sub-networks
/// (<c>autodesign supernet sample</c>), and only the <see cref="Confirm"/> best predicted are evaluated for real.
/// </summary>
public sealed record PredictorSpec
{
    /// <summary><c>mlp</c> (Once-for-All's, the default) or <c>fasttree</c>.</summary>
    public string? Model { get; init; }

    /// <summary>How many of the best predicted sub-networks to evaluate for real (default 10).</summary>
    public int? Confirm { get; init; }
}

/// <summary>
/// A search space given as data. <c>table</c>: a CSV or JSON benchmark table at <see cref="Path"/> (absolute, relative to
/// the working directory, or under the data folder's <c>tables/</c>), whose <see cref="Decisions"/> columns are the
/// architecture and whose <see cref="Objective"/> column is the accuracy to maximise.
/// </summary>
public sealed record SpaceSpec
{
    public string? Type { get; init; }

    public string? Path { get; init; }

    public IReadOnlyList<string>? Decisions { get; init; }

    public string? Objective { get; init; }
}

/// <summary>NSGA-II's settings and the costs it trades accuracy against.</summary>
public sealed record Nsga2Settings
{
    public int Population { get; init; } = 100;

    public double CrossoverProbability { get; init; } = 0.9;

    /// <summary>Per decision; default one over the number of decisions.</summary>
    public double? MutationProbability { get; init; }

    /// <summary>Numeric columns to minimise beside maximising accuracy (default: the constraint's metric).</summary>
    public IReadOnlyList<string>? Objectives { get; init; }
}

/// <summary>Changes to the base model's training recipe.</summary>
public sealed record BaseTraining
{
    public int? Epochs { get; init; }

    /// <summary>Train on only the first N training images (for quick runs).</summary>
    public int? TrainLimit { get; init; }
}

/// <summary>
/// A cost limit: <see cref="Ratio"/> of the base model's cost (for quantization, of the W8A8 model's), or an absolute
/// <see cref="Max"/> in the metric's unit.
/// </summary>
public sealed record ConstraintSpec
{
    /// <summary>flops, params, latency or energy for pruning; latency, energy or size (bits) for quantization.</summary>
    public string? Metric { get; init; }

    /// <summary>The hardware target that gives latency or energy, e.g. "bitfusion" or "torchsharp-cpu".</summary>
    public string? Target { get; init; }

    public double? Ratio { get; init; }

    public double? Max { get; init; }
}

public sealed record BudgetSpec
{
    /// <summary>Candidates to evaluate (one per episode).</summary>
    public int? Episodes { get; init; }

    /// <summary>Episodes of random actions before DDPG uses its actor (ddpg only).</summary>
    public int? WarmupEpisodes { get; init; }

    /// <summary>
    /// Candidates asked for, evaluated in parallel (over every silo of a cluster) and told at once (default 1, as in
    /// AMC and HAQ). Part of what a seeded run's result depends on: the agent learns after each batch.
    /// </summary>
    public int? Batch { get; init; }

    /// <summary>Distinct architectures to evaluate (nas only): a proposal seen before costs nothing.</summary>
    public int? Evaluations { get; init; }
}

/// <summary>Pruning settings; every field has AMC's default.</summary>
public sealed record PruningSettings
{
    /// <summary>The smallest keep ratio of a layer.</summary>
    public double LowerBound { get; init; } = 0.2;

    /// <summary>Channel counts of groups at least four multiples wide are rounded to this multiple.</summary>
    public int ChannelMultiple { get; init; } = 8;

    public FilterImportance Importance { get; init; } = FilterImportance.L1;

    /// <summary>Refit the layers after each cut by least squares (channel pruning by reconstruction).</summary>
    public bool Refit { get; init; }

    /// <summary>
    /// Training images on which each candidate's batch-norm statistics are re-estimated before it is scored (0: none,
    /// as in AMC). Weights are not changed; networks without batch norm are unaffected.
    /// </summary>
    public int BatchNormImages { get; init; }

    /// <summary>Validation images each candidate is scored on (AMC used 3,000).</summary>
    public int ValidationImages { get; init; } = 3_000;

    /// <summary>Epochs of fine-tuning for the best candidate before it is saved (0: none).</summary>
    public int FineTuneEpochs { get; init; }
}

/// <summary>DDPG exploration: truncated-normal noise of <see cref="InitialNoise"/> after warm-up, times <see cref="NoiseDecay"/> per episode.</summary>
public sealed record DdpgSettings
{
    public double InitialNoise { get; init; } = 0.5;

    public double NoiseDecay { get; init; } = 0.95;
}

/// <summary>Quantization settings; the defaults are HAQ's where it has them.</summary>
public sealed record QuantizationSettings
{
    public int MinBits { get; init; } = 2;

    public int MaxBits { get; init; } = 8;

    /// <summary>Keep the first and last layers with weights at 8 bits, as HAQ does.</summary>
    public bool KeepFirstAndLast { get; init; } = true;

    /// <summary>
    /// How activation clipping values are chosen: "mse" (default) or "kl". KL divergence, HAQ's choice, clips far
    /// too hard on inputs with a spike of equal values (a normalised image's background): on lenet5/mnist W4A4 kept
    /// 98.3% with MSE and fell to chance with KL.
    /// </summary>
    public Modeling.Quantization.CalibrationMethod Calibration { get; init; } = Modeling.Quantization.CalibrationMethod.Mse;

    /// <summary>Training images the activation clipping values are calibrated on.</summary>
    public int CalibrationImages { get; init; } = 256;

    /// <summary>Training images of quantization-aware fine-tuning before each candidate is scored (0: none).</summary>
    public int FineTuneImages { get; init; } = 1_024;

    public double FineTuneLearningRate { get; init; } = 1e-3;

    /// <summary>Validation images each candidate is scored on.</summary>
    public int ValidationImages { get; init; } = 1_000;

    /// <summary>More hardware targets to report each candidate's latency and energy on, besides the constrained one.</summary>
    public IReadOnlyList<string> ReportTargets { get; init; } = [];
}
