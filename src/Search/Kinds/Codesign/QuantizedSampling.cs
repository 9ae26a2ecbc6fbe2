using System.Text.Json;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Search.Architecture;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Kinds.Codesign;

/// <summary>
/// The designs a joint search's predictor learns the cost of bits from: distinct designs drawn from the job's seed
/// (every decision uniform, with no constraint: the predictor must know the whole space), each measured at its bits.
/// With a work folder the measured ones are written after each, so a resumed job measures only the rest.
/// </summary>
public static class QuantizedSampling
{
    public const string FileName = "quantized-samples.json";

    private sealed record SampleFile(int Seed, List<QuantizedAccuracySample> Samples);

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
        var samples = Load(path, space, plan, seed);
        if (samples.Count > 0) logger.LogInformation("{Count} of {Total} designs were measured at their bits before the job stopped", samples.Count, plan.Count);
        while (samples.Count < plan.Count)
        {
            cancellation.ThrowIfCancellationRequested();
            var (choice, bits) = space.Design(plan[samples.Count]);
            samples.Add(new QuantizedAccuracySample(choice, bits, measure(choice, bits)));
            if (path is not null) Save(path, new SampleFile(seed, samples));
            if (samples.Count % 10 == 0 || samples.Count == plan.Count)
                logger.LogInformation("Measured {Count}/{Total} designs at their bits (last {Accuracy:P2})", samples.Count, plan.Count, samples[^1].Accuracy);
        }
        return samples;
    }

    // Samples of another plan (another seed or space) are not this job's: they are measured again. The plan of a
    // smaller count is the start of a larger one's, so a longer collection serves a shorter one.
    private static List<QuantizedAccuracySample> Load(string? path, CodesignSpace space, IReadOnlyList<int[]> plan, int seed)
    {
        if (path is null || !File.Exists(path)) return [];
        try
        {
            var file = JsonSerializer.Deserialize<SampleFile>(File.ReadAllText(path), AutoDesignJson.Options);
            if (file is null || file.Seed != seed) return [];
            var samples = file.Samples.Take(plan.Count).ToList(); // a longer collection of the same seed starts with this one
            for (int i = 0; i < samples.Count; i++)
                if (!space.Encode(samples[i].Choice, samples[i].Bits).SequenceEqual(plan[i])) return [];
            return samples;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or IOException)
        {
            return [];
        }
    }

    private static void Save(string path, SampleFile file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string staging = path + ".saving";
        File.WriteAllText(staging, JsonSerializer.Serialize(file, AutoDesignJson.Options));
        File.Move(staging, path, overwrite: true);
    }
}
