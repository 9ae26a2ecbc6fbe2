using System.Text.Json;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Search.Architecture;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Kinds.Codesign;

/// <summary>
/// The designs a joint search's predictor learns the cost of bits from: distinct designs drawn from the job's seed
/// (every decision uniform, with no constraint: the predictor must know the whole space), each measured at its bits.
/// With a work folder each measured one is appended to a file there, so a resumed job measures only the rest.
/// </summary>
public static class QuantizedSampling
{
    public const string FileName = "quantized-samples.jsonl";

    // The file's first line; each measured design is one more line, appended as it is measured.
    private sealed record Header(int Seed);

    /// <summary>The designs a collection of <paramref name="count"/> measures, in order: fixed by the space and the seed.</summary>
    public static IReadOnlyList<int[]> Plan(CodesignSpace space, int count, int seed)
    {
        var random = new SplitMix64((ulong)seed + 0x5A17);
        var plan = new List<int[]>();
        var seen = new HashSet<string>();
        for (int draws = 0; plan.Count < count && draws < count * 100; draws++)
        {
            var design = space.Canonical([.. space.Decisions.Select(d => random.NextInt(d.Choices.Count))]);
            if (seen.Add(ChoiceVector.Key(design))) plan.Add(design);
        }
        return plan;
    }

    public static IReadOnlyList<QuantizedAccuracySample> Collect(CodesignSpace space, Func<SubnetChoice, SubnetPrecision, double> measure, int count, int seed,
        string workDirectory, ILogger logger, CancellationToken cancellation)
    {
        var plan = Plan(space, count, seed);
        string? path = string.IsNullOrEmpty(workDirectory) ? null : Path.Combine(workDirectory, FileName);
        var (samples, intact) = path is null ? ([], true) : Load(path, space, plan, seed);
        if (samples.Count > 0) logger.LogInformation("{Count} of {Total} designs were measured at their bits before the job stopped", samples.Count, plan.Count);
        if (path is not null && !intact) Rewrite(path, seed, samples);
        while (samples.Count < plan.Count)
        {
            cancellation.ThrowIfCancellationRequested();
            var (choice, bits) = space.Design(plan[samples.Count]);
            var sample = new QuantizedAccuracySample(choice, bits, measure(choice, bits));
            samples.Add(sample);
            if (path is not null) File.AppendAllText(path, JsonSerializer.Serialize(sample, AutoDesignJson.Options) + "\n");
            if (samples.Count % 10 == 0 || samples.Count == plan.Count)
                logger.LogInformation("Measured {Count}/{Total} designs at their bits (last {Accuracy:P2})", samples.Count, plan.Count, sample.Accuracy);
        }
        return samples;
    }

    // The file's samples that are this plan's, in order, and whether the file holds nothing else (a line cut short by a
    // crash, another seed's or another space's designs). The plan of a smaller count is the start of a larger one's,
    // so a longer collection serves a shorter one and stays as it is.
    private static (List<QuantizedAccuracySample> Samples, bool Intact) Load(string path, CodesignSpace space, IReadOnlyList<int[]> plan, int seed)
    {
        if (!File.Exists(path)) return ([], false);
        var samples = new List<QuantizedAccuracySample>();
        try
        {
            var lines = File.ReadAllLines(path);
            if (lines.Length == 0 || JsonSerializer.Deserialize<Header>(lines[0], AutoDesignJson.Options)?.Seed != seed) return ([], false);
            foreach (string line in lines.Skip(1))
            {
                var sample = JsonSerializer.Deserialize<QuantizedAccuracySample>(line, AutoDesignJson.Options);
                if (sample is null || samples.Count >= plan.Count || !space.Encode(sample.Choice, sample.Bits).SequenceEqual(plan[samples.Count]))
                    return (samples, samples.Count >= plan.Count && sample is not null);
                samples.Add(sample);
            }
            return (samples, true);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NullReferenceException)
        {
            return (samples, false);
        }
    }

    private static void Rewrite(string path, int seed, IReadOnlyList<QuantizedAccuracySample> samples)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string staging = path + ".saving";
        File.WriteAllLines(staging, [JsonSerializer.Serialize(new Header(seed), AutoDesignJson.Options), .. samples.Select(s => JsonSerializer.Serialize(s, AutoDesignJson.Options))]);
        File.Move(staging, path, overwrite: true);
    }
}
