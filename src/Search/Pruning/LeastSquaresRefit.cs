using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using static TorchSharp.torch;

namespace AutoDesign.Search.Pruning;

/// <summary>
/// Channel pruning by reconstruction (He et al., 2017): after a layer loses input channels, its remaining weights are
/// refitted by (lightly regularised) least squares so that, on sampled feature points of calibration images, it reproduces what the
/// unpruned layer computed from the unpruned network's features. Layers are refitted in network order during one
/// forward pass of the pruned network, so each fit sees the already refitted layers before it. The unpruned targets
/// are computed once and reused for every candidate.
/// </summary>
public sealed class LeastSquaresRefit : IDisposable
{
    private sealed record Target(Tensor? Positions, Tensor Outputs); // positions: (images, points) into the unfolded map

    private readonly Tensor _images;
    private readonly Dictionary<string, Target> _targets = [];

    private readonly int _convImages;

    /// <summary>A refit calibrated on 512 training images (never the images candidates are scored on), chosen by the seed.</summary>
    public static LeastSquaresRefit Calibrated(SpecNetwork original, Dataset data, int seed)
    {
        using var source = new BatchSource(data.Train.Sample(512, (ulong)seed), data.Mean, data.Std);
        using var scope = NewDisposeScope();
        var (images, _) = source.Range(0, source.Count);
        return new LeastSquaresRefit(original, images, pointsPerImage: 16, convImages: 128, seed: (ulong)seed);
    }

    /// <param name="convImages">How many of the calibration images conv layers sample points from (unfolding is the costly
    /// part); linear layers, which see one row per image, use them all.</param>
    public LeastSquaresRefit(SpecNetwork original, Tensor calibrationImages, int pointsPerImage = 16, int convImages = 128, ulong seed = 1)
    {
        _convImages = (int)Math.Min(convImages, calibrationImages.shape[0]);
        _images = calibrationImages.detach().clone().DetachFromDisposeScope();
        var random = new SplitMix64(seed);
        var spec = original.Spec;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        original.eval();
        var outputs = original.ForwardAll(_images);
        var state = original.state_dict();
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            if (layer.Op is not (LayerOp.Conv or LayerOp.Linear) || layer.EffectiveGroups > 1) continue; // grouped convs are never refit
            var inputs = spec.InputsOf(i);
            var input = inputs.Count == 0 ? _images : outputs[inputs[0]];
            Target target;
            if (layer.Op == LayerOp.Linear)
            {
                target = new Target(null, input.flatten(1).matmul(state[$"{layer.Name}.fc.weight"].t()));
            }
            else
            {
                var columns = Unfold(input[.._convImages], layer); // (N, Cin*k*k, L)
                long places = columns.shape[2];
                var positions = tensor(Enumerable.Range(0, (int)columns.shape[0])
                    .SelectMany(_ => Enumerable.Range(0, pointsPerImage).Select(_ => (long)random.NextInt((int)places))).ToArray())
                    .reshape(columns.shape[0], pointsPerImage);
                var weight = state[$"{layer.Name}.conv.weight"].flatten(1); // (Cout, Cin*k*k)
                target = new Target(positions, weight.matmul(Sample(columns, positions).t()).t()); // (N*P, Cout)
            }
            _targets[layer.Name] = new Target(target.Positions?.DetachFromDisposeScope(), target.Outputs.DetachFromDisposeScope());
        }
    }

    /// <summary>Refits, in place, every conv or linear layer of <paramref name="pruned"/> that lost input channels.</summary>
    public void Apply(SpecNetwork original, SpecNetwork pruned, IReadOnlyDictionary<string, long[]> kept)
    {
        var originalLayers = original.Analysis;
        using var scope = NewDisposeScope();
        var keptOutputs = new Dictionary<string, Tensor>();
        foreach (var group in original.Analysis.ChannelGroups)
            if (group.Prunable && kept.TryGetValue(PruningPolicy.KeyOf(group), out var indices))
                foreach (var producer in group.Producers)
                    keptOutputs[producer] = ChannelExpansion.Expand(tensor(indices), group.Block, group.ExpansionOf(producer));

        using var noGrad = no_grad();
        pruned.eval();
        var state = pruned.state_dict();
        pruned.Forward(_images, (name, input) =>
        {
            var now = pruned.Analysis[name];
            // Grouped convs are left as they are, also one pruned down to a single group.
            if (now.Op is not (LayerOp.Conv or LayerOp.Linear) || originalLayers[name].Groups > 1 || now.InChannels == originalLayers[name].InChannels) return;
            var target = _targets[name];
            var outputs = keptOutputs.TryGetValue(name, out var rows) ? target.Outputs.index_select(1, rows) : target.Outputs;
            var layer = pruned.Spec.Layer(name);
            var features = layer.Op == LayerOp.Linear ? input.flatten(1) : Sample(Unfold(input[.._convImages], layer), target.Positions!);
            var solution = RidgeSolve(features, outputs); // (features, Cout)
            var weight = state[layer.Op == LayerOp.Linear ? $"{name}.fc.weight" : $"{name}.conv.weight"];
            weight.copy_(solution.t().reshape(weight.shape));
        });
    }

    /// <summary>
    /// argmin ||X W - Y||^2 + lambda ||W||^2 in float64, with lambda a small fraction of X's mean squared column norm:
    /// ReLU features leave dead, collinear columns, and a plain least-squares fit can then blow weights up.
    /// </summary>
    private static Tensor RidgeSolve(Tensor features, Tensor outputs)
    {
        var x = features.to_type(ScalarType.Float64);
        var gram = x.t().matmul(x);
        double lambda = 1e-3 * gram.diagonal().mean().item<double>() + 1e-8;
        var regularised = gram + lambda * eye(gram.shape[0], dtype: ScalarType.Float64);
        return linalg.solve(regularised, x.t().matmul(outputs.to_type(ScalarType.Float64))).to_type(ScalarType.Float32);
    }

    private static Tensor Unfold(Tensor input, LayerSpec layer) =>
        nn.functional.unfold(input, layer.Kernel, dilation: 1, padding: layer.EffectivePadding, stride: layer.Stride);

    // (N, F, L) columns at (N, P) positions -> (N * P, F) rows.
    private static Tensor Sample(Tensor columns, Tensor positions)
    {
        var index = positions.unsqueeze(1).expand(-1, columns.shape[1], -1);
        return columns.gather(2, index).permute(0, 2, 1).reshape(-1, columns.shape[1]);
    }

    public void Dispose()
    {
        _images.Dispose();
        foreach (var target in _targets.Values)
        {
            target.Positions?.Dispose();
            target.Outputs.Dispose();
        }
    }
}
