namespace AutoDesign.Search.Kinds.Common;

/// <summary>The form fields every model job has; a kind passes its metrics, defaults and the fields of its own section.</summary>
public static class ModelJobForm
{
    public const string Design = "What to design", Constraint = "Constraint", Budget = "Budget";

    private static readonly string[] OnTargets = ["latency", "energy"];

    /// <summary>The recovery of the best design (blank: the default).</summary>
    public static readonly FormField RecoveryEpochs = new("recovery.epochs", "recovery epochs (0: off)", Budget, "integer",
        Help: $"blank: {Recovery.RecoveryPlan.DefaultEpochs} epochs of fine-tuning, distilled from the base model");

    public static IReadOnlyList<FormField> Fields(ModelJobChecks.ConstraintRules rules, string metric, string? target, IEnumerable<FormField> ownFields) =>
    [
        new("model", "model", Design, "text", Default: "lenet5", ChoicesFrom: "models"),
        new("dataset", "data set", Design, "choice", Default: "mnist", ChoicesFrom: "datasets"),
        new("agent", "agent", Design, "choice", ChoicesFrom: "agents"),
        new("constraint.metric", "metric", Constraint, "choice", Default: metric, Choices: [.. rules.Metrics.Select(m => new FormChoice(m, m))]),
        new("constraint.target", "target", Constraint, "choice", Default: target, ChoicesFrom: "targets",
            ShownWhen: [new FormCondition("constraint.metric", OnTargets)]),
        new("limit", "the limit is", Constraint, "choice", Default: "ratio", Submitted: false,
            Choices: [new FormChoice("ratio", "a fraction of the base model's cost"), new FormChoice("max", "an absolute cost")]),
        new("constraint.ratio", "at most (fraction of the base)", Constraint, "number", Default: "0.5", ShownWhen: [new FormCondition("limit", ["ratio"])]),
        new("constraint.max", "at most (absolute)", Constraint, "number", ShownWhen: [new FormCondition("limit", ["max"])]),
        new("budget.episodes", "episodes", Budget, "integer", Default: "40"),
        new("budget.warmupEpisodes", "warm-up episodes", Budget, "integer", ShownWhen: [new FormCondition("agent", ["ddpg"])],
            Help: $"blank: the paper's {rules.PaperWarmupEpisodes}, at most half the episodes"),
        new("budget.batch", "batch (evaluated in parallel)", Budget, "integer", Default: "1"),
        new("seed", "seed", Budget, "integer", Default: "1"),
        new("training.epochs", "base training epochs (if not trained yet)", Budget, "integer"),
        new("training.trainLimit", "base training images (limit)", Budget, "integer"),
        .. ownFields,
    ];
}
