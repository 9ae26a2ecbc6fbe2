using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Zoo;

/// <summary>
/// Tan and Le (2019)'s EfficientNet-B0 (the paper's table 1, as torchvision builds it): MBConv blocks with SiLU,
/// squeeze-and-excitation in every block (squeezed to a quarter of the block's input channels, sigmoid gate),
/// a 1,280-channel head conv, global pooling and a classifier.
/// </summary>
internal static class EfficientNet
{
    private static readonly (int Expand, int Kernel, int Stride, int Out, int Repeats)[] Stages =
        [(1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3), (6, 5, 1, 112, 3), (6, 5, 2, 192, 4), (6, 3, 1, 320, 1)];

    public static ModelSpec CreateB0(string name, InputSpec input, int classes, double width)
    {
        var b = new SpecBuilder(name, input, classes);
        int channels = Width.ScaleDivisible(32, width);
        string previous = b.Conv("stem", channels, stride: 2, activation: Activation.Silu);
        for (int stage = 0; stage < Stages.Length; stage++)
        {
            var (expand, kernel, stride, @out, repeats) = Stages[stage];
            int outChannels = Width.ScaleDivisible(@out, width);
            for (int block = 0; block < repeats; block++)
            {
                string id = $"s{stage + 1}b{block + 1}";
                int expanded = channels * expand, blockStride = block == 0 ? stride : 1;
                if (expand != 1) b.Conv($"{id}_expand", expanded, kernel: 1, activation: Activation.Silu, input: previous);
                string map = b.DepthwiseConv($"{id}_dw", kernel: kernel, stride: blockStride, activation: Activation.Silu);
                b.SqueezeExcite($"{id}_se", map, expanded, Math.Max(1, channels / 4), Activation.Silu, Activation.Sigmoid);
                string projected = b.Conv($"{id}_project", outChannels, kernel: 1, activation: Activation.None);
                previous = blockStride == 1 && channels == outChannels ? b.Residual($"{id}_add", [projected, previous]) : projected;
                channels = outChannels;
            }
        }
        b.Conv("head", Width.ScaleDivisible(1280, Math.Max(1.0, width)), kernel: 1, activation: Activation.Silu, input: previous);
        b.GlobalAvgPool("gap");
        b.Linear("fc", classes);
        return b.Build();
    }
}
