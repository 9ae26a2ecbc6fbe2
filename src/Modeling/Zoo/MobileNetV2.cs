using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Zoo;

/// <summary>Sandler et al. (2018)'s ImageNet MobileNetV2: the paper's table 2, a 1,280-channel head, global pooling, a classifier.</summary>
internal static class MobileNetV2
{
    private static readonly (int T, int C, int N, int S)[] Stages =
        [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)];

    public static ModelSpec Create(string name, InputSpec input, int classes, double width) =>
        InvertedResiduals.Build(name, input, classes, width, depth: 1.0, stemStride: 2, Stages, head: 1280);
}
