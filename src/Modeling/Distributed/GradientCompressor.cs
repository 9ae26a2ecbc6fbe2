using TorchSharp;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Distributed;

/// <summary>
/// One worker's side of the exchange: turns the gradients of its shard of a step into the message it sends, keeping
/// what it did not send (Deep Gradient Compression). Weight tensors (two or more dimensions) are sparsified; biases
/// and batch-norm parameters, a small share of the bytes, go in full, as in the paper's code. With momentum
/// correction the momentum lives here, per worker, and the shared step applies none to the gradients.
/// </summary>
public sealed class GradientCompressor : IDisposable
{
    private readonly GradientCompression _settings;
    private readonly int _workers;
    private readonly double _momentum;
    private readonly bool _nesterov;
    private readonly bool[] _sparse;
    private readonly Tensor?[] _momenta;    // u: momentum-corrected gradient, per worker (momentum correction)
    private readonly Tensor?[] _velocities; // v: accumulated and not yet sent (sparsified parameters)

    public GradientCompressor(IReadOnlyList<Tensor> parameters, GradientCompression settings, int workers, double momentum, bool nesterov)
    {
        if (settings.Problem() is { } problem) throw new ArgumentException(problem, nameof(settings));
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _settings = settings;
        _workers = workers;
        _momentum = momentum;
        _nesterov = nesterov;
        _sparse = [.. parameters.Select(p => !settings.IsDense && p.dim() > 1)];
        _momenta = [.. parameters.Select(p => settings.MomentumCorrection && !settings.IsDense ? zeros(p.numel()).DetachFromDisposeScope() : null)];
        _velocities = [.. parameters.Select((p, i) => _sparse[i] ? zeros(p.numel()).DetachFromDisposeScope() : null)];
    }

    /// <summary>This worker's message for one step, from the gradients of its shard (in parameter order).</summary>
    public GradientMessage Compress(IReadOnlyList<Tensor> gradients, int epoch)
    {
        if (gradients.Count != _sparse.Length) throw new ArgumentException($"expected {_sparse.Length} gradients, got {gradients.Count}", nameof(gradients));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // Scalars of their own, alive until the end: one TorchSharp makes for an operator may be finalized while libtorch still reads it.
        using Scalar one = 1, zero = 0, momentum = _momentum;
        var flat = gradients.Select(g => g.detach().flatten()).ToArray();
        if (_settings.ClipNorm > 0)
        {
            double norm = Math.Sqrt(flat.Sum(g => g.square().sum().item<float>()));
            double bound = _settings.ClipNorm * Math.Sqrt(_workers); // the shard's mean: N times its share of the average
            using Scalar scale = bound / (norm + 1e-6);
            if (norm > bound) flat = [.. flat.Select(g => g.mul(scale))];
        }
        double density = _settings.DensityAt(epoch);
        var layers = new LayerGradient[flat.Length];
        for (int i = 0; i < flat.Length; i++)
        {
            var contribution = Corrected(i, flat[i], momentum, one);
            if (!_sparse[i])
            {
                layers[i] = new LayerGradient((int)contribution.numel(), null, contribution.contiguous().data<float>().ToArray());
                continue;
            }
            var velocity = _velocities[i]!;
            velocity.add_(contribution, one);
            int count = (int)velocity.numel();
            int chosen = Math.Max(1, (int)Math.Ceiling(count * density));
            var positions = velocity.abs().topk(chosen).indexes.sort().Values;
            var values = velocity.index_select(0, positions).data<float>().ToArray();
            velocity.index_fill_(0, positions, zero);
            if (_settings.MomentumFactorMasking) _momenta[i]!.index_fill_(0, positions, zero);
            layers[i] = new LayerGradient(count, [.. positions.data<long>().ToArray().Select(p => (int)p)], values);
        }
        return new GradientMessage(layers);
    }

    // What the gradient adds to the exchange: itself, or with momentum correction the worker's momentum step
    // (PyTorch's SGD arithmetic, Nesterov's look-ahead included).
    private Tensor Corrected(int i, Tensor gradient, Scalar factor, Scalar one)
    {
        if (_momenta[i] is not { } momentum) return gradient;
        momentum.mul_(factor).add_(gradient, one);
        return _nesterov ? gradient.add(momentum, factor) : momentum.clone();
    }

    /// <summary>What this worker keeps between steps (momenta, then residuals), for a checkpoint; <see cref="Restore"/> reads it back.</summary>
    public IReadOnlyList<Tensor> State => [.. _momenta.Concat(_velocities).OfType<Tensor>()];

    public void Restore(GradientMessage state) => TensorSnapshot.CopyInto(state, 0, State);

    public void Dispose()
    {
        foreach (var t in _momenta.Concat(_velocities)) t?.Dispose();
    }
}
