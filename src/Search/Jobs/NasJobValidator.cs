using System.Globalization;
using AutoDesign.Search.Agents.Evolution;
using AutoDesign.Search.Agents.Nsga2;
using AutoDesign.Search.Architecture;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Search.Pruning;
using AutoDesign.Search.Tables;

namespace AutoDesign.Search.Jobs;

/// <summary>
/// A checked architecture-search job: the space with the constraint applied (only allowed vectors are ever proposed),
/// the constraint column and limit, the costs a multi-objective agent minimises and the agents' settings.
/// </summary>
public sealed record ValidNas(
    ChoiceSpace Space,
    string SpaceName,
    string? ConstraintMetric,
    double? Limit,
    IReadOnlyList<string> Costs,
    int Evaluations,
    EvolutionOptions Evolution,
    Nsga2Options Nsga2,
    SupernetSource? Supernet = null,
    ValidPredictor? Predictor = null);

/// <summary>A checked <c>predictor</c> section: which model to fit on which measured sub-networks, and how many of the best predicted to confirm.</summary>
public sealed record ValidPredictor(string Model, int Confirm, AccuracySampleFile Samples);

/// <summary>The checks of a <c>nas</c> job spec; each problem is reported with its field, as for the other kinds.</summary>
public static class NasJobValidator
{
    public static readonly IReadOnlyList<string> Agents = ["evolution", "nsga2", "random"];
    public static readonly IReadOnlyList<string> SpaceTypes = ["table"];

    /// <returns>The checked job, or null when a problem was reported.</returns>
    public static ValidNas? Check(JobSpec spec, DataFolder folder, Action<string, string> fail)
    {
        int errors = 0;
        void Fail(string field, string reason)
        {
            errors++;
            fail(field, reason);
        }

        if (string.IsNullOrWhiteSpace(spec.Agent)) Fail("agent", $"is required: one of {string.Join(", ", Agents)}");
        else if (!Agents.Contains(spec.Agent)) Fail("agent", $"'{spec.Agent}' is unknown for nas: use {string.Join(", ", Agents)}");
        if (spec.Model is not null) Fail("model", "does not apply to nas jobs: the space says what is searched");
        if (spec.Pruning is not null) Fail("pruning", "applies to prune jobs");
        if (spec.Quantization is not null) Fail("quantization", "applies to quantize jobs");
        if (spec.Ddpg is not null) Fail("ddpg", "applies to the ddpg agent of prune and quantize jobs");
        if (spec.Training is not null) Fail("training", "applies to prune and quantize jobs");
        if (spec.Budget?.Episodes is not null) Fail("budget.episodes", "nas jobs count distinct architectures: use budget.evaluations");
        if (spec.Budget?.WarmupEpisodes is not null) Fail("budget.warmupEpisodes", "applies to the ddpg agent of prune and quantize jobs");

        if (spec.Dataset is not null && spec.Supernet is null)
            Fail("dataset", "applies to super-network spaces; a table's results are already measured");

        ChoiceSpace? space = null;
        SupernetSource? supernet = null;
        BenchmarkTable? table = null;
        var decisions = spec.Space?.Decisions ?? [];
        string? objective = spec.Space?.Objective;
        if (spec.Supernet is not null)
        {
            if (spec.Space is not null) Fail("space", "give a table 'space' or a 'supernet', not both");
            else if (CheckSupernet(spec, folder, Fail) is var (source, supernetSpace))
            {
                supernet = source;
                space = supernetSpace;
            }
        }
        else if (spec.Space is null) Fail("space", "is required: {\"type\":\"table\",\"path\":...,\"decisions\":[...],\"objective\":...}, or name a 'supernet'");
        else
        {
            table = CheckTable(spec.Space, folder, Fail);
            if (table is not null)
            {
                bool columnsOk = CheckColumns(table, decisions, objective, Fail);
                if (columnsOk && CheckConstraint(spec, table, objective!, Fail) is var (column, max) && errors == 0)
                {
                    try { space = new TableSpace(table, decisions, objective!, column, max); }
                    catch (ArgumentException e) { Fail("space", e.Message); }
                }
            }
        }

        int evaluations = spec.Budget?.Evaluations ?? 0;
        if (spec.Budget?.Evaluations is null) Fail("budget.evaluations", "is required: how many distinct architectures to evaluate");
        else if (evaluations is < 1 or > JobSpecValidator.MaxEpisodes) Fail("budget.evaluations", $"must be between 1 and {JobSpecValidator.MaxEpisodes:N0}, got {evaluations}");
        else if (space is TableSpace rows && evaluations > rows.AllowedRows)
            Fail("budget.evaluations", $"{evaluations} is more than the {rows.AllowedRows} rows that {(spec.Constraint is null ? "the table has" : "meet the constraint")}");

        var evolution = spec.Evolution ?? new EvolutionOptions();
        if (spec.Evolution is not null && spec.Agent != "evolution") Fail("evolution", "applies to agent 'evolution'");
        foreach (var (field, reason) in evolution.Problems()) Fail($"evolution.{field}", reason);

        var settings = spec.Nsga2 ?? new Nsga2Settings();
        if (spec.Nsga2 is not null && spec.Agent != "nsga2") Fail("nsga2", "applies to agent 'nsga2'");
        var nsga2 = new Nsga2Options { Population = settings.Population, CrossoverProbability = settings.CrossoverProbability, MutationProbability = settings.MutationProbability };
        foreach (var (field, reason) in nsga2.Problems()) Fail($"nsga2.{field}", reason);
        var costs = settings.Objectives ?? (spec.Constraint?.Metric is { } metric ? [metric] : []);
        if (table is not null)
            for (int i = 0; i < (settings.Objectives?.Count ?? 0); i++)
            {
                string cost = settings.Objectives![i];
                if (!table.Has(cost)) Fail($"nsga2.objectives[{i}]", $"'{cost}' is not a column of {table.Source}: its numeric columns are {NumericColumns(table)}");
                else if (!table.IsNumeric(cost)) Fail($"nsga2.objectives[{i}]", $"'{cost}' is not numeric");
                else if (cost == objective || decisions.Contains(cost)) Fail($"nsga2.objectives[{i}]", $"'{cost}' is the objective or a decision, not a cost");
                else if (settings.Objectives.Take(i).Contains(cost)) Fail($"nsga2.objectives[{i}]", $"'{cost}' is listed twice");
            }
        if (space is SupernetSpace subnets)
            for (int i = 0; i < (settings.Objectives?.Count ?? 0); i++)
                if (!subnets.MetricNames.Contains(settings.Objectives![i]))
                    Fail($"nsga2.objectives[{i}]", $"'{settings.Objectives[i]}' is not measured: a sub-network reports {string.Join(", ", subnets.MetricNames)}");
        if (spec.Agent == "nsga2" && costs.Count == 0)
            Fail("nsga2.objectives", "NSGA-II needs a cost to trade accuracy against: name one or more numeric columns, or set a constraint");

        var predictor = spec.Predictor is null ? null : CheckPredictor(spec, supernet, evaluations, Fail);

        return errors == 0 && space is not null
            ? new ValidNas(space, supernet?.Saved.Name ?? table!.Source, spec.Constraint?.Metric, spec.Constraint?.Max, costs, evaluations, evolution, nsga2, supernet, predictor)
            : null;
    }

    public static readonly IReadOnlyList<string> PredictorModels = ["mlp", "fasttree"];

    /// <summary>The fewest measured sub-networks a predictor is fitted on.</summary>
    public const int MinimumSamples = 20;

    private static ValidPredictor? CheckPredictor(JobSpec spec, SupernetSource? supernet, int evaluations, Action<string, string> fail)
    {
        var settings = spec.Predictor!;
        bool ok = true;
        void Fail(string field, string reason)
        {
            ok = false;
            fail(field, reason);
        }
        string model = settings.Model ?? "mlp";
        if (!PredictorModels.Contains(model)) Fail("predictor.model", $"'{model}' is unknown: use {string.Join(", ", PredictorModels)}");
        int confirm = settings.Confirm ?? 10;
        if (confirm < 1) Fail("predictor.confirm", $"must be at least 1, got {confirm}");
        else if (evaluations > 0 && confirm > evaluations) Fail("predictor.confirm", $"{confirm} is more than the {evaluations} sub-networks budget.evaluations lets the predictor score");
        if (spec.Supernet is null) { Fail("predictor", "applies to super-network spaces: a table's rows are already measured"); return null; }
        if (supernet is null) return null;

        AccuracySampleFile? samples = null;
        string command = $"run 'autodesign supernet sample --supernet {spec.Supernet}'";
        try { samples = AccuracySampleFile.TryLoad(supernet.Directory); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            Fail("predictor", $"{Path.Combine(supernet.Directory, AccuracySampleFile.JsonName)}: {e.Message}");
        }
        if (samples is null && ok)
            Fail("predictor", $"super-network '{spec.Supernet}' has no measured sub-networks to fit a predictor on: {command}");
        else if (samples is not null && !samples.Layout.SameAs(supernet.Saved.Layout))
            Fail("predictor", $"the measured sub-networks in {supernet.Directory} are of another super-network layout: {command} again");
        else if (samples is not null && samples.Samples.Count < MinimumSamples)
            Fail("predictor", $"super-network '{spec.Supernet}' has {samples.Samples.Count} measured sub-networks; a predictor needs at least {MinimumSamples}: {command} --count 200");
        return ok ? new ValidPredictor(model, confirm, samples!) : null;
    }

    /// <summary>An absolute path, one relative to the working directory, or one under the data folder's <c>tables/</c>.</summary>
    public static string? Locate(string path, DataFolder folder)
    {
        if (File.Exists(path)) return Path.GetFullPath(path);
        string underData = Path.Combine(folder.Root, "tables", path);
        return !Path.IsPathRooted(path) && File.Exists(underData) ? underData : null;
    }

    public static readonly IReadOnlyList<string> SupernetMetrics = ["latency", "energy", "flops", "params"];

    /// <returns>The super-network and its space with the constraint applied (a space that checks, not scores), or null.</returns>
    private static (SupernetSource, SupernetSpace)? CheckSupernet(JobSpec spec, DataFolder folder, Action<string, string> fail)
    {
        bool ok = true;
        void Fail(string field, string reason)
        {
            ok = false;
            fail(field, reason);
        }

        SavedSupernet? saved = null;
        string? directory = string.IsNullOrWhiteSpace(spec.Supernet) ? null : SupernetSource.Locate(spec.Supernet, folder);
        if (directory is null)
            Fail("supernet", $"no saved super-network '{spec.Supernet}' (a folder with {SavedSupernet.CardFile} and {SavedSupernet.WeightsFile}, or a name under {SupernetSource.Root(folder)}; 'autodesign supernet train' makes one)");
        else
        {
            try { saved = SavedSupernet.Load(directory); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidDataException)
            {
                Fail("supernet", $"{directory}: {e.Message}");
            }
        }
        if (saved is not null && spec.Dataset is not null && spec.Dataset != saved.Dataset)
            Fail("dataset", $"'{spec.Dataset}' is not the data set super-network '{spec.Supernet}' was trained on ({saved.Dataset})");

        var metrics = new List<CostMetric> { CostMetric.Flops, CostMetric.Params };
        IHardwareTarget? target = null;
        string? constrained = null;
        double? max = null;
        if (spec.Constraint is { } constraint)
        {
            constrained = constraint.Metric;
            max = constraint.Max;
            if (constraint.Ratio is not null) Fail("constraint.ratio", "a super-network constraint is an absolute 'max' in the metric's unit (MACs, parameters, ms, mJ)");
            if (string.IsNullOrWhiteSpace(constrained)) Fail("constraint.metric", $"is required: one of {string.Join(", ", SupernetMetrics)}");
            else if (!SupernetMetrics.Contains(constrained)) Fail("constraint.metric", $"'{constrained}' is unknown for a super-network: use {string.Join(", ", SupernetMetrics)}");
            else if (constrained is "latency" or "energy")
            {
                if (string.IsNullOrWhiteSpace(constraint.Target)) Fail("constraint.target", $"is required for {constrained}: one of {string.Join(", ", HardwareTargets.NamesIn(folder))}");
                else
                {
                    try
                    {
                        target = HardwareTargets.Resolve(constraint.Target, folder);
                        metrics.Add(constrained == "latency" ? CostMetric.Latency(target) : CostMetric.Energy(target));
                    }
                    catch (ArgumentException e) { Fail("constraint.target", e.Message); }
                }
            }
            else if (constraint.Target is not null) Fail("constraint.target", $"applies to latency and energy, not to {constrained}");
            if (max is null) Fail("constraint.max", $"is required: the largest {constrained} a sub-network may have");
            else if (!(max > 0 && double.IsFinite(max.Value))) Fail("constraint.max", $"must be a positive number, got {max}");
        }
        if (!ok || saved is null) return null;

        try
        {
            var space = new SupernetSpace(saved.Layout, metrics, constrained, max);
            if (space.SmallestCost is { } smallest && smallest > max)
            {
                fail("constraint.max", $"{max.Value.ToString(CultureInfo.InvariantCulture)} is below the smallest sub-network's {constrained} ({smallest.ToString("G6", CultureInfo.InvariantCulture)}): no sub-network meets it");
                return null;
            }
            return (new SupernetSource(directory!, saved, metrics, target), space);
        }
        catch (ArgumentException e)
        {
            fail(target is null ? "supernet" : "constraint.target", e.Message);
            return null;
        }
    }

    private static BenchmarkTable? CheckTable(SpaceSpec space, DataFolder folder, Action<string, string> fail)
    {
        if (string.IsNullOrWhiteSpace(space.Type)) fail("space.type", $"is required: one of {string.Join(", ", SpaceTypes)}");
        else if (!SpaceTypes.Contains(space.Type)) fail("space.type", $"'{space.Type}' is unknown: use {string.Join(", ", SpaceTypes)}");
        if (string.IsNullOrWhiteSpace(space.Path)) { fail("space.path", "is required: a CSV or JSON benchmark table"); return null; }
        if (Locate(space.Path, folder) is not { } path)
        {
            fail("space.path", $"no such file '{space.Path}' (looked in the working directory and in {Path.Combine(folder.Root, "tables")})");
            return null;
        }
        try { return BenchmarkTable.Load(path); }
        catch (Exception e) when (e is TableFormatException or IOException or UnauthorizedAccessException)
        {
            fail("space.path", e.Message);
            return null;
        }
    }

    private static bool CheckColumns(BenchmarkTable table, IReadOnlyList<string> decisions, string? objective, Action<string, string> fail)
    {
        bool ok = true;
        void Fail(string field, string reason)
        {
            ok = false;
            fail(field, reason);
        }
        if (decisions.Count == 0) Fail("space.decisions", "is required: the columns that make up an architecture");
        for (int i = 0; i < decisions.Count; i++)
        {
            if (!table.Has(decisions[i])) Fail($"space.decisions[{i}]", $"'{decisions[i]}' is not a column of {table.Source}: its columns are {string.Join(", ", table.Columns)}");
            else if (decisions.Take(i).Contains(decisions[i])) Fail($"space.decisions[{i}]", $"'{decisions[i]}' is listed twice");
        }
        if (string.IsNullOrWhiteSpace(objective)) Fail("space.objective", $"is required: the numeric column to maximise, one of {NumericColumns(table)}");
        else if (!table.Has(objective)) Fail("space.objective", $"'{objective}' is not a column of {table.Source}: its numeric columns are {NumericColumns(table)}");
        else if (!table.IsNumeric(objective)) Fail("space.objective", $"'{objective}' is not numeric (its first value is '{table.Text(objective, 0)}')");
        else if (decisions.Contains(objective)) Fail("space.objective", $"'{objective}' is also a decision");
        return ok;
    }

    /// <returns>The constraint's column and maximum (both null without a constraint), or null when it is wrong.</returns>
    private static (string? Column, double? Max)? CheckConstraint(JobSpec spec, BenchmarkTable table, string objective, Action<string, string> fail)
    {
        if (spec.Constraint is not { } constraint) return (null, null);
        bool ok = true;
        if (constraint.Ratio is not null) { fail("constraint.ratio", "a table constraint is an absolute 'max' in the column's own unit"); ok = false; }
        if (constraint.Target is not null) { fail("constraint.target", "applies to prune and quantize jobs: a table has a column per device"); ok = false; }
        string? metric = constraint.Metric;
        if (string.IsNullOrWhiteSpace(metric)) { fail("constraint.metric", $"is required: a numeric column, one of {NumericColumns(table)}"); return null; }
        if (!table.Has(metric)) { fail("constraint.metric", $"'{metric}' is not a column of {table.Source}: its numeric columns are {NumericColumns(table)}"); return null; }
        if (!table.IsNumeric(metric)) { fail("constraint.metric", $"'{metric}' is not numeric (its first value is '{table.Text(metric, 0)}')"); return null; }
        if (metric == objective) { fail("constraint.metric", $"'{metric}' is the objective"); return null; }
        if (constraint.Max is not { } max) { fail("constraint.max", $"is required: the largest {metric} allowed"); return null; }
        if (!double.IsFinite(max)) { fail("constraint.max", $"must be a finite number, got {max}"); return null; }
        double smallest = table.Numbers(metric).Min();
        if (max < smallest)
        {
            fail("constraint.max", $"{max.ToString(CultureInfo.InvariantCulture)} is below every row's {metric} (the smallest is {smallest.ToString(CultureInfo.InvariantCulture)})");
            return null;
        }
        return ok ? (metric, max) : null;
    }

    private static string NumericColumns(BenchmarkTable table) => string.Join(", ", table.Columns.Where(table.IsNumeric));
}
