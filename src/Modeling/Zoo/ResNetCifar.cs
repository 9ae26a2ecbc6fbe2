using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Zoo;

/// <summary>
/// He et al. (2016)'s CIFAR ResNet of depth 6n+2: a 3x3 stem, three stages of n basic blocks (16, 32, 64 channels,
/// the last two starting with stride 2), global pooling and a classifier. Where a block changes shape its shortcut
/// is a 1x1 conv with batch norm (option B), so every residual join is an explicit channel tie.
/// </summary>
internal static class ResNetCifar
{
    private static readonly int[] StageChannels = [16, 32, 64];

    public static ModelSpec Create(string name, InputSpec input, int classes, int depth, double width)
    {
        if (depth < 8 || (depth - 2) % 6 != 0)
            throw new ArgumentException($"a CIFAR ResNet has depth 6n+2 (8, 14, 20, 32, 44, 56, 110...), not {depth}");
        int blocks = (depth - 2) / 6;

        var b = new SpecBuilder(name, input, classes);
        string previous = b.Conv("stem", Width.Scale(StageChannels[0], width));
        int channels = Width.Scale(StageChannels[0], width);
        for (int stage = 0; stage < StageChannels.Length; stage++)
        {
            int stageChannels = Width.Scale(StageChannels[stage], width);
            for (int block = 0; block < blocks; block++)
            {
                string id = $"s{stage + 1}b{block + 1}";
                int stride = stage > 0 && block == 0 ? 2 : 1;
                b.Conv($"{id}_conv1", stageChannels, stride: stride, input: previous);
                string main = b.Conv($"{id}_conv2", stageChannels, activation: Activation.None);
                string shortcut = stride != 1 || channels != stageChannels
                    ? b.Conv($"{id}_shortcut", stageChannels, kernel: 1, stride: stride, activation: Activation.None, input: previous)
                    : previous;
                previous = b.Residual($"{id}_add", [main, shortcut], Activation.Relu);
                channels = stageChannels;
            }
        }
        b.GlobalAvgPool("gap");
        b.Linear("fc", classes);
        return b.Build();
    }
}
