using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Data.Text;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Modeling.Zoo;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Training;

/// <summary>A small GPT on the State of the Union corpus: it learns more than character frequencies, resumes exactly, and is scored by perplexity.</summary>
public sealed class LanguageModelTrainerTests : IDisposable
{
    private readonly TestDataFolder _data = new();
    private static readonly InputSpec Context32 = InputSpec.Tokens(32, CharacterVocabulary.Size);
    private static readonly TrainingOptions Quick = new()
    {
        Epochs = 2, StepsPerEpoch = 40, BatchSize = 16, Optimizer = OptimizerKind.AdamW, LearningRate = 3e-3, WeightDecay = 0.01, WarmupSteps = 5, Augment = false,
    };

    public void Dispose() => _data.Dispose();

    private static SpecNetwork Gpt()
    {
        manual_seed(21);
        return new SpecNetwork(ModelZoo.Create("gpt-w0.25-d0.5", Context32, CharacterVocabulary.Size));
    }

    // The perplexity of the validation text under the training text's character frequencies (add-one smoothed).
    private static double UnigramPerplexity(TextCorpus corpus)
    {
        var counts = new double[CharacterVocabulary.Size];
        foreach (byte t in corpus.Train) counts[t]++;
        double total = counts.Sum() + counts.Length;
        return Math.Exp(-corpus.Validation.Average(t => Math.Log((counts[t] + 1) / total)));
    }

    [Fact]
    public void A_small_gpt_learns_more_than_the_character_frequencies()
    {
        var corpus = DatasetCatalog.LoadText("sotu", _data.Folder);
        using var network = Gpt();

        var history = new LanguageModelTrainer(NullLogger.Instance).Train(network, corpus, Quick);

        double unigram = UnigramPerplexity(corpus);
        var validation = TextEvaluation.Of(network, corpus.Validation, 32, maxWindows: 256);
        Assert.Equal(2, history.Count);
        Assert.True(history[1].TrainLoss < history[0].TrainLoss);
        Assert.InRange(unigram, 15, 40); // English letters: about 4.2 to 4.4 bits
        Assert.True(validation.Perplexity < 0.8 * unigram, $"perplexity {validation.Perplexity:F2} against {unigram:F2} from character frequencies");
        Assert.Equal(history[1].ValidationPerplexity!.Value, validation.Perplexity, 6);
    }

    [Fact]
    public void An_interrupted_training_resumes_after_its_last_epoch_and_ends_where_an_uninterrupted_one_does()
    {
        var corpus = DatasetCatalog.LoadText("sotu", _data.Folder);
        string checkpoint = Path.Combine(_data.Root, "lm-checkpoint");
        var trainer = new LanguageModelTrainer(NullLogger.Instance);

        using var cancel = new CancellationTokenSource();
        using (var interrupted = Gpt())
            Assert.Throws<OperationCanceledException>(() => trainer.Train(interrupted, corpus, Quick, checkpoint, onEpoch: _ => cancel.Cancel(), cancellation: cancel.Token));
        var epochsRun = new List<int>();
        using var resumed = Gpt();
        var history = trainer.Train(resumed, corpus, Quick, checkpoint, onEpoch: e => epochsRun.Add(e.Epoch));
        using var straight = Gpt();
        trainer.Train(straight, corpus, Quick);

        Assert.Equal([2], epochsRun);
        Assert.Equal([1, 2], history.Select(h => h.Epoch));
        foreach (var (name, weight) in straight.state_dict())
            Assert.True(weight.allclose(resumed.state_dict()[name], rtol: 1e-3, atol: 1e-4), $"{name} differs after resuming");
    }

    [Fact]
    public void A_model_that_scores_every_token_alike_has_the_vocabularys_size_as_perplexity()
    {
        using var network = Gpt();
        using (no_grad())
            foreach (var (name, p) in network.named_parameters().Where(p => p.name.StartsWith("head.", StringComparison.Ordinal)))
                p.zero_();
        var stream = CharacterVocabulary.Encode(string.Concat(Enumerable.Repeat("State of the Union. ", 20)));

        var score = TextEvaluation.Of(network, stream, 32);

        Assert.Equal(CharacterVocabulary.Size, score.Perplexity, 3);
        Assert.Equal(Math.Log(CharacterVocabulary.Size), score.Loss, 5);
        Assert.Equal((stream.Length - 1) / 32 * 32, score.Tokens); // whole windows only
        Assert.Equal(0, score.Accuracy); // every tie goes to token 0, which this text never has
    }
}
