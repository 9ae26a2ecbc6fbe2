using AutoDesign.Modeling.Data.Text;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Training;

/// <summary>
/// Training batches that mix the corpus with passkey windows (<see cref="PasskeyTask"/>, filler from the same
/// training text, the needle at a uniform depth): the mixture the long-context literature fine-tunes on so that a
/// model learns to retrieve. <paramref name="share"/> of each batch is passkey windows, the rest random corpus windows.
/// The key's digits at the end of a passkey window weigh <paramref name="answerWeight"/> each in the loss (every
/// other token 1): with the default, a window's answer counts as much as a window of text, where at weight 1 five
/// tokens among thousands leave the model nothing to learn retrieval from.
/// </summary>
public sealed class PasskeyMixture(byte[] train, int context, int batchSize, double share, double? answerWeight = null)
{
    public double AnswerWeight { get; } = answerWeight ?? (double)context / PasskeyTask.KeyLength;

    public LanguageBatch Batch(SplitMix64 random)
    {
        int passkeys = (int)Math.Round(batchSize * share);
        var (inputs, targets) = TokenWindows.Batch(train, context, TokenWindows.RandomStarts(train, context, batchSize - passkeys, random));
        if (passkeys == 0) return new LanguageBatch(inputs, targets);
        var windows = Enumerable.Range(0, passkeys).Select(_ => PasskeyTask.Make(train, context, random.NextDouble(), random)).ToList();
        var ids = tensor(windows.SelectMany(w => w.Tokens.Take(context).Select(t => (long)t)).ToArray()).reshape(passkeys, 1, 1, context);
        var next = tensor(windows.SelectMany(w => w.Tokens.Skip(1).Select(t => (long)t)).ToArray()).reshape(passkeys, 1, context);
        var weights = ones(batchSize, 1, context);
        // Target t is token t + 1: the key's digits are the last KeyLength targets of every passkey window.
        weights[TensorIndex.Slice(batchSize - passkeys), TensorIndex.Colon, TensorIndex.Slice(context - PasskeyTask.KeyLength)] = AnswerWeight;
        return new LanguageBatch(cat([inputs, ids], 0), cat([targets, next], 0), weights);
    }
}
