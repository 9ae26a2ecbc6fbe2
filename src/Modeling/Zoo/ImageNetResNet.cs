using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Zoo;

/// <summary>
/// He et al. (2016)'s ImageNet ResNets: a 7x7 stride-2 stem and 3x3 stride-2 max pool, four stages (64 to 512
/// channels, the last three starting with stride 2) of basic blocks (ResNet-18: 2 per stage) or bottleneck blocks
/// with expansion 4 (ResNet-50: 3, 4, 6, 3), 1x1 projection shortcuts where shapes change, global pooling, a classifier.
/// </summary>
internal static class ImageNetResNet
{
    private static readonly int[] StageChannels = [64, 128, 256, 512];

    public static ModelSpec Create(string name, InputSpec input, int classes, int depth, double width)
    {
        var (blocks, bottleneck) = depth switch
        {
            18 => (new[] { 2, 2, 2, 2 }, false),
            34 => (new[] { 3, 4, 6, 3 }, false),
            50 => (new[] { 3, 4, 6, 3 }, true),
            101 => (new[] { 3, 4, 23, 3 }, true),
            _ => throw new ArgumentException($"an ImageNet ResNet has depth 18, 34, 50 or 101, not {depth}"),
        };
        var b = new SpecBuilder(name, input, classes);
        int channels = Width.Scale(64, width);
        b.Conv("stem", channels, kernel: 7, stride: 2);
        string previous = b.MaxPool("stem_pool", kernel: 3, stride: 2, padding: 1);
        for (int stage = 0; stage < StageChannels.Length; stage++)
        {
            int inner = Width.Scale(StageChannels[stage], width);
            int outChannels = bottleneck ? inner * 4 : inner;
            for (int block = 0; block < blocks[stage]; block++)
            {
                string id = $"s{stage + 1}b{block + 1}";
                int stride = stage > 0 && block == 0 ? 2 : 1;
                string main;
                if (bottleneck)
                {
                    b.Conv($"{id}_conv1", inner, kernel: 1, input: previous);
                    b.Conv($"{id}_conv2", inner, stride: stride);
                    main = b.Conv($"{id}_conv3", outChannels, kernel: 1, activation: Activation.None);
                }
                else
                {
                    b.Conv($"{id}_conv1", inner, stride: stride, input: previous);
                    main = b.Conv($"{id}_conv2", inner, activation: Activation.None);
                }
                string shortcut = stride != 1 || channels != outChannels
                    ? b.Conv($"{id}_shortcut", outChannels, kernel: 1, stride: stride, activation: Activation.None, input: previous)
                    : previous;
                previous = b.Residual($"{id}_add", [main, shortcut], Activation.Relu);
                channels = outChannels;
            }
        }
        b.GlobalAvgPool("gap");
        b.Linear("fc", classes);
        return b.Build();
    }
}
