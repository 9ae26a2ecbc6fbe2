using AutoDesign.Modeling.Data.Text;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Training;

/// <summary>How often a language model retrieves the key of <see cref="PasskeyTask"/> windows, and how many of the key's digits it gets right.</summary>
public sealed record PasskeyRetrieval(double Accuracy, double DigitAccuracy, int Windows)
{
    /// <summary>Scores <paramref name="forward"/> (token ids (B, 1, 1, T) to scores (B, V, 1, T)) on the windows, without gradients.</summary>
    public static PasskeyRetrieval Of(Func<Tensor, Tensor> forward, IReadOnlyList<PasskeyWindow> windows, int batchSize = 16)
    {
        using var noGrad = no_grad();
        int retrieved = 0, digits = 0;
        for (int first = 0; first < windows.Count; first += batchSize)
        {
            using var scope = NewDisposeScope();
            var batch = windows.Skip(first).Take(batchSize).ToList();
            int context = batch[0].Tokens.Length - 1;
            var ids = tensor(batch.SelectMany(w => w.Tokens.Take(context).Select(t => (long)t)).ToArray()).reshape(batch.Count, 1, 1, context);
            var predicted = forward(ids).argmax(1).reshape(batch.Count, context); // the most likely next token at every position
            for (int b = 0; b < batch.Count; b++)
            {
                var w = batch[b];
                int right = Enumerable.Range(w.KeyStart - 1, w.Key.Length).Count(t => predicted[b, t].item<long>() == w.Tokens[t + 1]);
                digits += right;
                if (right == w.Key.Length) retrieved++;
            }
        }
        return new PasskeyRetrieval((double)retrieved / windows.Count, (double)digits / (windows.Count * PasskeyTask.KeyLength), windows.Count);
    }
}
