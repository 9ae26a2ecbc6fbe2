using AutoDesign.Search.Agents;
using AutoDesign.Search.Architecture;

namespace AutoDesign.Search.Spaces;

/// <summary>
/// A <see cref="LadderSpace"/> seen as finite choices, so that the agents of architecture search (evolution) can walk
/// it: one decision per step, its rungs as choices (0 the top). A vector over the budget is repaired as the ladder
/// space repairs a finished episode, walking steps down their ladders from the last back; candidates are still scored
/// by the job, through <see cref="LadderAgent"/>, which hands them over as ladder actions.
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
        for (int step = rungs.Length - 1; step >= 0 && !Allows(rungs); step--)
            while (rungs[step] < Decisions[step].Choices.Count - 1 && !Allows(rungs)) rungs[step]++;
        return Allows(rungs) ? rungs : null;
    }
}

/// <summary>A choice-space agent searching a ladder space: its rung vectors go out as the ladder actions that pick them.</summary>
public sealed class LadderAgent(ISearchAgent inner, LadderChoices choices) : ISearchAgent, IDisposable
{
    public string Name => inner.Name;

    public IReadOnlyList<Candidate> Ask(int count) =>
        [.. inner.Ask(count).Select(c => new Candidate(c.Id, [.. ChoiceVector.Of(c).Select((rung, step) => LadderSpace.ActionOf(rung, choices.Decisions[step].Choices.Count))]))];

    public void Tell(IReadOnlyList<Scored> results) =>
        inner.Tell([.. results.Select(r => r with { Candidate = ChoiceVector.ToCandidate(r.Candidate.Id, choices.Ladders.RungsFor(r.Candidate.Actions)) })]);

    public byte[] Snapshot() => inner.Snapshot();

    public void Restore(byte[] snapshot) => inner.Restore(snapshot);

    public void Dispose() => (inner as IDisposable)?.Dispose();
}
