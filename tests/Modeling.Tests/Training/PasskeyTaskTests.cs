using AutoDesign.Modeling.Data.Text;
using AutoDesign.Modeling.Training;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Training;

/// <summary>The passkey probe: windows built as documented, and retrieval scored digit by digit.</summary>
public class PasskeyTaskTests
{
    private static readonly byte[] Filler = CharacterVocabulary.Encode(string.Concat(Enumerable.Repeat("The grass is green and the sky is blue. ", 50)));

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void A_window_hides_the_key_at_its_depth_and_ends_with_the_prompt_the_key_completes(double depth)
    {
        var window = PasskeyTask.Make(Filler, 256, depth, new SplitMix64(4));

        Assert.Equal(257, window.Tokens.Length);
        Assert.Matches("^[1-9][0-9]{4}$", window.Key);
        string text = CharacterVocabulary.Decode(window.Tokens);
        string needle = $" The pass key is {window.Key}. Remember it. {window.Key} is the pass key. ";
        Assert.Equal(window.NeedleAt, text.IndexOf(needle, StringComparison.Ordinal));
        Assert.EndsWith($" What is the pass key? The pass key is {window.Key}", text, StringComparison.Ordinal);
        int fill = 257 - needle.Length - $" What is the pass key? The pass key is {window.Key}".Length;
        Assert.Equal((int)Math.Round(depth * fill), window.NeedleAt);
        Assert.Equal(window.Key, CharacterVocabulary.Decode(window.Tokens.AsSpan(window.KeyStart)));
        Assert.Equal(window.Tokens, PasskeyTask.Make(Filler, 256, depth, new SplitMix64(4)).Tokens); // the seed decides everything
    }

    [Fact]
    public void A_context_too_short_for_needle_and_prompt_is_refused()
    {
        Assert.Throws<ArgumentException>(() => PasskeyTask.Make(Filler, 64, 0.5, new SplitMix64(1)));
    }

    [Fact]
    public void Retrieval_counts_a_window_only_when_every_digit_is_the_most_likely_token()
    {
        var random = new SplitMix64(7);
        var windows = Enumerable.Range(0, 5).Select(i => PasskeyTask.Make(Filler, 128, i / 4.0, random)).ToList();
        int next = 0;
        // Scores the right next token highest everywhere, except the last digit of the window numbered 2.
        Tensor Oracle(Tensor ids)
        {
            long batch = ids.shape[0], context = ids.shape[3];
            var scores = zeros(batch, CharacterVocabulary.Size, 1, context);
            for (int b = 0; b < batch; b++, next++)
                for (int t = 0; t < context; t++)
                {
                    int token = windows[next].Tokens[t + 1];
                    if (next == 2 && t == context - 1) token = token == 2 + '0' - ' ' ? token + 1 : 2 + '0' - ' ';
                    scores[b, token, 0, t] = 1;
                }
            return scores;
        }

        var result = PasskeyRetrieval.Of(Oracle, windows, batchSize: 2);

        Assert.Equal(4 / 5.0, result.Accuracy, 9);
        Assert.Equal(24 / 25.0, result.DigitAccuracy, 9);
    }
}

/// <summary>Training batches that mix corpus windows with passkey windows.</summary>
public class PasskeyMixtureTests
{
    [Fact]
    public void A_share_of_each_batch_is_passkey_windows_whose_targets_are_their_next_tokens()
    {
        var train = CharacterVocabulary.Encode(string.Concat(Enumerable.Repeat("Liberty and union, now and forever. ", 100)));
        var (inputs, targets, weights) = new PasskeyMixture(train, 128, 8, 0.25).Batch(new SplitMix64(3));

        Assert.Equal([8, 1, 1, 128], inputs.shape);
        Assert.Equal([8, 1, 128], targets.shape);
        var texts = Enumerable.Range(0, 8).Select(b => CharacterVocabulary.Decode([.. inputs[b].flatten().data<long>().Select(t => (byte)t)])).ToList();
        Assert.Equal(2, texts.Count(t => t.Contains("The pass key is", StringComparison.Ordinal)));
        Assert.All(texts.Skip(6), t => Assert.Contains("What is the pass key? The pass key is", t, StringComparison.Ordinal));
        Assert.True(inputs[7, 0, 0].narrow(0, 1, 127).eq(targets[7, 0].narrow(0, 0, 127)).all().item<bool>()); // each target the next input

        // The key's five digits weigh as much as a window of text; everything else 1.
        Assert.NotNull(weights);
        var expected = ones(8, 1, 128);
        expected[6.., .., 123..] = 128 / 5.0;
        Assert.True(weights.allclose(expected));
        Assert.Matches("^[0-9]{5}$", CharacterVocabulary.Decode([.. targets[7, 0, 123..].data<long>().Select(t => (byte)t)]));
    }
}
