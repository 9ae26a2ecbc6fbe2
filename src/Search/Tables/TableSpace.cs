using System.Globalization;
using AutoDesign.Search.Architecture;

namespace AutoDesign.Search.Tables;

/// <summary>
/// The choice space of a benchmark table: each decision column is a decision whose choices are its distinct values
/// (numbers in ascending order, or labels in ordinal order); the vectors allowed are the table's rows that meet the
/// constraint, if any. Evaluating a vector looks its row up: the objective column is the accuracy, every other numeric
/// column a metric. Agents draw rows uniformly, and a child that is no allowed row is repaired to the nearest one
/// (fewest decisions changed, then the shortest moves, a numeric decision's measured in steps over its range and a
/// categorical one's as a whole; ties drawn at random).
/// </summary>
public sealed class TableSpace : ChoiceSpace
{
    private readonly BenchmarkTable _table;
    private readonly int[][] _rows; // choice indices of every row
    private readonly int[] _allowed; // rows that meet the constraint
    private readonly Dictionary<string, int> _allowedByKey;
    private readonly IReadOnlyList<double> _objective;
    private readonly string[] _metrics;

    public TableSpace(BenchmarkTable table, IReadOnlyList<string> decisions, string objective, string? constraintColumn = null, double? max = null)
    {
        if (decisions.Count == 0) throw new ArgumentException("a table space needs at least one decision column", nameof(decisions));
        foreach (var column in decisions.Append(objective))
            if (!table.Has(column)) throw new ArgumentException($"{table.Source} has no column '{column}'");
        if (!table.IsNumeric(objective)) throw new ArgumentException($"objective column '{objective}' is not numeric");
        if (decisions.Contains(objective)) throw new ArgumentException($"'{objective}' cannot be both a decision and the objective");

        _table = table;
        Objective = objective;
        Decisions = decisions.Select(d => DecisionOf(table, d)).ToList();
        var lookup = Decisions.Select(d => d.Choices.Select((c, i) => (c.Label, i)).ToDictionary(p => p.Label, p => p.i)).ToArray();
        _rows = Enumerable.Range(0, table.RowCount).Select(r => decisions.Select((d, i) => lookup[i][Label(table, d, r)]).ToArray()).ToArray();

        var firstRow = new Dictionary<string, int>();
        for (int r = 0; r < _rows.Length; r++)
            if (!firstRow.TryAdd(ChoiceVector.Key(_rows[r]), r))
                throw new ArgumentException($"rows {firstRow[ChoiceVector.Key(_rows[r])]} and {r} of {table.Source} have the same decisions");

        var constraint = constraintColumn is null ? null : table.Numbers(constraintColumn);
        _allowed = Enumerable.Range(0, _rows.Length).Where(r => constraint is null || max is null || constraint[r] <= max).ToArray();
        if (_allowed.Length == 0)
            throw new ArgumentException($"no row meets {constraintColumn} <= {max}: the smallest {constraintColumn} is {constraint!.Min().ToString(CultureInfo.InvariantCulture)}");
        _allowedByKey = _allowed.ToDictionary(r => ChoiceVector.Key(_rows[r]));
        _objective = table.Numbers(objective);
        _metrics = table.Columns.Where(c => c != objective && !decisions.Contains(c) && table.IsNumeric(c)).ToArray();
    }

    public override IReadOnlyList<Decision> Decisions { get; }

    public string Objective { get; }

    public BenchmarkTable Table => _table;

    /// <summary>Rows that meet the constraint: the most distinct candidates a search can query.</summary>
    public int AllowedRows => _allowed.Length;

    /// <summary>The best objective value among the allowed rows: what an exhaustive search would find.</summary>
    public double BestObjective => _allowed.Max(r => _objective[r]);

    /// <summary>The allowed rows, as choice vectors.</summary>
    public IEnumerable<int[]> Allowed => _allowed.Select(r => _rows[r]);

    /// <summary>Each allowed row's objectives, every one minimised: the objective negated, then the given cost columns.</summary>
    public IReadOnlyList<IReadOnlyList<double>> Objectives(IReadOnlyList<string> costs) =>
        _allowed.Select(r => (IReadOnlyList<double>)Pareto.Dominance.Minimised(_objective[r], costs.Select(c => _table.Numbers(c)[r]))).ToList();

    /// <summary>The table row of an allowed vector.</summary>
    public int RowOf(IReadOnlyList<int> choices) =>
        _allowedByKey.TryGetValue(ChoiceVector.Key(choices), out int row) ? row : throw new ArgumentException($"({ChoiceVector.Key(choices)}) is not an allowed row");

    public override bool Allows(IReadOnlyList<int> choices) => InRange(choices) && _allowedByKey.ContainsKey(ChoiceVector.Key(choices));

    public override ArchitectureScore Evaluate(IReadOnlyList<int> choices)
    {
        int row = RowOf(choices);
        return new ArchitectureScore(_objective[row], _metrics.ToDictionary(m => m, m => _table.Numbers(m)[row]));
    }

    public override int[] Sample(SplitMix64 random) => [.. _rows[_allowed[random.NextInt(_allowed.Length)]]];

    public override int[]? Repair(IReadOnlyList<int> choices, SplitMix64 random)
    {
        if (Allows(choices)) return [.. choices];
        (int Changed, double Steps) best = (int.MaxValue, double.MaxValue);
        int chosen = -1, ties = 0;
        foreach (int r in _allowed)
        {
            var distance = Distance(choices, _rows[r]);
            if (distance.Changed > best.Changed || (distance.Changed == best.Changed && distance.Steps > best.Steps)) continue;
            if (distance == best)
            {
                if (random.NextInt(++ties) == 0) chosen = r; // each tie kept with equal odds
                continue;
            }
            (best, chosen, ties) = (distance, r, 1);
        }
        return [.. _rows[chosen]];
    }

    private (int Changed, double Steps) Distance(IReadOnlyList<int> from, int[] to)
    {
        int changed = 0;
        double steps = 0;
        for (int i = 0; i < to.Length; i++)
        {
            if (from[i] == to[i]) continue;
            changed++;
            int count = Decisions[i].Choices.Count;
            steps += Decisions[i].IsNumeric && count > 1 ? Math.Abs(from[i] - to[i]) / (count - 1.0) : 1.0;
        }
        return (changed, steps);
    }

    private static Decision DecisionOf(BenchmarkTable table, string column)
    {
        if (table.IsNumeric(column))
            return new Decision(column, table.Numbers(column).Distinct().Order().Select(v => new Choice(Format(v), v)).ToList());
        return new Decision(column, Enumerable.Range(0, table.RowCount).Select(r => table.Text(column, r)).Distinct().Order(StringComparer.Ordinal)
            .Select(l => new Choice(l)).ToList());
    }

    private static string Label(BenchmarkTable table, string column, int row) =>
        table.IsNumeric(column) ? Format(table.Numbers(column)[row]) : table.Text(column, row);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
