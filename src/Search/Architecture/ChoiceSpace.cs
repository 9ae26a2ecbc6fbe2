namespace AutoDesign.Search.Architecture;

/// <summary>
/// A discrete architecture space: a list of decisions, each with its choices; a candidate is one choice index per
/// decision. A space says which vectors may be proposed (<see cref="Allows"/>: they exist and meet the job's
/// constraint — a table holds only some vectors, a super-network space rejects those over a latency budget), how to
/// draw one and how to bring a vector that may not be proposed back to one that may, and it scores a vector.
/// Agents see only the decisions and these rules; only the job calls <see cref="Evaluate"/>.
/// </summary>
public abstract class ChoiceSpace
{
    /// <summary>How many draws <see cref="Sample"/> makes by default before it gives up.</summary>
    public const int MaxDraws = 10_000;

    public abstract IReadOnlyList<Decision> Decisions { get; }

    /// <summary>Scores a vector this space allows (may be expensive: evaluating a sub-network).</summary>
    public abstract ArchitectureScore Evaluate(IReadOnlyList<int> choices);

    /// <summary>Whether the vector may be proposed. Must be cheap: agents call it for every child they make.</summary>
    public virtual bool Allows(IReadOnlyList<int> choices) => InRange(choices);

    /// <summary>An allowed vector drawn at random; by default uniform per decision, redrawn until allowed.</summary>
    public virtual int[] Sample(SplitMix64 random)
    {
        for (int draw = 0; draw < MaxDraws; draw++)
        {
            var choices = Decisions.Select(d => random.NextInt(d.Choices.Count)).ToArray();
            if (Allows(choices)) return choices;
        }
        throw new InvalidOperationException($"no allowed architecture in {MaxDraws:N0} random draws: the constraint leaves almost nothing");
    }

    /// <summary>
    /// The allowed vector nearest to <paramref name="choices"/>, or null when the space knows no repair (the agent then
    /// makes another child). By default a vector is its own repair when allowed.
    /// </summary>
    public virtual int[]? Repair(IReadOnlyList<int> choices, SplitMix64 random) => Allows(choices) ? [.. choices] : null;

    /// <summary>One entry per decision and a valid index into its choices.</summary>
    public bool InRange(IReadOnlyList<int> choices) =>
        choices.Count == Decisions.Count && choices.Select((c, i) => c >= 0 && c < Decisions[i].Choices.Count).All(ok => ok);
}
