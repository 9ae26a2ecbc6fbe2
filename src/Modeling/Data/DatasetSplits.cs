namespace AutoDesign.Modeling.Data;

/// <summary>
/// The deterministic splits. Every shuffle is a Fisher-Yates pass driven by <see cref="SplitMix64"/> seeded with
/// <see cref="Seed"/>; the chosen indices are then sorted, so a split does not depend on anything but the files.
/// </summary>
public static class DatasetSplits
{
    public const ulong Seed = 42;

    /// <summary>
    /// Where a data set ships a train and a test part: the test part is kept; <paramref name="validationCount"/>
    /// training images (the first ones of a seeded permutation of the training indices) become the validation split.
    /// </summary>
    public static (ImageSet Train, ImageSet Validation, string Rule) HoldOut(ImageSet train, int validationCount)
    {
        var order = new SplitMix64(Seed).Permutation(train.Count);
        var validation = order[..validationCount].Order().ToArray();
        var rest = order[validationCount..].Order().ToArray();
        string rule = $"the published test set is the test split; validation = the first {validationCount:N0} indices of a " +
                      $"SplitMix64({Seed}) Fisher-Yates permutation of the {train.Count:N0} training images; train = the rest";
        return (train.Subset(rest), train.Subset(validation), rule);
    }

    /// <summary>
    /// Where a data set ships no split: within each class (in file order), a seeded permutation gives the first
    /// <paramref name="testPerClass"/> images to test, the next <paramref name="validationPerClass"/> to validation
    /// and the rest to train. Classes are visited in label order with one generator.
    /// </summary>
    public static (ImageSet Train, ImageSet Validation, ImageSet Test, string Rule) Stratified(
        ImageSet all, int testPerClass, int validationPerClass)
    {
        var random = new SplitMix64(Seed);
        List<int> train = [], validation = [], test = [];
        for (int label = 0; label < all.Classes; label++)
        {
            var members = Enumerable.Range(0, all.Count).Where(i => all.Labels[i] == label).ToArray();
            if (members.Length <= testPerClass + validationPerClass)
                throw new DatasetException($"class {label} has only {members.Length} images, too few for the split");
            random.Shuffle(members);
            test.AddRange(members[..testPerClass]);
            validation.AddRange(members[testPerClass..(testPerClass + validationPerClass)]);
            train.AddRange(members[(testPerClass + validationPerClass)..]);
        }
        string rule = $"per class in label order, a SplitMix64({Seed}) Fisher-Yates permutation of that class's images " +
                      $"(in file order) gives the first {testPerClass:N0} to test, the next {validationPerClass:N0} to validation, the rest to train";
        return (all.Subset(train.Order().ToArray()), all.Subset(validation.Order().ToArray()), all.Subset(test.Order().ToArray()), rule);
    }
}
