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
        network.eval();
        using var noGrad = no_grad();
        var windows = TokenWindows.Tiling(stream, context);
        if (maxWindows > 0 && windows.Length > maxWindows) windows = windows[..maxWindows];
        double lossSum = 0;
        long correct = 0, tokens = 0;
        for (int start = 0; start < windows.Length; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var (inputs, targets) = TokenWindows.Batch(stream, context, windows[start..Math.Min(windows.Length, start + batchSize)]);
            var logits = network.forward(inputs);
            lossSum += nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.Sum).item<float>();
            correct += logits.argmax(1).eq(targets).sum().item<long>();
            tokens += targets.numel();
        }
        if (tokens == 0) throw new ArgumentException($"a stream of {stream.LongLength} tokens holds no window of {context}");
        double loss = lossSum / tokens;
        return new TextEvaluation(Math.Exp(loss), loss, (double)correct / tokens, tokens);
    }
}
