using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Zoo;

/// <summary>
/// Sandler et al. (2018)'s inverted residuals (1x1 expand, 3x3 depthwise, 1x1 linear projection, identity shortcut
/// where shapes agree), sized for 28x28 to 32x32 inputs: a stride-1 stem, five stages that reduce the map three
/// times, a 1x1 conv to 256 channels, global pooling and a classifier.
/// </summary>
internal static class MobileNetV2Small
{
    // (expansion t, channels c, repeats n, first stride s), as in the paper's table 2.
    private static readonly (int T, int C, int N, int S)[] Stages =
        [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 2, 2), (6, 96, 1, 1)];

    public static ModelSpec Create(string name, InputSpec input, int classes, double width, double depth)
    {
        var b = new SpecBuilder(name, input, classes);
        int channels = Width.ScaleDivisible(32, width);
        string previous = b.Conv("stem", channels, activation: Activation.Relu6);
        for (int stage = 0; stage < Stages.Length; stage++)
        {
            var (t, c, n, s) = Stages[stage];
            int outChannels = Width.ScaleDivisible(c, width);
            int repeats = Math.Max(1, (int)Math.Ceiling(n * depth));
            for (int block = 0; block < repeats; block++)
            {
                string id = $"s{stage + 1}b{block + 1}";
                int stride = block == 0 ? s : 1;
                if (t != 1) b.Conv($"{id}_expand", channels * t, kernel: 1, activation: Activation.Relu6, input: previous);
                b.DepthwiseConv($"{id}_dw", stride: stride, activation: Activation.Relu6);
                string projected = b.Conv($"{id}_project", outChannels, kernel: 1, activation: Activation.None);
                previous = stride == 1 && channels == outChannels
                    ? b.Residual($"{id}_add", [projected, previous])
                    : projected;
                channels = outChannels;
            }
        }
        b.Conv("head", Width.ScaleDivisible(256, Math.Max(1.0, width)), kernel: 1, activation: Activation.Relu6, input: previous);
        b.GlobalAvgPool("gap");
        b.Linear("fc", classes);
        return b.Build();
    }
}
