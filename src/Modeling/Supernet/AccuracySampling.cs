using Microsoft.Extensions.Logging;

namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// Builds an accuracy predictor's data set: distinct sub-networks drawn from a seeded generator (the largest and the
/// smallest first), each scored by a <see cref="SubnetEvaluator"/>. The file in the output folder is rewritten every
/// few samples; a later call with the same seed continues it, so a killed run loses little.
/// </summary>
public sealed class AccuracySampling(ILogger logger)
{
    public AccuracySampleFile Collect(
        SuperNetwork supernet,
        SubnetEvaluator evaluator,
        string dataset,
        int recalibrationImages,
        int count,
        string directory,
        ulong seed = 1,
        Action<AccuracySample>? onSample = null,
        CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var space = supernet.Space;
        var file = AccuracySampleFile.TryLoad(directory) ?? new AccuracySampleFile(supernet.Layout, dataset, evaluator.ValidationImages, recalibrationImages, []);
        if (file.Dataset != dataset || !new SubnetSpace(file.Layout).Decisions.SequenceEqual(space.Decisions, DecisionComparer.Instance))
            throw new InvalidOperationException($"{Path.Combine(directory, AccuracySampleFile.JsonName)} holds samples of another super-network or data set");

        var done = file.Samples.Select(s => space.Canonical(s.Choice)).ToHashSet();
        var plan = Plan(space, count, seed);
        int sinceSave = 0;
        foreach (var choice in plan)
        {
            if (done.Contains(choice)) continue;
            cancellation.ThrowIfCancellationRequested();
            var score = evaluator.Evaluate(supernet, choice);
            var sample = new AccuracySample(choice, space.Encode(choice), score.Accuracy, score.Macs, score.Params);
            file.Samples.Add(sample);
            done.Add(choice);
            onSample?.Invoke(sample);
            logger.LogDebug("Sub-network {Count}/{Total} {Choice}: {Accuracy:P2}, {Macs:N0} MACs", file.Samples.Count, count, choice, score.Accuracy, score.Macs);
            if (++sinceSave >= 10)
            {
                file.Save(directory);
                sinceSave = 0;
            }
        }
        file.Save(directory);
        logger.LogInformation("{Count} sub-networks measured into {Directory}", file.Samples.Count, directory);
        return file;
    }

    /// <summary>The sub-networks a collection of <paramref name="count"/> measures, in order: fixed by the seed alone.</summary>
    public static IReadOnlyList<SubnetChoice> Plan(SubnetSpace space, int count, ulong seed)
    {
        var random = new SplitMix64(seed);
        var plan = new List<SubnetChoice>();
        var seen = new HashSet<SubnetChoice>();
        foreach (var fixedChoice in new[] { space.Largest, space.Smallest })
            if (plan.Count < count && seen.Add(space.Canonical(fixedChoice))) plan.Add(space.Canonical(fixedChoice));
        for (int attempts = 0; plan.Count < count && attempts < count * 100; attempts++)
        {
            var choice = space.Canonical(space.Sample(random));
            if (seen.Add(choice)) plan.Add(choice);
        }
        return plan;
    }

    private sealed class DecisionComparer : IEqualityComparer<SubnetDecision>
    {
        public static readonly DecisionComparer Instance = new();

        public bool Equals(SubnetDecision? x, SubnetDecision? y) => x is not null && y is not null && x.Name == y.Name && x.Values.SequenceEqual(y.Values);

        public int GetHashCode(SubnetDecision obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
