namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// The accuracy predictors' input, as in Once-for-All: for every block, a one-hot of its kernel followed by a one-hot
/// of its expansion ratio, all zeros for a block its stage's depth leaves out (so depth is encoded too).
/// </summary>
public static class ChoiceFeatures
{
    public static int Count(SupernetLayout layout) => layout.BlockCount * (layout.Kernels.Count + layout.Expansions.Count);

    public static float[] OneHot(SupernetLayout layout, SubnetChoice choice)
    {
        int kernels = layout.Kernels.Count, width = kernels + layout.Expansions.Count;
        var features = new float[Count(layout)];
        for (int s = 0, first = 0; s < layout.Stages.Count; first += layout.Stages[s].MaxDepth, s++)
            for (int b = 0; b < choice.Depths[s]; b++)
            {
                int block = first + b;
                features[block * width + IndexOf(layout.Kernels, choice.Kernels[block])] = 1;
                features[block * width + kernels + IndexOf(layout.Expansions, choice.Expansions[block])] = 1;
            }
        return features;
    }

    private static int IndexOf(IReadOnlyList<int> values, int value)
    {
        for (int i = 0; i < values.Count; i++)
            if (values[i] == value) return i;
        throw new ArgumentException($"{value} is not one of {string.Join(", ", values)}");
    }
}
