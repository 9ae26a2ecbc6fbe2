using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Zoo;

/// <summary>
/// Sandler et al. (2018)'s inverted residuals sized for 28x28 to 32x32 inputs: a stride-1 stem, five stages that
/// reduce the map three times, a 1x1 conv to 256 channels, global pooling and a classifier.
/// </summary>
internal static class MobileNetV2Small
{
    private static readonly (int T, int C, int N, int S)[] Stages =
        [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 2, 2), (6, 96, 1, 1)];

    public static ModelSpec Create(string name, InputSpec input, int classes, double width, double depth) =>
        InvertedResiduals.Build(name, input, classes, width, depth, stemStride: 1, Stages, head: 256);
}
