using System.Globalization;
using AutoDesign.Modeling;
using AutoDesign.Search.Jobs;
using AutoDesign.Search.Kinds.Nas;
using AutoDesign.Search.Pareto;
using AutoDesign.Search.Tables;
using Microsoft.Extensions.Logging.Abstractions;

// Architecture search on a benchmark table: evolution and NSGA-II against random search at an equal number of
// distinct rows queried, over many seeds. Prints, per agent, the best accuracy found under the constraint (mean and
// spread), how far it falls short of the table's best row under the constraint, how often it found that row, and the
// hypervolume of accuracy against the constrained cost as a share of the whole table's (after a fifth, half and all
// of the budget). Every run goes through the nas job, as the service would run it.
//
//   dotnet run -c Release --project bench/NasTableBench -- TABLE.csv --decisions d0,d1,... --objective acc --constraint lat_cpu [--max X]
//       [--evaluations 500] [--seeds 20] [--population 100 (also run with this population)]
//   dotnet run -c Release --project bench/NasTableBench -- --synthetic [OUT.csv] [--rows 20000]   (writes a SYNTHETIC table first)
//
// Without --max the constraint is the median of the column, so that it binds.
bool synthetic = args.Contains("--synthetic");
string? table = synthetic ? Positional(Value("--synthetic")) ?? Path.Combine(Path.GetTempPath(), "synthetic-ofa-like-table.csv") : Positional(args.FirstOrDefault());
if (table is null)
{
    Console.Error.WriteLine("usage: NasTableBench TABLE.csv --decisions d0,d1,... --objective acc --constraint COLUMN [--max X] [--evaluations N] [--seeds N] | --synthetic [OUT.csv]");
    return 2;
}
if (synthetic)
{
    SyntheticTable.Write(table, Option("--rows", 20_000), seed: 1);
    Console.WriteLine($"SYNTHETIC table (made-up formulas, not measurements) written to {table}");
}
var decisions = Value("--decisions")?.Split(',') ?? (synthetic ? SyntheticTable.Decisions : throw new ArgumentException("--decisions is required"));
string objective = Value("--objective") ?? "acc";
string constraint = Value("--constraint") ?? (synthetic ? "lat_cpu" : throw new ArgumentException("--constraint is required"));
int evaluations = Option("--evaluations", 500);
int seeds = Option("--seeds", 20);
// Evolution and NSGA-II run with their default population (from the budget) and, with --population, also with that one.
int? population = Value("--population") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : null;

var loaded = BenchmarkTable.Load(table);
double max = Value("--max") is { } m ? double.Parse(m, CultureInfo.InvariantCulture) : Median(loaded.Numbers(constraint));
var space = new TableSpace(loaded, decisions, objective, constraint, max);
IReadOnlyList<string> costs = [constraint];
var reference = Hypervolume.ReferenceFor(space.Objectives(costs));
double tableVolume = Hypervolume.Of(space.Objectives(costs), reference);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{Path.GetFileName(table)}: {loaded.RowCount:N0} rows, {decisions.Length} decisions; {constraint} <= {max:G6} leaves {space.AllowedRows:N0} rows, " +
    $"the best of which has {objective} {space.BestObjective:F5}; {evaluations} distinct rows per run, {seeds} seeds"));

var folder = new DataFolder(Path.Combine(Path.GetTempPath(), $"autodesign-nasbench-{Environment.ProcessId}"));
var rows = new List<(string Agent, List<SearchResult> Runs)>();
var setups = new List<(string Agent, int? Population)> { ("evolution", null), ("nsga2", null) };
if (population is { } given) setups.AddRange([("evolution", given), ("nsga2", given)]);
setups.Add(("random", null));
foreach (var (agent, size) in setups)
{
    var runs = new List<SearchResult>();
    for (int seed = 1; seed <= seeds; seed++)
    {
        var spec = new NasSpec
        {
            Agent = agent, Seed = seed,
            Space = new SpaceSpec { Type = "table", Path = Path.GetFullPath(table), Decisions = decisions, Objective = objective },
            Constraint = new ConstraintSpec { Metric = constraint, Max = max },
            Budget = new ArchitectureBudget { Evaluations = Math.Min(evaluations, space.AllowedRows) },
            Evolution = agent == "evolution" && size is not null ? new() { Population = size } : null,
            Nsga2 = agent == "nsga2" && size is not null ? new() { Population = size } : null,
        };
        runs.Add(LocalJobs.Run(spec, new JobContext(folder, NullLogger.Instance)));
    }
    string label = agent == "random" ? agent : $"{agent}, population {size?.ToString(CultureInfo.InvariantCulture) ?? $"{AutoDesign.Search.Kinds.Nas.BudgetedPopulation.For(evaluations)} (default)"}";
    Console.Error.WriteLine($"{label}: {runs.Count} runs");
    rows.Add((label, runs));
}

Console.WriteLine();
Console.WriteLine($"| agent | runs | distinct rows | best {objective} (mean ± sd) | short of the table's best | found the best | hypervolume at {evaluations / 5} / {evaluations / 2} / {evaluations} rows (share of the table's) |");
Console.WriteLine("|---|---|---|---|---|---|---|");
foreach (var (agent, runs) in rows)
{
    var best = runs.Select(r => r.Best.Accuracy).ToList();
    string volumes = string.Join(" / ", new[] { evaluations / 5, evaluations / 2, evaluations }.Select(n =>
    {
        var shares = runs.Select(r => Hypervolume.Of(r.Candidates.Take(n).Select(c => (IReadOnlyList<double>)Dominance.Minimised(c.Accuracy, [c.ConstrainedValue])), reference) / tableVolume).ToList();
        return string.Create(CultureInfo.InvariantCulture, $"{shares.Average():F4} ± {Std(shares):F4}");
    }));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {agent} | {runs.Count} | {runs.Average(r => r.Evaluations):F0} | {best.Average():F5} ± {Std(best):F5} | {space.BestObjective - best.Average():F5} | " +
        $"{best.Count(b => b == space.BestObjective)}/{runs.Count} | {volumes} |"));
}
if (Directory.Exists(folder.Root)) Directory.Delete(folder.Root, recursive: true);
return 0;

static double Median(IReadOnlyList<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}

static double Std(IReadOnlyList<double> values)
{
    if (values.Count < 2) return 0;
    double mean = values.Average();
    return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
}

string? Positional(string? value) => value is null || value.StartsWith("--", StringComparison.Ordinal) ? null : value;

int Option(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

string? Value(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
