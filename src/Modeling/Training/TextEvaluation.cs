using static TorchSharp.torch;

namespace AutoDesign.Modeling.Training;

/// <summary>
/// A language model on held-out text: the mean cross-entropy of each next token (nats), its perplexity exp(loss),
/// and how often the most likely token is the right one, over non-overlapping windows of the context.
/// </summary>
public sealed record TextEvaluation(double Perplexity, double Loss, double Accuracy, long Tokens)
{
    /// <summary>Scores <paramref name="network"/> in inference mode and leaves it in that mode.</summary>
    /// <param name="maxWindows">Score only the first N windows (0: all).</param>
    public static TextEvaluation Of(nn.Module<Tensor, Tensor> network, byte[] stream, int context, int batchSize = 16, int maxWindows = 0)
    {
        var windows = TokenWindows.Tiling(stream, context);
        if (maxWindows > 0 && windows.Length > maxWindows) windows = windows[..maxWindows];
        return Of(network, stream, context, windows, batchSize);
    }

    /// <summary>Scores <paramref name="network"/> on the windows starting at <paramref name="windows"/>, made batch by batch; leaves it in inference mode.</summary>
    public static TextEvaluation Of(nn.Module<Tensor, Tensor> network, byte[] stream, int context, IReadOnlyList<long> windows, int batchSize = 16)
    {
        network.eval();
        if (windows.Count == 0) throw new ArgumentException($"a stream of {stream.LongLength} tokens holds no window of {context}");
        int batches = (windows.Count + batchSize - 1) / batchSize;
        return Of(network.forward, batches, b => TokenWindows.Batch(stream, context, [.. windows.Skip(b * batchSize).Take(batchSize)]));
    }

    /// <summary>
    /// Scores a forward function on <paramref name="batches"/> batches of windows, each given by <paramref name="batch"/>
    /// inside the dispose scope of its step (tensors it makes there are freed after the step, tensors it hands out stay).
    /// </summary>
    public static TextEvaluation Of(Func<Tensor, Tensor> forward, int batches, Func<int, (Tensor Inputs, Tensor Targets)> batch)
    {
        using var noGrad = no_grad();
        double lossSum = 0;
        long correct = 0, tokens = 0;
        for (int b = 0; b < batches; b++)
        {
            using var scope = NewDisposeScope();
            var (inputs, targets) = batch(b);
            var logits = forward(inputs);
            lossSum += nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.Sum).item<float>();
            correct += logits.argmax(1).eq(targets).sum().item<long>();
            tokens += targets.numel();
        }
        if (tokens == 0) throw new ArgumentException("no window to score");
        double loss = lossSum / tokens;
        return new TextEvaluation(Math.Exp(loss), loss, (double)correct / tokens, tokens);
    }
}
