namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// The sub-networks of a <see cref="SupernetLayout"/> as a flat list of discrete decisions: for every block (stage
/// by stage) its kernel then its expansion ratio, then every stage's depth. <see cref="Encode"/> and
/// <see cref="Decode"/> map a <see cref="SubnetChoice"/> to one value index per decision and back, so a generic
/// search over discrete choices can propose sub-networks without knowing what they mean.
/// </summary>
public sealed class SubnetSpace
{
    public SubnetSpace(SupernetLayout layout)
    {
        if (layout.Problem() is { } problem) throw new ArgumentException(problem, nameof(layout));
        Layout = layout;
        var decisions = new List<SubnetDecision>();
        for (int s = 0; s < layout.Stages.Count; s++)
            for (int b = 0; b < layout.Stages[s].MaxDepth; b++)
            {
                decisions.Add(new SubnetDecision($"s{s + 1}b{b + 1}.kernel", layout.Kernels));
                decisions.Add(new SubnetDecision($"s{s + 1}b{b + 1}.expansion", layout.Expansions));
            }
        for (int s = 0; s < layout.Stages.Count; s++)
            decisions.Add(new SubnetDecision($"s{s + 1}.depth", layout.Depths));
        Decisions = decisions;
    }

    public SupernetLayout Layout { get; }

    public IReadOnlyList<SubnetDecision> Decisions { get; }

    /// <summary>How many distinct networks the space holds (blocks a depth leaves out do not count twice).</summary>
    public double Size
    {
        get
        {
            double perBlock = Layout.Kernels.Count * Layout.Expansions.Count, total = 1;
            foreach (var _ in Layout.Stages) total *= Layout.Depths.Sum(d => Math.Pow(perBlock, d));
            return total;
        }
    }

    public SubnetChoice Largest => Uniform(Layout.Kernels[^1], Layout.Expansions[^1], Layout.Depths[^1]);

    public SubnetChoice Smallest => Uniform(Layout.Kernels[0], Layout.Expansions[0], Layout.Depths[0]);

    public SubnetChoice Uniform(int kernel, int expansion, int depth) =>
        new(Enumerable.Repeat(depth, Layout.Stages.Count).ToArray(),
            Enumerable.Repeat(kernel, Layout.BlockCount).ToArray(),
            Enumerable.Repeat(expansion, Layout.BlockCount).ToArray());

    /// <summary>Draws every block's kernel and expansion and every stage's depth uniformly from <paramref name="range"/> (default: everything).</summary>
    public SubnetChoice Sample(SplitMix64 random, ChoiceRange? range = null)
    {
        range ??= ChoiceRange.All(Layout);
        var kernels = new int[Layout.BlockCount];
        var expansions = new int[Layout.BlockCount];
        for (int b = 0; b < kernels.Length; b++)
        {
            kernels[b] = range.Kernels[random.NextInt(range.Kernels.Count)];
            expansions[b] = range.Expansions[random.NextInt(range.Expansions.Count)];
        }
        var depths = Layout.Stages.Select(_ => range.Depths[random.NextInt(range.Depths.Count)]).ToArray();
        var choice = new SubnetChoice(depths, kernels, expansions);
        Validate(choice);
        return choice;
    }

    /// <summary>One value index per decision, in the order of <see cref="Decisions"/>.</summary>
    public int[] Encode(SubnetChoice choice)
    {
        Validate(choice);
        var indices = new int[Decisions.Count];
        int at = 0;
        for (int b = 0; b < Layout.BlockCount; b++)
        {
            indices[at++] = IndexOf(Layout.Kernels, choice.Kernels[b]);
            indices[at++] = IndexOf(Layout.Expansions, choice.Expansions[b]);
        }
        foreach (var depth in choice.Depths) indices[at++] = IndexOf(Layout.Depths, depth);
        return indices;
    }

    public SubnetChoice Decode(IReadOnlyList<int> indices)
    {
        if (indices.Count != Decisions.Count)
            throw new ArgumentException($"a sub-network of this space takes {Decisions.Count} decisions, got {indices.Count}", nameof(indices));
        for (int i = 0; i < indices.Count; i++)
            if (indices[i] < 0 || indices[i] >= Decisions[i].Count)
                throw new ArgumentException($"decision {Decisions[i].Name} takes an index in 0..{Decisions[i].Count - 1}, got {indices[i]}", nameof(indices));
        int blocks = Layout.BlockCount;
        var kernels = Enumerable.Range(0, blocks).Select(b => Layout.Kernels[indices[2 * b]]).ToArray();
        var expansions = Enumerable.Range(0, blocks).Select(b => Layout.Expansions[indices[2 * b + 1]]).ToArray();
        var depths = Enumerable.Range(0, Layout.Stages.Count).Select(s => Layout.Depths[indices[2 * blocks + s]]).ToArray();
        return new SubnetChoice(depths, kernels, expansions);
    }

    /// <summary>The same network with the left-out blocks' kernels and expansions set to the smallest values, so equal networks compare equal.</summary>
    public SubnetChoice Canonical(SubnetChoice choice)
    {
        Validate(choice);
        var kernels = choice.Kernels.ToArray();
        var expansions = choice.Expansions.ToArray();
        for (int s = 0, first = 0; s < Layout.Stages.Count; first += Layout.Stages[s].MaxDepth, s++)
            for (int b = choice.Depths[s]; b < Layout.Stages[s].MaxDepth; b++)
            {
                kernels[first + b] = Layout.Kernels[0];
                expansions[first + b] = Layout.Expansions[0];
            }
        return new SubnetChoice(choice.Depths.ToArray(), kernels, expansions);
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first entry the layout does not allow.</summary>
    public void Validate(SubnetChoice choice)
    {
        if (choice.Depths.Count != Layout.Stages.Count)
            throw new ArgumentException($"a sub-network needs one depth per stage ({Layout.Stages.Count}), got {choice.Depths.Count}");
        if (choice.Kernels.Count != Layout.BlockCount || choice.Expansions.Count != Layout.BlockCount)
            throw new ArgumentException($"a sub-network needs a kernel and an expansion for each of the {Layout.BlockCount} blocks");
        for (int s = 0; s < choice.Depths.Count; s++)
            if (!Layout.Depths.Contains(choice.Depths[s]))
                throw new ArgumentException($"stage {s + 1}: depth {choice.Depths[s]} is not one of {string.Join(", ", Layout.Depths)}");
        for (int b = 0; b < Layout.BlockCount; b++)
        {
            if (!Layout.Kernels.Contains(choice.Kernels[b]))
                throw new ArgumentException($"block {b + 1}: kernel {choice.Kernels[b]} is not one of {string.Join(", ", Layout.Kernels)}");
            if (!Layout.Expansions.Contains(choice.Expansions[b]))
                throw new ArgumentException($"block {b + 1}: expansion {choice.Expansions[b]} is not one of {string.Join(", ", Layout.Expansions)}");
        }
    }

    private static int IndexOf(IReadOnlyList<int> values, int value)
    {
        for (int i = 0; i < values.Count; i++)
            if (values[i] == value) return i;
        throw new ArgumentException($"{value} is not one of {string.Join(", ", values)}");
    }
}
