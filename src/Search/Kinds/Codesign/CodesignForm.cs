namespace AutoDesign.Search.Kinds.Codesign;

/// <summary>The fields a form offers for a joint architecture and precision search.</summary>
internal static class CodesignForm
{
    private const string Design = "What to design", Constraint = "Constraint", Budget = "Budget";

    public static IReadOnlyList<FormField> Fields { get; } =
    [
        new("supernet", "super-network (name or folder)", Design, "text", ChoicesFrom: "supernets"),
        new("agent", "agent", Design, "choice", ChoicesFrom: "agents"),
        new("quantization.bits", "bit-widths a layer may take (comma-separated)", Design, "integers", Default: "4,6,8"),
        new("constraint.metric", "metric", Constraint, "choice", Default: "latency",
            Choices: [.. CodesignChecks.Metrics.Select(m => new FormChoice(m, m))]),
        new("constraint.target", "target", Constraint, "choice", Default: "bitfusion", ChoicesFrom: "targets",
            ShownWhen: [new FormCondition("constraint.metric", ["latency", "energy"])]),
        new("constraint.ratio", "at most (share of the largest sub-network at 8 bits)", Constraint, "number", Default: "0.5"),
        new("budget.evaluations", "designs the predictor scores", Budget, "integer", Default: "2000"),
        new("predictor.samples", "designs measured at their bits for the predictor", Budget, "integer", Default: "25"),
        new("predictor.confirm", "best predicted to evaluate for real", Budget, "integer", Default: "10"),
        new("recovery.epochs", "recovery epochs of the best design", Budget, "integer", Default: "2"),
        new("seed", "seed", Budget, "integer", Default: "1"),
    ];
}
