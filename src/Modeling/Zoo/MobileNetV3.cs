using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Zoo;

/// <summary>
/// Howard et al. (2019)'s MobileNetV3, Large and Small (the paper's tables 1 and 2, as torchvision builds them):
/// inverted residual blocks with 3x3 or 5x5 depthwise convs, squeeze-and-excitation with a hard-sigmoid gate in some
/// blocks (squeezed to a quarter of the expansion), ReLU in the early blocks and hard-swish later, a 1x1 head conv,
/// global pooling and a two-layer classifier with hard-swish between.
/// </summary>
internal static class MobileNetV3
{
    private sealed record Block(int Kernel, int Expanded, int Out, bool SqueezeExcite, bool HardSwish, int Stride);

    private static readonly Block[] Large =
    [
        new(3, 16, 16, false, false, 1), new(3, 64, 24, false, false, 2), new(3, 72, 24, false, false, 1),
        new(5, 72, 40, true, false, 2), new(5, 120, 40, true, false, 1), new(5, 120, 40, true, false, 1),
        new(3, 240, 80, false, true, 2), new(3, 200, 80, false, true, 1), new(3, 184, 80, false, true, 1),
        new(3, 184, 80, false, true, 1), new(3, 480, 112, true, true, 1), new(3, 672, 112, true, true, 1),
        new(5, 672, 160, true, true, 2), new(5, 960, 160, true, true, 1), new(5, 960, 160, true, true, 1),
    ];

    private static readonly Block[] Small =
    [
        new(3, 16, 16, true, false, 2), new(3, 72, 24, false, false, 2), new(3, 88, 24, false, false, 1),
        new(5, 96, 40, true, true, 2), new(5, 240, 40, true, true, 1), new(5, 240, 40, true, true, 1),
        new(5, 120, 48, true, true, 1), new(5, 144, 48, true, true, 1), new(5, 288, 96, true, true, 2),
        new(5, 576, 96, true, true, 1), new(5, 576, 96, true, true, 1),
    ];

    public static ModelSpec CreateLarge(string name, InputSpec input, int classes, double width) =>
        Build(name, input, classes, width, Large, classifier: 1280);

    public static ModelSpec CreateSmall(string name, InputSpec input, int classes, double width) =>
        Build(name, input, classes, width, Small, classifier: 1024);

    private static ModelSpec Build(string name, InputSpec input, int classes, double width, Block[] blocks, int classifier)
    {
        var b = new SpecBuilder(name, input, classes);
        int channels = Width.ScaleDivisible(16, width);
        string previous = b.Conv("stem", channels, stride: 2, activation: Activation.HardSwish);
        for (int i = 0; i < blocks.Length; i++)
        {
            var block = blocks[i];
            string id = $"b{i + 1}";
            var activation = block.HardSwish ? Activation.HardSwish : Activation.Relu;
            int expanded = Width.ScaleDivisible(block.Expanded, width), outChannels = Width.ScaleDivisible(block.Out, width);
            if (expanded != channels) b.Conv($"{id}_expand", expanded, kernel: 1, activation: activation, input: previous);
            string map = b.DepthwiseConv($"{id}_dw", kernel: block.Kernel, stride: block.Stride, activation: activation);
            if (block.SqueezeExcite)
                b.SqueezeExcite($"{id}_se", map, expanded, Width.ScaleDivisible(expanded / 4, 1.0), Activation.Relu, Activation.HardSigmoid);
            string projected = b.Conv($"{id}_project", outChannels, kernel: 1, activation: Activation.None);
            previous = block.Stride == 1 && channels == outChannels ? b.Residual($"{id}_add", [projected, previous]) : projected;
            channels = outChannels;
        }
        b.Conv("head", 6 * channels, kernel: 1, activation: Activation.HardSwish, input: previous);
        b.GlobalAvgPool("gap");
        b.Linear("fc1", Width.ScaleDivisible(classifier, width), Activation.HardSwish);
        b.Linear("fc", classes);
        return b.Build();
    }
}
