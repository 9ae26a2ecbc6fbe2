namespace AutoDesign.Search.Kinds.Nas;

/// <summary>The fields a form offers for an architecture search: over a trained super-network or over a benchmark table.</summary>
internal static class NasForm
{
    private const string Design = "What to design", Constraint = "Constraint", Budget = "Budget";

    private static readonly FormCondition OverSupernet = new("space", ["supernet"]), OverTable = new("space", ["table"]);

    private static readonly string[] Predicting = ["mlp", "fasttree"];

    public static IReadOnlyList<FormField> Fields { get; } =
    [
        new("space", "search space", Design, "choice", Default: "supernet", Submitted: false,
            Choices: [new FormChoice("supernet", "a trained once-for-all super-network"), new FormChoice("table", "a benchmark table (CSV or JSON)")]),
        new("supernet", "super-network (name or folder)", Design, "text", ChoicesFrom: "supernets", ShownWhen: [OverSupernet]),
        new("dataset", "data set", Design, "choice", Default: "mnist", ChoicesFrom: "datasets", ShownWhen: [OverSupernet]),
        new("space.type", "table", Design, "constant", Default: "table", ShownWhen: [OverTable]),
        new("space.path", "table (CSV or JSON file on the server)", Design, "text", ShownWhen: [OverTable]),
        new("space.decisions", "decision columns (comma-separated)", Design, "list", ShownWhen: [OverTable]),
        new("space.objective", "objective column", Design, "text", Default: "acc", ShownWhen: [OverTable]),
        new("agent", "agent", Design, "choice", ChoicesFrom: "agents"),
        new("constraint.metric", "metric", Constraint, "choice", ShownWhen: [OverSupernet],
            Choices: [new FormChoice("", "none"), .. NasChecks.SupernetMetrics.Reverse().Select(m => new FormChoice(m, m))]),
        new("constraint.metric", "metric (a numeric column; empty for none)", Constraint, "text", ShownWhen: [OverTable]),
        new("constraint.target", "target", Constraint, "choice", ChoicesFrom: "targets",
            ShownWhen: [OverSupernet, new FormCondition("constraint.metric", ["latency", "energy"])]),
        new("constraint.max", "at most (absolute)", Constraint, "number", ShownWhen: [new FormCondition("constraint.metric")]),
        new("predictor.model", "accuracy", Budget, "choice", ShownWhen: [OverSupernet],
            Choices: [new FormChoice("", "measure every candidate"), new FormChoice("mlp", "predict (MLP), confirm the best"), new FormChoice("fasttree", "predict (FastTree), confirm the best")]),
        new("budget.evaluations", "evaluations (distinct architectures; predicted ones with a predictor)", Budget, "integer", Default: "100"),
        new("predictor.confirm", "best predicted to evaluate for real", Budget, "integer", Default: "10",
            ShownWhen: [OverSupernet, new FormCondition("predictor.model", Predicting)]),
        new("budget.batch", "batch (evaluated in parallel)", Budget, "integer", Default: "1"),
        new("seed", "seed", Budget, "integer", Default: "1"),
    ];
}
