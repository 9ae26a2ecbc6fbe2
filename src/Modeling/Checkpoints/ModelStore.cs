using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Training;

namespace AutoDesign.Modeling.Checkpoints;

/// <summary>
/// The model cache under the data folder's models/: one <see cref="SavedModel"/> folder per (spec, data set,
/// training options), named so that a person can tell them apart, and a .training folder beside it while it trains.
/// </summary>
public sealed partial class ModelStore(DataFolder folder)
{
    public string Root => folder.Models;

    [GeneratedRegex("[^a-z0-9.-]+")]
    private static partial Regex Unsafe();

    public string KeyFor(string model, ModelSpec spec, string dataset, TrainingOptions options)
    {
        string identity = $"{spec.ContentHash()}|{dataset}|{JsonSerializer.Serialize(options)}";
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..12];
        return $"{Slug(model)}__{Slug(dataset)}__{hash}";
    }

    public string PathOf(string key) => Path.Combine(Root, key);

    public string TrainingPathOf(string key) => Path.Combine(Root, key + ".training");

    /// <summary>
    /// Holds the entry for one trainer at a time, across threads and processes sharing the data folder (an advisory
    /// lock on a file beside it), so a second job wanting the same base model waits for it rather than train it again.
    /// </summary>
    public IDisposable Lock(string key, CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(Root);
        string path = Path.Combine(Root, key + ".lock");
        while (true)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException e) when (IsHeldElsewhere(e)) { }
            if (cancellation.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(200))) cancellation.ThrowIfCancellationRequested();
        }
    }

    // .NET reports a lock held elsewhere with the errno EWOULDBLOCK on Linux, ERROR_SHARING_VIOLATION on Windows.
    private static bool IsHeldElsewhere(IOException e) => e.HResult is 11 or unchecked((int)0x80070020);

    public SavedModel? TryGet(string key) => SavedModel.IsSavedModel(PathOf(key)) ? SavedModel.Load(PathOf(key)) : null;

    /// <summary>Every finished model in the store, newest first.</summary>
    public IReadOnlyList<SavedModel> All() =>
        !Directory.Exists(Root)
            ? []
            : Directory.GetDirectories(Root).Where(d => !d.EndsWith(".training", StringComparison.Ordinal) && SavedModel.IsSavedModel(d))
                .Select(SavedModel.Load).OrderByDescending(m => m.Card.CreatedAt).ToList();

    /// <summary>Every finished model of this name on this data set, newest first.</summary>
    public IReadOnlyList<SavedModel> Find(string model, string dataset)
    {
        if (!Directory.Exists(Root)) return [];
        string prefix = $"{Slug(model)}__{Slug(dataset)}__";
        return Directory.GetDirectories(Root, prefix + "*")
            .Where(d => !d.EndsWith(".training", StringComparison.Ordinal) && SavedModel.IsSavedModel(d))
            .Select(SavedModel.Load)
            .Where(m => m.Card.Model == model && m.Card.Dataset == dataset)
            .OrderByDescending(m => m.Card.CreatedAt)
            .ToList();
    }

    private static string Slug(string text)
    {
        string slug = Unsafe().Replace(text.ToLowerInvariant(), "-").Trim('-');
        return slug.Length <= 40 ? slug : slug[^40..];
    }
}
