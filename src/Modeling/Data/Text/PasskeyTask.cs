using System.Globalization;

namespace AutoDesign.Modeling.Data.Text;

/// <summary>One retrieval probe: <see cref="PasskeyTask.Tokens"/> + 1 tokens (a window and its next token), the key's five digits last.</summary>
public sealed record PasskeyWindow(byte[] Tokens, string Key, int NeedleAt)
{
    /// <summary>Where the key's first digit is among the tokens; the model predicts it from the position before.</summary>
    public int KeyStart => Tokens.Length - Key.Length;
}

/// <summary>
/// The passkey retrieval probe of the long-context literature (Mohtashami and Jaggi, 2023): filler text from a corpus
/// with one sentence stating a random five-digit key at a chosen depth, and at the end a prompt that the key
/// completes. A model retrieves the key when its most likely next token at each of the key's positions is the key's
/// digit (teacher-forced; greedy decoding writes the key exactly when every digit is right).
/// </summary>
public static class PasskeyTask
{
    public const int KeyLength = 5;

    /// <summary>The shortest context a window fits in: the needle and the prompt, without filler.</summary>
    public static int ShortestContext { get; } = Needle("00000").Length + Prompt("00000").Length - 1;

    private static byte[] Needle(string key) => CharacterVocabulary.Encode($" The pass key is {key}. Remember it. {key} is the pass key. ");

    private static byte[] Prompt(string key) => CharacterVocabulary.Encode($" What is the pass key? The pass key is {key}");

    /// <summary><paramref name="count"/> windows with their needles at depths spread evenly from 0 to 1, from one seed.</summary>
    public static IReadOnlyList<PasskeyWindow> Spread(byte[] filler, int context, int count, ulong seed)
    {
        var random = new SplitMix64(seed);
        return [.. Enumerable.Range(0, count).Select(i => Make(filler, context, count == 1 ? 0.5 : (double)i / (count - 1), random))];
    }

    /// <summary>A window of <paramref name="context"/> tokens (and the next) with the needle at <paramref name="depth"/> of the filler (0: first, 1: just before the prompt).</summary>
    public static PasskeyWindow Make(byte[] filler, int context, double depth, SplitMix64 random)
    {
        if (depth is < 0 or > 1 || double.IsNaN(depth)) throw new ArgumentOutOfRangeException(nameof(depth), depth, "a depth is between 0 and 1");
        string key = (10_000 + random.NextInt(90_000)).ToString(CultureInfo.InvariantCulture);
        var (needle, prompt) = (Needle(key), Prompt(key));
        int fill = context + 1 - needle.Length - prompt.Length;
        if (fill < 0) throw new ArgumentException($"a context of {context} tokens cannot hold the {needle.Length}-token needle and the {prompt.Length}-token prompt", nameof(context));
        if (filler.Length <= fill) throw new ArgumentException($"{filler.Length:N0} tokens of filler are fewer than the {fill:N0} a window needs", nameof(filler));
        int start = random.NextInt(filler.Length - fill), at = (int)Math.Round(depth * fill);
        var tokens = new byte[context + 1];
        filler.AsSpan(start, at).CopyTo(tokens);
        needle.CopyTo(tokens, at);
        filler.AsSpan(start + at, fill - at).CopyTo(tokens.AsSpan(at + needle.Length));
        prompt.CopyTo(tokens, fill + needle.Length);
        return new PasskeyWindow(tokens, key, at);
    }
}
