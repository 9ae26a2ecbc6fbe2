using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Zoo;

/// <summary>Howard et al. (2017): a 3x3 stride-2 stem and thirteen depthwise-separable blocks (3x3 depthwise, 1x1 pointwise).</summary>
internal static class MobileNetV1
{
    private static readonly (int Channels, int Stride)[] Blocks =
        [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)];

    public static ModelSpec Create(string name, InputSpec input, int classes, double width)
    {
        var b = new SpecBuilder(name, input, classes);
        b.Conv("stem", Width.Scale(32, width), stride: 2);
        for (int i = 0; i < Blocks.Length; i++)
        {
            b.DepthwiseConv($"b{i + 1}_dw", stride: Blocks[i].Stride);
            b.Conv($"b{i + 1}_pw", Width.Scale(Blocks[i].Channels, width), kernel: 1);
        }
        b.GlobalAvgPool("gap");
        b.Linear("fc", classes);
        return b.Build();
    }
}
