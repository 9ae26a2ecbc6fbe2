using System.Globalization;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.HardwareProfiler.Tables;

/// <summary>
/// What a layer's latency depends on, as a look-up-table key: its op, input and output shapes, kernel, stride,
/// batch norm, activation and bit-widths, e.g. <c>conv:16x28x28>32x14x14:k3:s2:bn:relu:w32a32</c> (a grouped conv is
/// <c>conv-g4</c>). The
/// <see cref="Family"/> drops the channel counts, so layers that differ only in width can be interpolated.
/// </summary>
public sealed record LayerKey(string Key, string Family, int InChannels, int OutChannels)
{
    public static LayerKey For(LayerSpec layer, LayerSummary shape, Precision precision)
    {
        string op = System.Text.Json.JsonSerializer.Serialize(layer.Op).Trim('"');
        if (layer.Op == LayerOp.Conv && shape.Groups > 1) op += $"-g{shape.Groups}";
        var input = shape.InputShape;
        var output = shape.OutputShape;
        string act = layer.Activation.ToString().ToLowerInvariant();
        string rest = string.Create(CultureInfo.InvariantCulture,
            $":k{layer.Kernel}:s{layer.Stride}:{(layer.BatchNorm ? "bn" : "nobn")}:{act}:w{precision.WeightBits}a{precision.ActivationBits}");
        int inChannels = input.Flat ? input.Channels : input.Channels;
        string Map(TensorShape s, int channels) => s.Flat ? $"{channels}" : $"{channels}x{s.Height}x{s.Width}";
        string Spatial(TensorShape s) => s.Flat ? "v" : $"{s.Height}x{s.Width}";
        return new LayerKey(
            $"{op}:{Map(input, input.Channels)}>{Map(output, output.Channels)}{rest}",
            $"{op}:{Spatial(input)}>{Spatial(output)}{rest}",
            inChannels,
            output.Channels);
    }

    public static IReadOnlyList<(LayerSpec Layer, LayerKey Key)> Of(ModelSpec spec, PrecisionPolicy precision)
    {
        var analysis = spec.Analyze();
        return spec.Layers.Select((l, i) => (l, For(l, analysis.Layers[i], l.HasWeights ? precision.For(l.Name) : precision.Default))).ToList();
    }
}
