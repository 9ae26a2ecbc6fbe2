using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Tests.Data;

public class SplitTests
{
    [Fact]
    public void SplitMix64_matches_the_reference_sequence()
    {
        // First outputs of the reference C implementation (Vigna, splitmix64.c) from state 0.
        var random = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, random.Next());
        Assert.Equal(0x6E789E6AA1B965F4UL, random.Next());
        Assert.Equal(0x06C45D188009454FUL, random.Next());
    }

    [Fact]
    public void A_long_draw_is_the_int_draw_where_both_apply_and_reaches_past_two_to_the_31()
    {
        var ints = new SplitMix64(5);
        var longs = new SplitMix64(5);
        for (int i = 0; i < 1000; i++) Assert.Equal(ints.NextInt(1_000_003), longs.NextLong(1_000_003));
        var wide = new SplitMix64(6);
        Assert.Contains(Enumerable.Range(0, 100).Select(_ => wide.NextLong(1L << 40)), v => v > int.MaxValue);
    }

    private static ImageSet Numbered(int count, int classes)
    {
        // Each image's single pixel holds its index (mod 256), its label is index mod classes.
        var pixels = Enumerable.Range(0, count).Select(i => (byte)i).ToArray();
        return new ImageSet(new InputSpec(1, 1, 1), classes, pixels, [.. Enumerable.Range(0, count).Select(i => (byte)(i % classes))]);
    }

    [Fact]
    public void Hold_out_is_disjoint_complete_and_repeatable()
    {
        var all = Numbered(200, 4);

        var (train, validation, rule) = DatasetSplits.HoldOut(all, 30);
        var (train2, validation2, _) = DatasetSplits.HoldOut(all, 30);

        Assert.Equal(170, train.Count);
        Assert.Equal(30, validation.Count);
        Assert.Equal(validation.Pixels, validation2.Pixels);
        Assert.Equal(train.Pixels, train2.Pixels);
        Assert.Empty(train.Pixels.Intersect(validation.Pixels));
        Assert.Contains("SplitMix64(42)", rule);
    }

    [Fact]
    public void Stratified_split_takes_the_same_number_from_every_class()
    {
        var all = Numbered(250, 5); // 50 per class

        var (train, validation, test, _) = DatasetSplits.Stratified(all, testPerClass: 10, validationPerClass: 5);

        Assert.All(test.CountPerClass(), n => Assert.Equal(10, n));
        Assert.All(validation.CountPerClass(), n => Assert.Equal(5, n));
        Assert.All(train.CountPerClass(), n => Assert.Equal(35, n));
        Assert.Equal(250, train.Pixels.Concat(validation.Pixels).Concat(test.Pixels).Distinct().Count());
    }
}
