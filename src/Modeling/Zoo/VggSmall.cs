using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Zoo;

/// <summary>A plain VGG-style stack: three stages of two 3x3 conv-BN-ReLU layers and a 2x2 max pool, then global pooling and a classifier.</summary>
internal static class VggSmall
{
    private static readonly int[] StageChannels = [32, 64, 128];

    public static ModelSpec Create(string name, InputSpec input, int classes, double width)
    {
        var b = new SpecBuilder(name, input, classes);
        for (int stage = 0; stage < StageChannels.Length; stage++)
        {
            int channels = Width.Scale(StageChannels[stage], width);
            b.Conv($"conv{stage + 1}_1", channels);
            b.Conv($"conv{stage + 1}_2", channels);
            b.MaxPool($"pool{stage + 1}");
        }
        b.GlobalAvgPool("gap");
        b.Linear("fc", classes);
        return b.Build();
    }
}
