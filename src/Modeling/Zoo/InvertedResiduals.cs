using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Zoo;

/// <summary>
/// MobileNetV2's body: a 3x3 stem, then stages of inverted residual blocks (1x1 expansion by t unless t = 1, 3x3
/// depthwise, 1x1 linear projection, identity shortcut where stride is 1 and channels agree), a 1x1 head conv,
/// global pooling and a classifier. Channels follow the width multiplier rounded to multiples of 8; the depth
/// multiplier scales the blocks per stage.
/// </summary>
internal static class InvertedResiduals
{
    public static ModelSpec Build(string name, InputSpec input, int classes, double width, double depth, int stemStride,
        IReadOnlyList<(int T, int C, int N, int S)> stages, int head)
    {
        var b = new SpecBuilder(name, input, classes);
        int channels = Width.ScaleDivisible(32, width);
        string previous = b.Conv("stem", channels, stride: stemStride, activation: Activation.Relu6);
        for (int stage = 0; stage < stages.Count; stage++)
        {
            var (t, c, n, s) = stages[stage];
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
        b.Conv("head", Width.ScaleDivisible(head, Math.Max(1.0, width)), kernel: 1, activation: Activation.Relu6, input: previous);
        b.GlobalAvgPool("gap");
        b.Linear("fc", classes);
        return b.Build();
    }
}
