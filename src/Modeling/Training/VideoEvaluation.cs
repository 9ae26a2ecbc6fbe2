using AutoDesign.Modeling.Data.Video;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Training;

/// <summary>
/// A next-frame model on held-out clips: the mean squared error per pixel (pixels in [0, 1]) of its predicted frame,
/// and, for context, of the trivial prediction that copies the last frame it read.
/// </summary>
public sealed record VideoEvaluation(double Error, double CopyLastError, int Clips)
{
    /// <summary>Scores <paramref name="network"/> in inference mode on the first <paramref name="count"/> clips of <paramref name="clips"/>.</summary>
    public static VideoEvaluation Of(nn.Module<Tensor, Tensor> network, MovingMnist clips, int count, int patch, int batchSize = 32)
    {
        network.eval();
        return Of(network.forward, clips, count, patch, batchSize);
    }

    /// <summary>Scores a forward function, batch by batch of <paramref name="batchSize"/> clips (1: each clip alone).</summary>
    public static VideoEvaluation Of(Func<Tensor, Tensor> predict, MovingMnist clips, int count, int patch, int batchSize = 32)
    {
        if (count < 1) throw new ArgumentException($"scoring needs at least one clip, got {count}", nameof(count));
        if (batchSize < 1) throw new ArgumentException($"batches hold at least one clip, got {batchSize}", nameof(batchSize));
        using var noGrad = no_grad();
        double error = 0, copy = 0;
        for (int start = 0; start < count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var (inputs, targets) = NextFrameBatches.Batch(clips, NextFrameBatches.Range(start, Math.Min(batchSize, count - start)), patch);
            error += (predict(inputs) - targets).square().sum().item<float>();
            copy += (inputs.narrow(2, inputs.shape[2] - 1, 1) - targets).square().sum().item<float>();
        }
        double pixels = (double)count * clips.FrameSize * clips.FrameSize;
        return new VideoEvaluation(error / pixels, copy / pixels, count);
    }
}
