namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// One discrete decision of the architecture space, as a search agent sees it: a name ("s2b3.kernel",
/// "s1.depth") and the values it may take, in ascending order. A sub-network is one index into
/// <see cref="Values"/> per decision.
/// </summary>
public sealed record SubnetDecision(string Name, IReadOnlyList<int> Values)
{
    public int Count => Values.Count;
}
