using static TorchSharp.torch;

namespace AutoDesign.Modeling.Training;

/// <summary>
/// Windows of a held-out token stream made into input and target tensors once, for scoring many networks on the same
/// text (a pruning job's candidates) without making them again.
/// </summary>
public sealed class TokenBatches : IDisposable
{
    private readonly List<(Tensor Inputs, Tensor Targets)> _batches = [];

    public TokenBatches(byte[] stream, int context, IReadOnlyList<long> starts, int batchSize = 16)
    {
        if (starts.Count == 0) throw new ArgumentException($"a stream of {stream.LongLength} tokens holds no window of {context}");
        Windows = starts.Count;
        for (int start = 0; start < starts.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var (inputs, targets) = TokenWindows.Batch(stream, context, [.. starts.Skip(start).Take(batchSize)]);
            _batches.Add((inputs.DetachFromDisposeScope(), targets.DetachFromDisposeScope()));
        }
    }

    public int Windows { get; }

    /// <summary>Next-token loss, perplexity and accuracy of a forward function (run without gradients).</summary>
    public TextEvaluation Evaluate(Func<Tensor, Tensor> forward) => TextEvaluation.Of(forward, _batches.Count, b => _batches[b]);

    public void Dispose()
    {
        foreach (var (inputs, targets) in _batches)
        {
            inputs.Dispose();
            targets.Dispose();
        }
    }
}
