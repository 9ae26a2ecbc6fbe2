using TorchSharp;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Distributed;

/// <summary>
/// The update every worker applies from all workers' messages of a step: their gradients summed in worker order and
/// averaged (so every worker computes the same bits and the weights stay identical), then an SGD step. In the dense
/// exchange that is PyTorch's momentum SGD with weight decay; under momentum correction the gradients already carry
/// their momentum, and only weight decay, which every worker computes alike from the shared weights, gets its own.
/// </summary>
public sealed class DataParallelStep : IDisposable
{
    private readonly IReadOnlyList<Tensor> _parameters;
    private readonly bool _momentumInMessages;
    private readonly double _momentum, _weightDecay;
    private readonly bool _nesterov;
    private readonly Tensor?[] _buffers;

    public DataParallelStep(IReadOnlyList<Tensor> parameters, GradientCompression settings, double momentum, double weightDecay, bool nesterov)
    {
        _parameters = parameters;
        _momentumInMessages = settings.MomentumCorrection && !settings.IsDense;
        _momentum = momentum;
        _weightDecay = weightDecay;
        _nesterov = nesterov;
        _buffers = new Tensor?[parameters.Count];
    }

    /// <summary>The mean of the workers' gradients, one dense tensor per parameter in its shape; the caller disposes them.</summary>
    public IReadOnlyList<Tensor> Average(IReadOnlyList<GradientMessage> messages)
    {
        if (messages.Count == 0) throw new ArgumentException("no messages to average", nameof(messages));
        var sums = new Tensor[_parameters.Count];
        // Scalars of their own, alive until the end: one TorchSharp makes for an operator may be finalized while libtorch still reads it.
        using Scalar one = 1, count = messages.Count;
        for (int i = 0; i < _parameters.Count; i++)
        {
            using var scope = NewDisposeScope();
            var sum = zeros(_parameters[i].numel());
            foreach (var message in messages)
            {
                if (message.Layers.Count != _parameters.Count) throw new ArgumentException($"a message has {message.Layers.Count} parameters, the network {_parameters.Count}");
                var layer = message.Layers[i];
                if (layer.Count != sum.numel()) throw new ArgumentException($"parameter {i}: a message has {layer.Count} entries, the network {sum.numel()}");
                using var values = tensor(layer.Values);
                if (layer.Indices is { } indices)
                {
                    using var positions = tensor(indices.Select(p => (long)p).ToArray());
                    sum.index_add_(0, positions, values, one);
                }
                else sum.add_(values, one);
            }
            sums[i] = sum.div_(count).reshape(_parameters[i].shape).MoveToOuterDisposeScope();
        }
        return sums;
    }

    /// <summary>Applies one step from all workers' messages (in worker order).</summary>
    public void Apply(IReadOnlyList<GradientMessage> messages, double learningRate)
    {
        var averages = Average(messages);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using Scalar one = 1, decay = _weightDecay, momentum = _momentum, rate = -learningRate;
        for (int i = 0; i < _parameters.Count; i++)
        {
            var parameter = _parameters[i];
            var gradient = averages[i];
            var step = _momentumInMessages
                ? gradient.add(Momentum(i, parameter.mul(decay), momentum, one), one)
                : Momentum(i, _weightDecay > 0 ? gradient.add(parameter, decay) : gradient, momentum, one);
            parameter.add_(step, rate);
            averages[i].Dispose();
        }
    }

    // PyTorch's SGD momentum (dampening 0): buf = m buf + g; the step is buf, or g + m buf with Nesterov.
    private Tensor Momentum(int i, Tensor gradient, Scalar momentum, Scalar one)
    {
        if (_momentum == 0) return gradient;
        if (_buffers[i] is { } buffer) buffer.mul_(momentum).add_(gradient, one);
        else _buffers[i] = buffer = gradient.detach().clone().DetachFromDisposeScope();
        return _nesterov ? gradient.add(buffer, momentum) : buffer;
    }

    /// <summary>The momentum buffers, once the first step has made them (none without momentum), for a checkpoint.</summary>
    public IReadOnlyList<Tensor> Momenta => [.. _buffers.OfType<Tensor>()];

    /// <summary>Takes the momentum buffers from a snapshot's values at <paramref name="first"/> on, if it has them.</summary>
    public void Restore(GradientMessage values, int first)
    {
        if (values.Layers.Count == first) return;
        for (int i = 0; i < _parameters.Count; i++)
            _buffers[i] ??= zeros_like(_parameters[i]).DetachFromDisposeScope();
        TensorSnapshot.CopyInto(values, first, Momenta);
    }

    public void Dispose()
    {
        foreach (var b in _buffers) b?.Dispose();
    }
}
