using System.Text;

namespace AutoDesign.Modeling.Data.Text;

/// <summary>
/// The tokens of the character-level language models: 0 for a character outside the vocabulary, 1 for a line break,
/// then the 95 printable ASCII characters (space to '~') as 2-96. Typographic quotes and dashes become their ASCII
/// forms and Latin-1's accented letters lose their accents first, so that English prose keeps almost every character.
/// </summary>
public static class CharacterVocabulary
{
    public const byte Unknown = 0, LineBreak = 1;

    public const int Size = 2 + 95;

    public static byte[] Encode(string text)
    {
        var tokens = new byte[text.Length];
        int n = 0;
        foreach (char raw in text)
        {
            foreach (char c in Plain(raw)) // a character may become none (a combining accent) or, rarely, more
            {
                if (n == tokens.Length) Array.Resize(ref tokens, tokens.Length + 16);
                tokens[n++] = c == '\n' ? LineBreak : c is >= ' ' and <= '~' ? (byte)(c - ' ' + 2) : Unknown;
            }
        }
        return tokens[..n];
    }

    public static string Decode(ReadOnlySpan<byte> tokens)
    {
        var text = new StringBuilder(tokens.Length);
        foreach (byte t in tokens)
            text.Append(t switch
            {
                LineBreak => '\n',
                >= 2 and < Size => (char)(t - 2 + ' '),
                _ => '\uFFFD',
            });
        return text.ToString();
    }

    private static string Plain(char c) => c switch
    {
        '\u2018' or '\u2019' or '\u201B' or '\u2032' => "'",
        '\u201C' or '\u201D' or '\u201F' or '\u2033' => "\"",
        '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2014' or '\u2015' or '\u2212' => "-",
        '\u00A0' or '\t' => " ",
        '\r' => "",
        < '\u0080' => c.ToString(),
        _ when Accented.IndexOf(c) is >= 0 and int i => Unaccented[i].ToString(),
        _ => c.ToString(), // outside ASCII: unknown
    };

    // Latin-1's accented letters and their plain forms (a table rather than Unicode decomposition, which depends on
    // the globalization data the machine has).
    private const string Accented = "ÀÁÂÃÄÅàáâãäåÈÉÊËèéêëÌÍÎÏìíîïÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÑñÇçÝýÿ";
    private const string Unaccented = "AAAAAAaaaaaaEEEEeeeeIIIIiiiiOOOOOOooooooUUUUuuuuNnCcYyy";
}
