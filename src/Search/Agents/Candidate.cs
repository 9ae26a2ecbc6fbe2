namespace AutoDesign.Search.Agents;

/// <summary>A proposal from an agent: one action per decision step, as actually taken (after the space's constraint rule).</summary>
public sealed record Candidate(int Id, IReadOnlyList<double> Actions);

/// <summary>
/// A candidate with the reward its evaluation earned and, for multi-objective agents, its costs (each minimised, in
/// the order the agent was built for).
/// </summary>
public sealed record Scored(Candidate Candidate, double Reward, IReadOnlyList<double>? Costs = null)
{
    public void Deconstruct(out Candidate candidate, out double reward) => (candidate, reward) = (Candidate, Reward);
}
