using System.Globalization;
using AutoDesign.HardwareProfiler.Costs;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Inputs;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Architecture;
using AutoDesign.Search.Architecture.Predictor;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Common;
using AutoDesign.Search.Recovery;
using AutoDesign.Search.Tables;

namespace AutoDesign.Search.Kinds.Nas;

/// <summary>The checks of a <c>nas</c> spec: the space (a table or a super-network), the constraint in its terms, the budget, the agents' settings and the predictor.</summary>
internal static class NasChecks
{
    public static readonly IReadOnlyList<string> SpaceTypes = ["table"];
    public static readonly IReadOnlyList<string> SupernetMetrics = ["latency", "energy", "flops", "params"];

    public const int MaxEvaluations = 100_000;
    public const int MaxBatch = 256;

    public static NasPlan Plan(NasSpec spec, IJobKind kind, DataFolder folder)
    {
        var errors = new SpecErrors();
        if (string.IsNullOrWhiteSpace(spec.Agent)) errors.Add("agent", $"is required: one of {string.Join(", ", kind.Agents)}");
        else if (!kind.Agents.Contains(spec.Agent)) errors.Add("agent", $"'{spec.Agent}' is unknown for {kind.Name}: use {string.Join(", ", kind.Agents)}");
        if (spec.Dataset is not null && spec.Supernet is null)
            errors.Add("dataset", "applies to super-network spaces; a table's results are already measured");

        ChoiceSpace? space = null;
        TablePlan? tablePlan = null;
        SupernetPlan? supernetPlan = null;
        RecoveryPlan? recovery = null;
        BenchmarkTable? table = null;
        var decisions = spec.Space?.Decisions ?? [];
        string? objective = spec.Space?.Objective;
        if (spec.Supernet is not null)
        {
            if (spec.Space is not null) errors.Add("space", "give a table 'space' or a 'supernet', not both");
            else if (CheckSupernet(spec, folder, errors) is var (plan, supernetSpace, recipe))
            {
                supernetPlan = plan;
                space = supernetSpace;
                recovery = RecoveryPlan.Resolve(spec.Recovery, recipe, errors);
            }
        }
        else if (spec.Space is null) errors.Add("space", "is required: {\"type\":\"table\",\"path\":...,\"decisions\":[...],\"objective\":...}, or name a 'supernet'");
        else if (CheckTable(spec.Space, folder, errors) is var (path, loaded))
        {
            table = loaded;
            bool columnsOk = CheckColumns(table, decisions, objective, errors);
            if (columnsOk && CheckConstraint(spec, table, objective!, errors) is var (column, max) && errors.Count == 0)
            {
                space = errors.Try("space", () => new TableSpace(table, decisions, objective!, column, max));
                tablePlan = new TablePlan(folder.Portable(path), table.Source, decisions, objective!);
            }
        }

        if (spec.Supernet is null && spec.Recovery is not null) errors.Add("recovery", "applies to super-network searches: a table's rows have no network to train");

        int evaluations = spec.Budget?.Evaluations ?? 0;
        if (spec.Budget?.Evaluations is null) errors.Add("budget.evaluations", "is required: how many distinct architectures to evaluate");
        else if (evaluations is < 1 or > MaxEvaluations) errors.Add("budget.evaluations", $"must be between 1 and {MaxEvaluations:N0}, got {evaluations}");
        else if (space is TableSpace rows && evaluations > rows.AllowedRows)
            errors.Add("budget.evaluations", $"{evaluations} is more than the {rows.AllowedRows} rows that {(spec.Constraint is null ? "the table has" : "meet the constraint")}");
        if (spec.Budget?.Batch is < 1 or > MaxBatch) errors.Add("budget.batch", $"must be between 1 and {MaxBatch}, got {spec.Budget.Batch}");

        // A predictor-guided search spends its evaluations on predictions: the population follows them too.
        var evolution = ArchitectureAgentChecks.Evolution(spec.Evolution, spec.Agent, evaluations, errors);
        var nsga2 = ArchitectureAgentChecks.Nsga2(spec.Nsga2, spec.Agent, evaluations, errors);
        var settings = spec.Nsga2 ?? new Nsga2Settings();
        var costs = settings.Objectives ?? (spec.Constraint?.Metric is { } metric ? [metric] : []);
        if (table is not null)
            for (int i = 0; i < (settings.Objectives?.Count ?? 0); i++)
            {
                string cost = settings.Objectives![i];
                if (!table.Has(cost)) errors.Add($"nsga2.objectives[{i}]", $"'{cost}' is not a column of {table.Source}");
                else if (!table.IsNumeric(cost)) errors.Add($"nsga2.objectives[{i}]", $"'{cost}' is not numeric");
                else if (cost == objective || decisions.Contains(cost)) errors.Add($"nsga2.objectives[{i}]", $"'{cost}' is the objective or a decision, not a cost");
                else if (settings.Objectives.Take(i).Contains(cost)) errors.Add($"nsga2.objectives[{i}]", $"'{cost}' is listed twice");
            }
        if (space is SupernetSpace subnets)
            for (int i = 0; i < (settings.Objectives?.Count ?? 0); i++)
                if (!subnets.MetricNames.Contains(settings.Objectives![i]))
                    errors.Add($"nsga2.objectives[{i}]", $"'{settings.Objectives[i]}' is not measured: a sub-network reports {string.Join(", ", subnets.MetricNames)}");
        if (spec.Agent == "nsga2" && costs.Count == 0)
            errors.Add("nsga2.objectives", "NSGA-II needs a cost to trade accuracy against: name one or more numeric columns, or set a constraint");
        if (spec.Agent == "nsga2" && space is TableSpace tableSpace && costs.Count > 0 && errors.Count == 0)
            nsga2 = nsga2 with { Reference = Pareto.Hypervolume.ReferenceFor(tableSpace.Objectives(costs)) };

        var predictor = spec.Predictor is null ? null : CheckPredictor(spec, supernetPlan, folder, evaluations, errors);

        errors.ThrowIfAny();
        return new NasPlan
        {
            Agent = spec.Agent!,
            Seed = spec.Seed,
            Batch = spec.Budget?.Batch ?? 1,
            Table = tablePlan,
            Supernet = supernetPlan,
            ConstraintMetric = spec.Constraint?.Metric,
            ConstraintTarget = spec.Constraint?.Metric is "latency" or "energy" ? spec.Constraint.Target : null,
            Limit = spec.Constraint?.Max,
            Costs = costs,
            Evaluations = evaluations,
            Evolution = evolution,
            Nsga2 = nsga2,
            Predictor = predictor,
            Recovery = recovery,
        };
    }

    private static PredictorPlan? CheckPredictor(NasSpec spec, SupernetPlan? supernet, DataFolder folder, int evaluations, SpecErrors errors)
    {
        var settings = spec.Predictor!;
        int before = errors.Count;
        string model = settings.Model ?? "mlp";
        if (!AccuracyPredictors.Models.Contains(model)) errors.Add("predictor.model", $"'{model}' is unknown: use {string.Join(", ", AccuracyPredictors.Models)}");
        int confirm = settings.Confirm ?? 10;
        if (confirm < 1) errors.Add("predictor.confirm", $"must be at least 1, got {confirm}");
        else if (evaluations > 0 && confirm > evaluations) errors.Add("predictor.confirm", $"{confirm} is more than the {evaluations} sub-networks budget.evaluations lets the predictor score");
        if (spec.Supernet is null) { errors.Add("predictor", "applies to super-network spaces: a table's rows are already measured"); return null; }
        if (supernet is null) return null;

        SupernetChecks.HasSamples(spec.Supernet, folder.Resolve(supernet.Directory), "predictor", errors);
        return errors.Count == before ? new PredictorPlan(model, confirm) : null;
    }

    /// <returns>The super-network and its space with the constraint applied (a space that checks, not scores), or null.</returns>
    private static (SupernetPlan, SupernetSpace, TrainingOptions Recipe)? CheckSupernet(NasSpec spec, DataFolder folder, SpecErrors errors)
    {
        int before = errors.Count;
        var located = SupernetChecks.Locate(spec.Supernet, spec.Dataset, folder, errors);
        var (saved, directory) = located is { } found ? found : (null, null);

        var metrics = new List<CostMetric> { CostMetric.Flops, CostMetric.Params };
        string? constrained = null;
        double? max = null;
        if (spec.Constraint is { } constraint)
        {
            constrained = constraint.Metric;
            max = constraint.Max;
            if (constraint.Ratio is not null) errors.Add("constraint.ratio", "a super-network constraint is an absolute 'max' in the metric's unit (MACs, parameters, ms, mJ)");
            if (string.IsNullOrWhiteSpace(constrained)) errors.Add("constraint.metric", $"is required: one of {string.Join(", ", SupernetMetrics)}");
            else if (!SupernetMetrics.Contains(constrained)) errors.Add("constraint.metric", $"'{constrained}' is unknown for a super-network: use {string.Join(", ", SupernetMetrics)}");
            else if (constrained is "latency" or "energy")
            {
                if (string.IsNullOrWhiteSpace(constraint.Target)) errors.Add("constraint.target", $"is required for {constrained}: one of {string.Join(", ", HardwareTargets.NamesIn(folder))}");
                else if (errors.Try("constraint.target", () => CostMetric.Named(constrained, constraint.Target, folder)) is { } onTarget) metrics.Add(onTarget);
            }
            else if (constraint.Target is not null) errors.Add("constraint.target", $"applies to latency and energy, not to {constrained}");
            if (max is null) errors.Add("constraint.max", $"is required: the largest {constrained} a sub-network may have");
            else if (!(max > 0 && double.IsFinite(max.Value))) errors.Add("constraint.max", $"must be a positive number, got {max}");
        }
        if (errors.Count > before || saved is null) return null;

        try
        {
            var space = new SupernetSpace(saved.Layout, metrics, constrained, max);
            if (space.SmallestCost is { } smallest && smallest > max)
            {
                errors.Add("constraint.max", $"{max.Value.ToString(CultureInfo.InvariantCulture)} is below the smallest sub-network's {constrained} ({smallest.ToString("G6", CultureInfo.InvariantCulture)}): no sub-network meets it");
                return null;
            }
            return (new SupernetPlan(saved.Name, folder.Portable(directory!), saved.Dataset), space, saved.Training.SubnetTraining());
        }
        catch (ArgumentException e)
        {
            errors.Add(metrics.Count > 2 ? "constraint.target" : "supernet", e.Message);
            return null;
        }
    }

    /// <summary>A table file as given (through the data folder's input gate), or one under the data folder's <c>tables/</c>.</summary>
    public static string? Locate(string path, DataFolder folder)
    {
        if (folder.Inputs.FindFile(path, InputFormat.BenchmarkTable) is { } given) return given;
        return Path.IsPathRooted(path) ? null : folder.Inputs.FindFile(Path.Combine(folder.Root, "tables", path), InputFormat.BenchmarkTable);
    }

    private static (string Path, BenchmarkTable Table)? CheckTable(SpaceSpec space, DataFolder folder, SpecErrors errors)
    {
        if (string.IsNullOrWhiteSpace(space.Type)) errors.Add("space.type", $"is required: one of {string.Join(", ", SpaceTypes)}");
        else if (!SpaceTypes.Contains(space.Type)) errors.Add("space.type", $"'{space.Type}' is unknown: use {string.Join(", ", SpaceTypes)}");
        if (string.IsNullOrWhiteSpace(space.Path)) { errors.Add("space.path", "is required: a CSV or JSON benchmark table"); return null; }
        string? path;
        try { path = Locate(space.Path, folder); }
        catch (InputFileException e) { errors.Add("space.path", e.Message); return null; }
        if (path is null)
        {
            errors.Add("space.path", $"no such file '{space.Path}' (looked for it as given and in the data folder's tables/)");
            return null;
        }
        try { return (path, BenchmarkTable.Load(path)); }
        catch (Exception e) when (e is TableFormatException or IOException or UnauthorizedAccessException)
        {
            errors.Add("space.path", e.Message);
            return null;
        }
    }

    private static bool CheckColumns(BenchmarkTable table, IReadOnlyList<string> decisions, string? objective, SpecErrors errors)
    {
        int before = errors.Count;
        if (decisions.Count == 0) errors.Add("space.decisions", "is required: the columns that make up an architecture");
        for (int i = 0; i < decisions.Count; i++)
        {
            if (!table.Has(decisions[i])) errors.Add($"space.decisions[{i}]", $"'{decisions[i]}' is not a column of {table.Source}");
            else if (decisions.Take(i).Contains(decisions[i])) errors.Add($"space.decisions[{i}]", $"'{decisions[i]}' is listed twice");
        }
        if (string.IsNullOrWhiteSpace(objective)) errors.Add("space.objective", "is required: the numeric column to maximise");
        else if (!table.Has(objective)) errors.Add("space.objective", $"'{objective}' is not a column of {table.Source}");
        else if (!table.IsNumeric(objective)) errors.Add("space.objective", $"'{objective}' is not numeric");
        else if (decisions.Contains(objective)) errors.Add("space.objective", $"'{objective}' is also a decision");
        return errors.Count == before;
    }

    /// <returns>The constraint's column and maximum (both null without a constraint), or null when it is wrong.</returns>
    private static (string? Column, double? Max)? CheckConstraint(NasSpec spec, BenchmarkTable table, string objective, SpecErrors errors)
    {
        if (spec.Constraint is not { } constraint) return (null, null);
        bool ok = true;
        if (constraint.Ratio is not null) { errors.Add("constraint.ratio", "a table constraint is an absolute 'max' in the column's own unit"); ok = false; }
        if (constraint.Target is not null) { errors.Add("constraint.target", "applies to prune and quantize jobs: a table has a column per device"); ok = false; }
        string? metric = constraint.Metric;
        if (string.IsNullOrWhiteSpace(metric)) { errors.Add("constraint.metric", "is required: a numeric column of the table"); return null; }
        if (!table.Has(metric)) { errors.Add("constraint.metric", $"'{metric}' is not a column of {table.Source}"); return null; }
        if (!table.IsNumeric(metric)) { errors.Add("constraint.metric", $"'{metric}' is not numeric"); return null; }
        if (metric == objective) { errors.Add("constraint.metric", $"'{metric}' is the objective"); return null; }
        if (constraint.Max is not { } max) { errors.Add("constraint.max", $"is required: the largest {metric} allowed"); return null; }
        if (!double.IsFinite(max)) { errors.Add("constraint.max", $"must be a finite number, got {max}"); return null; }
        double smallest = table.Numbers(metric).Min();
        if (max < smallest)
        {
            errors.Add("constraint.max", $"{max.ToString(CultureInfo.InvariantCulture)} is below every row's {metric} (the smallest is {smallest.ToString(CultureInfo.InvariantCulture)})");
            return null;
        }
        return ok ? (metric, max) : null;
    }

}
