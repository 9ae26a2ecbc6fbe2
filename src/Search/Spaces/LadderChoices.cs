using AutoDesign.Modeling;
using AutoDesign.Search.Architecture;

namespace AutoDesign.Search.Spaces;

/// <summary>
/// A <see cref="LadderSpace"/> seen as finite choices, so that the agents of architecture search (evolution) can walk
/// it: one decision per step, its rungs as choices (0 the top). A vector over the budget is repaired as the ladder
/// space repairs a finished episode (<see cref="LadderSpace.Repair"/>), and a random one is drawn uniformly and then
/// repaired, so that a tight budget still has members; candidates are scored by the job, through
/// <see cref="LadderAgent"/>, which hands them over as ladder actions.
/// </summary>
public sealed class LadderChoices(LadderSpace ladders) : ChoiceSpace
{
    public LadderSpace Ladders { get; } = ladders;

    public override IReadOnlyList<Decision> Decisions { get; } =
        [.. Enumerable.Range(0, ladders.Steps).Select(s => new Decision(ladders.Names[s], [.. ladders.Ladder(s).Select(c => new Choice(c))]))];

    public override ArchitectureScore Evaluate(IReadOnlyList<int> choices) =>
        throw new NotSupportedException("a ladder's candidates are scored by their job, not by the space");

    public override bool Allows(IReadOnlyList<int> choices) => InRange(choices) && (Ladders.Budget is not { } budget || Ladders.CostOf(choices) <= budget);

    public override int[]? Repair(IReadOnlyList<int> choices, SplitMix64 random)
    {
        if (!InRange(choices)) return null;
        var rungs = choices.ToArray();
        Ladders.Repair(rungs);
        return Allows(rungs) ? rungs : null;
    }

    public override int[] Sample(SplitMix64 random) =>
        Repair([.. Decisions.Select(d => random.NextInt(d.Choices.Count))], random) ?? throw new InvalidOperationException("the bottom of every ladder is over the budget");
}
