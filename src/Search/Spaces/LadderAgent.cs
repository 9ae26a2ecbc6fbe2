using AutoDesign.Search.Agents;
using AutoDesign.Search.Architecture;

namespace AutoDesign.Search.Spaces;

/// <summary>A choice-space agent searching a ladder space: its rung vectors go out as the ladder actions that pick them.</summary>
public sealed class LadderAgent(ISearchAgent inner, LadderChoices choices) : ISearchAgent, IDisposable
{
    /// <summary>The agent <paramref name="create"/> makes for the ladders seen as choices, speaking ladder actions.</summary>
    public static LadderAgent Of(LadderSpace ladders, Func<LadderChoices, ISearchAgent> create)
    {
        var choices = new LadderChoices(ladders);
        return new LadderAgent(create(choices), choices);
    }

    public string Name => inner.Name;

    public IReadOnlyList<Candidate> Ask(int count) =>
        [.. inner.Ask(count).Select(c => new Candidate(c.Id, [.. ChoiceVector.Of(c).Select((rung, step) => LadderSpace.ActionOf(rung, choices.Decisions[step].Choices.Count))]))];

    public void Tell(IReadOnlyList<Scored> results) =>
        inner.Tell([.. results.Select(r => r with { Candidate = ChoiceVector.ToCandidate(r.Candidate.Id, choices.Ladders.RungsFor(r.Candidate.Actions)) })]);

    public byte[] Snapshot() => inner.Snapshot();

    public void Restore(byte[] snapshot) => inner.Restore(snapshot);

    public void Dispose() => (inner as IDisposable)?.Dispose();
}
