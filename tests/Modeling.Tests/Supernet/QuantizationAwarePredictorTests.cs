using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Supernet;

namespace AutoDesign.Modeling.Tests.Supernet;

public sealed class QuantizationAwarePredictorTests
{
    private static readonly int[] Bits = [4, 6, 8];

    /// <summary>A made-up accuracy at given bits: the full-precision one (<see cref="AccuracyPredictorTests.Synthetic"/>) less a cost per layer below 8 bits, larger for activations and for 4 bits.</summary>
    private static List<QuantizedAccuracySample> Synthetic(SubnetSpace space, int count, ulong seed)
    {
        var random = new SplitMix64(seed);
        var layers = SubnetPrecision.LayerNames(space.Layout).Count;
        return AccuracyPredictorTests.Synthetic(space, count, seed).Select(s =>
        {
            var bits = new SubnetPrecision(Enumerable.Range(0, layers).Select(_ => new Precision(Bits[random.NextInt(3)], Bits[random.NextInt(3)])).ToList());
            var active = SubnetPrecision.Active(space.Layout, s.Choice);
            double penalty = bits.Layers.Where((_, i) => active[i]).Sum(p => Loss(p.WeightBits) + 2 * Loss(p.ActivationBits));
            return new QuantizedAccuracySample(s.Choice, bits, s.Accuracy - penalty);
        }).ToList();
    }

    private static double Loss(int bits) => bits switch { 4 => 0.004, 6 => 0.001, _ => 0 };

    [Fact]
    public void A_transferred_predictor_starts_as_the_full_precision_one_whatever_the_bits()
    {
        var space = new SubnetSpace(SupernetFixtures.Small);
        using var fullPrecision = MlpAccuracyPredictor.Fit(space.Layout, AccuracyPredictorTests.Synthetic(space, 60, 1), new MlpAccuracyPredictor.Settings { Epochs = 20 });
        var quantized = Synthetic(space, 10, 2);

        using var transferred = QuantizationAwarePredictor.Fit(space.Layout, Bits, quantized, fullPrecision, new MlpAccuracyPredictor.Settings { Epochs = 0 });

        Assert.True(transferred.Transferred);
        foreach (var sample in quantized)
            Assert.Equal(fullPrecision.Predict(sample.Choice), transferred.Predict(sample.Choice, sample.Bits), 5);
    }

    [Fact]
    public void Transferred_from_the_full_precision_predictor_it_predicts_better_from_few_quantized_samples_than_from_scratch()
    {
        var space = new SubnetSpace(SupernetFixtures.Small);
        using var fullPrecision = MlpAccuracyPredictor.Fit(space.Layout, AccuracyPredictorTests.Synthetic(space, 300, 1), new MlpAccuracyPredictor.Settings { Epochs = 100 });
        var train = Synthetic(space, 40, 2);
        var test = Synthetic(space, 100, 3);
        var settings = new MlpAccuracyPredictor.Settings { Epochs = 100 };

        using var transferred = QuantizationAwarePredictor.Fit(space.Layout, Bits, train, fullPrecision, QuantizationAwarePredictor.Transferring(1));
        using var scratch = QuantizationAwarePredictor.Fit(space.Layout, Bits, train, null, settings);

        double Error(QuantizationAwarePredictor p) => test.Average(s => Math.Abs(p.Predict(s.Choice, s.Bits) - s.Accuracy));
        var actual = test.Select(s => s.Accuracy).ToArray();
        double Rank(QuantizationAwarePredictor p) => MathNet.Numerics.Statistics.Correlation.Spearman(test.Select(s => p.Predict(s.Choice, s.Bits)).ToArray(), actual);
        Assert.True(Error(transferred) < Error(scratch), $"mean absolute error {Error(transferred):F4} transferred, {Error(scratch):F4} from scratch");
        Assert.True(Rank(transferred) > Rank(scratch), $"Spearman {Rank(transferred):F3} transferred, {Rank(scratch):F3} from scratch");
    }

    [Fact]
    public void The_bits_of_a_sub_network_become_a_policy_over_its_own_layers_with_the_stem_and_classifier_at_8_bits()
    {
        var layout = SupernetFixtures.Small;
        var space = new SubnetSpace(layout);
        var choice = space.Smallest;
        var names = SubnetPrecision.LayerNames(layout);
        var bits = new SubnetPrecision(names.Select((_, i) => new Precision(4 + i % 3, 6)).ToList());

        var policy = bits.Policy(layout, choice);

        var spec = SubnetExtraction.Spec(layout, choice, "probe");
        policy.Validate(spec);
        var weighted = spec.Layers.Where(l => l.HasWeights).Select(l => l.Name).ToList();
        Assert.Equal(weighted.Except(["stem", "fc"]).Order(), policy.Layers.Keys.Order());
        Assert.Equal(new Precision(8, 8), policy.For("stem"));
        Assert.Equal(new Precision(8, 8), policy.For("fc"));
        int at = names.ToList().IndexOf("s1b2_dw");
        Assert.Equal(bits.Layers[at], policy.For("s1b2_dw"));
        Assert.DoesNotContain("s1b3_dw", policy.Layers.Keys); // depth 2 leaves the third block out
    }
}
