namespace AutoDesign.Search.Architecture;

/// <summary>The variation operators of the population agents, and the rule that every child they propose is allowed.</summary>
public static class ChoiceOperators
{
    /// <summary>Children made before settling for one already proposed (or, if none was allowed, for a fresh sample).</summary>
    public const int MaxAttempts = 50;

    /// <summary>OFA's mutation: each decision is redrawn uniformly with the given probability.</summary>
    public static int[] Mutate(IReadOnlyList<int> parent, double probability, IReadOnlyList<Decision> decisions, SplitMix64 random)
    {
        var child = parent.ToArray();
        for (int i = 0; i < child.Length; i++)
            if (random.NextDouble() < probability) child[i] = random.NextInt(decisions[i].Choices.Count);
        return child;
    }

    /// <summary>Uniform crossover: each decision from one parent or the other with equal odds.</summary>
    public static int[] Crossover(IReadOnlyList<int> first, IReadOnlyList<int> second, SplitMix64 random) =>
        first.Select((c, i) => random.NextDouble() < 0.5 ? c : second[i]).ToArray();

    /// <summary>
    /// A child the space allows: each one <paramref name="make"/> returns is repaired if it must be, and one that cannot
    /// be repaired is made again. A child already in <paramref name="proposed"/> is made again too (a repeat costs the
    /// search an ask but teaches it nothing), up to <see cref="MaxAttempts"/> children; then as many fresh samples are
    /// tried, so that a converged population still explores; only then is a repeat taken. No disallowed vector ever
    /// leaves this method.
    /// </summary>
    public static int[] Child(ChoiceSpace space, Func<int[]> make, SplitMix64 random, IReadOnlySet<string> proposed)
    {
        int[]? allowed = null;
        for (int attempt = 0; attempt < 2 * MaxAttempts; attempt++)
        {
            var child = attempt < MaxAttempts ? make() : space.Sample(random);
            var legal = space.Allows(child) ? child : space.Repair(child, random);
            if (legal is null || !space.Allows(legal)) continue;
            allowed = legal;
            if (!proposed.Contains(ChoiceVector.Key(legal))) return legal;
        }
        return allowed ?? space.Sample(random);
    }
}
