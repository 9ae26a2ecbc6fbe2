using System.Globalization;
using AutoDesign.HardwareProfiler.Costs;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Common;
using AutoDesign.Search.Kinds.Nas;
using AutoDesign.Search.Recovery;

namespace AutoDesign.Search.Kinds.Codesign;

/// <summary>The checks of a <c>codesign</c> spec: the super-network and its measured sub-networks, the constraint on its target, the bits, the predictor, the budget and the agents' settings.</summary>
internal static class CodesignChecks
{
    public static readonly IReadOnlyList<string> Metrics = ["latency", "energy", "size"];

    public const int MaxEvaluations = 100_000, MaxSamples = 10_000;

    public static CodesignPlan Plan(CodesignSpec spec, IJobKind kind, DataFolder folder)
    {
        var errors = new SpecErrors();
        if (string.IsNullOrWhiteSpace(spec.Agent)) errors.Add("agent", $"is required: one of {string.Join(", ", kind.Agents)}");
        else if (!kind.Agents.Contains(spec.Agent)) errors.Add("agent", $"'{spec.Agent}' is unknown for {kind.Name}: use {string.Join(", ", kind.Agents)}");

        var quantization = spec.Quantization ?? new CodesignQuantization();
        foreach (var (field, reason) in quantization.Problems()) errors.Add($"quantization.{field}", reason);

        int evaluations = spec.Budget?.Evaluations ?? 0;
        if (spec.Budget?.Evaluations is null) errors.Add("budget.evaluations", "is required: how many distinct designs the predictor scores");
        else if (evaluations is < 1 or > MaxEvaluations) errors.Add("budget.evaluations", $"must be between 1 and {MaxEvaluations:N0}, got {evaluations}");
        if (spec.Budget?.Batch is < 1 or > NasChecks.MaxBatch) errors.Add("budget.batch", $"must be between 1 and {NasChecks.MaxBatch}, got {spec.Budget.Batch}");

        var predictor = spec.Predictor ?? new CodesignPredictor();
        if (predictor.Samples is < 2 or > MaxSamples) errors.Add("predictor.samples", $"must be between 2 and {MaxSamples:N0}, got {predictor.Samples}");
        if (predictor.Confirm < 1) errors.Add("predictor.confirm", $"must be at least 1, got {predictor.Confirm}");
        else if (evaluations > 0 && predictor.Confirm > evaluations)
            errors.Add("predictor.confirm", $"{predictor.Confirm} is more than the {evaluations} designs budget.evaluations lets the predictor score");

        var evolution = ArchitectureAgentChecks.Evolution(spec.Evolution, spec.Agent, evaluations, errors);
        var nsga2 = ArchitectureAgentChecks.Nsga2(spec.Nsga2, spec.Agent, evaluations, errors);
        if (spec.Nsga2?.Objectives is { } objectives)
        {
            if (objectives.Count == 0) errors.Add("nsga2.objectives", "NSGA-II needs a cost to trade accuracy against: leave the list out for the constraint's metric");
            for (int i = 0; i < objectives.Count; i++)
                if (objectives[i] != spec.Constraint?.Metric && objectives[i] is not ("flops" or "params" or "size"))
                    errors.Add($"nsga2.objectives[{i}]", $"'{objectives[i]}' is not measured: a design reports flops, params, size and the constraint's metric");
                else if (objectives.Take(i).Contains(objectives[i])) errors.Add($"nsga2.objectives[{i}]", $"'{objectives[i]}' is listed twice");
        }

        var located = SupernetChecks.Locate(spec.Supernet, spec.Dataset, folder, errors);
        RecoveryPlan? recovery = null;
        (double Limit, double? Ratio)? limit = null;
        if (located is var (saved, directory))
        {
            if (predictor.Transfer) SupernetChecks.HasSamples(spec.Supernet!, directory, "predictor", errors);
            recovery = RecoveryPlan.Resolve(spec.Recovery, saved.Training.SubnetTraining(), errors);
            if (!errors.Has("quantization")) limit = CheckConstraint(spec.Constraint, saved.Layout, quantization.Bits, folder, errors);
        }
        else if (spec.Constraint is null) errors.Add("constraint", "is required: a latency or energy budget on a target, or a size budget");

        errors.ThrowIfAny();
        return new CodesignPlan
        {
            Agent = spec.Agent!,
            Seed = spec.Seed,
            Batch = spec.Budget?.Batch ?? 1,
            Supernet = new SupernetPlan(located!.Value.Saved.Name, folder.Portable(located.Value.Directory), located.Value.Saved.Dataset),
            ConstraintMetric = spec.Constraint!.Metric!,
            ConstraintTarget = spec.Constraint.Metric is "latency" or "energy" ? spec.Constraint.Target : null,
            Limit = limit!.Value.Limit,
            Ratio = limit.Value.Ratio,
            Quantization = quantization,
            Predictor = predictor,
            Evaluations = evaluations,
            Costs = spec.Nsga2?.Objectives ?? [spec.Constraint.Metric!],
            Evolution = evolution,
            Nsga2 = nsga2,
            Recovery = recovery,
        };
    }

    /// <summary>The metric each design reports besides the constrained one.</summary>
    public static IReadOnlyList<CostMetric> ReportedMetrics(string constraint, string? target, DataFolder folder) =>
    [
        CostMetric.Named(constraint, target, folder),
        .. new[] { CostMetric.Flops, CostMetric.Params, CostMetric.Size }.Where(m => m.Name != constraint),
    ];

    /// <returns>The absolute limit and the ratio it came from, or null with the problem recorded.</returns>
    private static (double, double?)? CheckConstraint(ConstraintSpec? constraint, SupernetLayout layout, IReadOnlyList<int> bits, DataFolder folder, SpecErrors errors)
    {
        if (constraint is null) { errors.Add("constraint", "is required: a latency or energy budget on a target, or a size budget"); return null; }
        string? metric = constraint.Metric;
        if (string.IsNullOrWhiteSpace(metric)) { errors.Add("constraint.metric", $"is required: one of {string.Join(", ", Metrics)}"); return null; }
        if (!Metrics.Contains(metric)) { errors.Add("constraint.metric", $"'{metric}' is unknown for a joint search: use {string.Join(", ", Metrics)} (MACs and parameters do not depend on bits)"); return null; }
        CostMetric? cost;
        if (metric is "latency" or "energy")
        {
            if (string.IsNullOrWhiteSpace(constraint.Target)) { errors.Add("constraint.target", $"is required for {metric}: one of {string.Join(", ", HardwareTargets.NamesIn(folder))}"); return null; }
            cost = errors.Try("constraint.target", () => CostMetric.Named(metric, constraint.Target, folder));
            if (cost is null) return null;
            if (cost is CostMetric.OnTarget { Target: var target } && target.Kind != TargetKind.Analytic)
            {
                errors.Add("constraint.target", $"'{target.Name}' is a {target.Kind.ToString().ToLowerInvariant()} target, blind to most bit-widths: a joint search " +
                                                "needs a cost per bit-width, an analytic target's (bitfusion, bismo, bismo-cloud, or analytic:<file>)");
                return null;
            }
        }
        else if (constraint.Target is not null) { errors.Add("constraint.target", $"applies to latency and energy, not to {metric}"); return null; }
        else cost = CostMetric.Size;

        if ((constraint.Max is null) == (constraint.Ratio is null)) { errors.Add("constraint.max", "give either 'max' (in the metric's unit) or 'ratio' (of the largest sub-network at 8 bits)"); return null; }
        if (constraint.Max is { } given && !(given > 0 && double.IsFinite(given))) { errors.Add("constraint.max", $"must be a positive number, got {given}"); return null; }
        if (constraint.Ratio is { } ratio && !(ratio > 0 && ratio <= 1)) { errors.Add("constraint.ratio", $"must be in (0, 1], got {ratio}"); return null; }

        var subnets = new SubnetSpace(layout);
        double Cost(SubnetChoice choice, int bits) =>
            cost.Of(SubnetExtraction.Spec(layout, choice, "apq-subnet"), SubnetPrecision.Uniform(layout, bits, bits).Policy(layout, choice));
        double? reference = errors.Try<double?>("constraint.target", () => Cost(subnets.Largest, SubnetPrecision.KeptBits));
        double? smallest = errors.Try<double?>("quantization.bits", () => Cost(subnets.Smallest, bits[0]));
        double? widest = errors.Try<double?>("quantization.bits", () => Cost(subnets.Largest, bits[^1])); // a target may not model every bit-width
        if (reference is not { } largest || smallest is not { } least || widest is null) return null;
        double limit = constraint.Max ?? constraint.Ratio!.Value * largest;
        if (limit < least)
        {
            string field = constraint.Max is null ? "constraint.ratio" : "constraint.max";
            errors.Add(field, $"{limit.ToString("G6", CultureInfo.InvariantCulture)} is below the smallest design's {metric} " +
                              $"({least.ToString("G6", CultureInfo.InvariantCulture)}: the smallest sub-network at {bits[0]} bits): no design meets it");
            return null;
        }
        return (limit, constraint.Ratio);
    }
}
