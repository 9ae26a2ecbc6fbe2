namespace AutoDesign.Search.Architecture;

/// <summary>One option of a decision: its label, and its number where the decision is numeric (a kernel size, a depth).</summary>
public sealed record Choice(string Label, double? Value = null)
{
    public static Choice Of(double value) => new(value.ToString(System.Globalization.CultureInfo.InvariantCulture), value);

    public override string ToString() => Label;
}

/// <summary>
/// One architecture decision with its finite list of choices, e.g. the kernel size of one block (3, 5 or 7) or a
/// column of a benchmark table. A candidate picks one choice per decision, by index.
/// </summary>
public sealed record Decision(string Name, IReadOnlyList<Choice> Choices)
{
    public bool IsNumeric => Choices.All(c => c.Value is not null);

    public static Decision Numeric(string name, params double[] values) => new(name, values.Select(Choice.Of).ToList());

    public static Decision Categorical(string name, params string[] labels) => new(name, labels.Select(l => new Choice(l)).ToList());
}
