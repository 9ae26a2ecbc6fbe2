using AutoDesign.Search.Agents;

namespace AutoDesign.Search.Architecture;

/// <summary>
/// A candidate architecture as agents exchange it: one choice index per decision. A <see cref="Candidate"/> carries
/// the indices as its actions (small integers, exact as doubles), so architecture agents share the ask/tell contract.
/// </summary>
public static class ChoiceVector
{
    public static Candidate ToCandidate(int id, IReadOnlyList<int> choices) => new(id, choices.Select(c => (double)c).ToArray());

    public static int[] Of(Candidate candidate) => Of(candidate.Actions);

    public static int[] Of(IReadOnlyList<double> actions) => actions.Select(a => checked((int)a)).ToArray();

    /// <summary>A key equal for equal vectors, for de-duplication.</summary>
    public static string Key(IReadOnlyList<int> choices) => string.Join(",", choices);
}
