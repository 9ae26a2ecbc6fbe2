using AutoDesign.Search.Jobs;

namespace AutoDesign.Dashboard.Components.Jobs;

/// <summary>What the new-job form edits; <see cref="ToSpec"/> makes the job spec the API takes.</summary>
public sealed class JobFormModel
{
    public string Kind { get; set; } = "prune";

    public string Model { get; set; } = "lenet5";

    public string Dataset { get; set; } = "mnist";

    public string Agent { get; set; } = "ddpg";

    public string Metric { get; set; } = "flops";

    public string Target { get; set; } = "";

    public bool Relative { get; set; } = true;

    public double? Limit { get; set; } = 0.5;

    public int? Episodes { get; set; } = 40;

    public int? WarmupEpisodes { get; set; } = 10;

    public int? Batch { get; set; } = 1;

    public int Seed { get; set; } = 1;

    public int? TrainingEpochs { get; set; }

    public int? TrainLimit { get; set; }

    /// <summary>What a nas job searches: "table" (a benchmark file) or "supernet" (a trained once-for-all super-network).</summary>
    public string SpaceKind { get; set; } = "supernet";

    /// <summary>nas over a super-network: its name (the data folder's supernets/NAME) or folder.</summary>
    public string Supernet { get; set; } = "";

    /// <summary>nas over a table: the CSV or JSON file, its decision columns (comma-separated) and the objective column.</summary>
    public string TablePath { get; set; } = "";

    public string Decisions { get; set; } = "";

    public string Objective { get; set; } = "acc";

    public int? Evaluations { get; set; } = 100;

    /// <summary>nas over a super-network: the accuracy predictor ("mlp" or "fasttree"), or "" to measure every candidate.</summary>
    public string Predictor { get; set; } = "";

    /// <summary>With a predictor: how many of the best predicted sub-networks are evaluated for real.</summary>
    public int? Confirm { get; set; } = 10;

    private bool IsNas => Kind == "nas";

    /// <summary>A new kind has its own agents and metrics; pick ones that exist for it.</summary>
    public void ApplyKindDefaults()
    {
        if (IsNas)
        {
            if (!NasJobValidator.Agents.Contains(Agent)) Agent = "evolution";
            Relative = false;
            if (Metric is "flops" or "latency") Metric = "";
        }
        else if (Kind == "quantize")
        {
            if (!JobSpecValidator.QuantizationAgents.Contains(Agent)) Agent = "ddpg";
            if (!JobSpecValidator.QuantizationMetrics.Contains(Metric)) Metric = "latency";
            if (Target == "") Target = "bitfusion";
        }
        else
        {
            if (!JobSpecValidator.PruningAgents.Contains(Agent)) Agent = "ddpg";
            if (!JobSpecValidator.PruningMetrics.Contains(Metric)) Metric = "flops";
            Relative = true;
        }
    }

    public JobSpec ToSpec() => IsNas ? ToNasSpec() : new()
    {
        Kind = Kind,
        Model = string.IsNullOrWhiteSpace(Model) ? null : Model.Trim(),
        Dataset = Dataset,
        Agent = Agent,
        Constraint = new ConstraintSpec
        {
            Metric = Metric,
            Target = Metric is "latency" or "energy" && Target != "" ? Target : null,
            Ratio = Relative ? Limit : null,
            Max = Relative ? null : Limit,
        },
        Budget = new BudgetSpec { Episodes = Episodes, WarmupEpisodes = Agent == "ddpg" ? WarmupEpisodes : null, Batch = Batch },
        Seed = Seed,
        Training = TrainingEpochs is null && TrainLimit is null ? null : new BaseTraining { Epochs = TrainingEpochs, TrainLimit = TrainLimit },
    };

    private JobSpec ToNasSpec() => SpaceKind == "supernet" ? ToSupernetSpec() : new()
    {
        Kind = Kind,
        Agent = Agent,
        Space = new SpaceSpec
        {
            Type = "table",
            Path = string.IsNullOrWhiteSpace(TablePath) ? null : TablePath.Trim(),
            Decisions = Decisions.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Objective = Objective.Trim(),
        },
        Constraint = string.IsNullOrWhiteSpace(Metric) ? null : new ConstraintSpec { Metric = Metric.Trim(), Max = Limit },
        Budget = new BudgetSpec { Evaluations = Evaluations, Batch = Batch },
        Seed = Seed,
    };

    private JobSpec ToSupernetSpec() => new()
    {
        Kind = Kind,
        Supernet = string.IsNullOrWhiteSpace(Supernet) ? null : Supernet.Trim(),
        Dataset = Dataset,
        Agent = Agent,
        Constraint = string.IsNullOrWhiteSpace(Metric) ? null : new ConstraintSpec
        {
            Metric = Metric.Trim(),
            Target = Metric is "latency" or "energy" && Target != "" ? Target : null,
            Max = Limit,
        },
        Budget = new BudgetSpec { Evaluations = Evaluations, Batch = Batch },
        Seed = Seed,
        Predictor = Predictor == "" ? null : new PredictorSpec { Model = Predictor, Confirm = Confirm },
    };
}
