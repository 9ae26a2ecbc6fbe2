using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Modeling.Zoo;
using Microsoft.Extensions.Logging.Abstractions;

namespace AutoDesign.Modeling.Tests.Checkpoints;

public sealed class BaseModelsTests : IDisposable
{
    private readonly TestDataFolder _data = new();
    private static readonly TrainingOptions Quick = new() { Epochs = 1, TrainLimit = 2_000, Optimizer = OptimizerKind.Adam, LearningRate = 1e-2, Augment = false };

    public void Dispose() => _data.Dispose();

    [Fact]
    public void Only_a_saved_model_with_weights_counts_as_trained()
    {
        var spec = ModelZoo.Create("lenet5-w0.5", new InputSpec(1, 28, 28), 10);
        using var network = new SpecNetwork(spec);
        var card = new ModelCard { Model = "lenet5-w0.5", Dataset = "mnist", SpecHash = spec.ContentHash(), Macs = 1, Params = 1, Mean = [0.1f], Std = [0.3f] };
        SavedModel.Save(Path.Combine(new UploadedModels(_data.Folder).Root, "trained"), network, card);
        Directory.CreateDirectory(Path.Combine(new UploadedModels(_data.Folder).Root, "spec-only"));
        ModelSpecJson.Save(spec, Path.Combine(new UploadedModels(_data.Folder).Root, "spec-only", SavedModel.SpecFile));

        Assert.True(BaseModels.IsTrained("upload:trained", _data.Folder));
        Assert.False(BaseModels.IsTrained("upload:spec-only", _data.Folder)); // still to train
        Assert.False(BaseModels.IsTrained("upload:missing", _data.Folder));
        Assert.False(BaseModels.IsTrained("lenet5", _data.Folder));
        Assert.False(BaseModels.IsTrained("/etc", _data.Folder)); // outside the data folder: not read
    }

    [Fact]
    public void A_trained_model_is_saved_and_the_second_request_is_served_from_the_cache()
    {
        var models = new BaseModels(_data.Folder, NullLogger.Instance);

        var first = models.GetOrTrain("lenet5-w0.5", "mnist", Quick);
        var second = models.GetOrTrain("lenet5-w0.5", "mnist", Quick);
        var other = models.GetOrTrain("lenet5-w0.5", "mnist", Quick with { Seed = 2 });

        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.False(other.FromCache);
        Assert.Equal(first.Model.Directory, second.Model.Directory);
        Assert.NotEqual(first.Model.Directory, other.Model.Directory);
        Assert.False(Directory.Exists(models.Store.TrainingPathOf(Path.GetFileName(first.Model.Directory))));

        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        using var network = second.Model.CreateNetwork();
        double accuracy = Evaluation.Of(network, mnist.Test, second.Model.Card.Mean, second.Model.Card.Std).Accuracy;
        Assert.Equal(first.Model.Card.TestAccuracy!.Value, accuracy, 6);
        Assert.True(accuracy > 0.3, $"{accuracy:P1}"); // it learned (chance is 10 %); one short epoch from a random start varies a lot
        Assert.Equal(2, models.Store.Find("lenet5-w0.5", "mnist").Count);
    }

    [Fact]
    public void A_language_model_is_trained_on_the_corpus_cached_and_scored_by_perplexity_on_the_test_years()
    {
        var models = new BaseModels(_data.Folder, NullLogger.Instance);
        var options = TrainingOptions.RecipeFor("gpt") with { Epochs = 1, StepsPerEpoch = 4, BatchSize = 4, WarmupSteps = 1 };

        var first = models.GetOrTrain("gpt-w0.25-d0.5", "sotu", options);
        var second = models.GetOrTrain("gpt-w0.25-d0.5", "sotu", options);

        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        var card = second.Model.Card;
        Assert.Empty(card.Mean); // token ids are not normalised
        using var network = second.Model.CreateNetwork();
        var test = TextEvaluation.Of(network, DatasetCatalog.LoadText("sotu", _data.Folder).Test, network.Spec.Input.Width);
        Assert.Equal(card.TestPerplexity!.Value, test.Perplexity, 6);
        Assert.Equal(card.History[^1].ValidationPerplexity, card.ValidationPerplexity);
        Assert.InRange(test.Perplexity, 1, 200); // four steps barely move it from the vocabulary's 97
    }

    [Fact]
    public async Task Two_jobs_wanting_the_same_base_model_at_once_train_it_once()
    {
        var models = new BaseModels(_data.Folder, NullLogger.Instance);
        var options = Quick with { TrainLimit = 500 };

        var both = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => models.GetOrTrain("lenet5-w0.5", "mnist", options))));

        Assert.Single(both, r => !r.FromCache);
        Assert.Equal(both[0].Model.Directory, both[1].Model.Directory);
        using var network = both[1].Model.CreateNetwork(); // whole, not half replaced by a second save
    }

    [Fact]
    public void A_model_must_fit_the_data_set()
    {
        var models = new BaseModels(_data.Folder, NullLogger.Instance);
        var error = Assert.Throws<ArgumentException>(() => models.GetOrTrain("alexnet", "mnist", Quick));
        Assert.Contains("unknown model 'alexnet'", error.Message);
    }
}
