using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Data.Text;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Modeling.Zoo;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Training;

/// <summary>Staged long-context fine-tuning: each stage trains the model at its context, and the start is left as it was.</summary>
public class LongContextTrainingTests
{
    private static readonly byte[] Text = CharacterVocabulary.Encode(string.Concat(Enumerable.Range(0, 400).Select(i => $"Speech {i}: liberty and union, now and forever. ")));

    [Fact]
    public void Each_stage_trains_the_model_at_its_context_and_the_last_is_returned()
    {
        manual_seed(6);
        var info = new DatasetInfo("text", InputSpec.Tokens(128, CharacterVocabulary.Size), CharacterVocabulary.Size, Flippable: false, "test");
        var corpus = new TextCorpus(info, Text, Text[..4000], Text[..4000], "test");
        using var start = new SpecNetwork(ModelZoo.Create("gpt-w0.25-d0.5", info.Shape, CharacterVocabulary.Size));
        var before = start.parameters().Select(p => p.detach().clone()).ToList();
        var seen = new List<(ContextStage Stage, int Context, int Epochs)>();

        using var last = new LongContextTraining(NullLogger.Instance).Train(start, corpus, [new ContextStage(128, 4, 3), new ContextStage(192, 2, 3)],
            (stage, model, history) => seen.Add((stage, model.Spec.Input.Width, history.Count)));

        Assert.Equal([(new ContextStage(128, 4, 3), 128, 1), (new ContextStage(192, 2, 3), 192, 1)], seen);
        Assert.Equal(192, last.Spec.Input.Width);
        Assert.All(start.parameters().Zip(before), p => Assert.True(p.First.eq(p.Second).all().item<bool>()));
        var shared = last.parameters().Zip(start.parameters()).Where(p => p.First.shape.SequenceEqual(p.Second.shape)).ToList();
        Assert.NotEmpty(shared);
        Assert.All(shared, p => Assert.False(p.First.eq(p.Second).all().item<bool>())); // every weight of the same shape was trained
    }

    [Theory]
    [InlineData("1024x8:300", 1024, 8, 300)]
    [InlineData("128x32:600", 128, 32, 600)]
    public void A_stage_reads_context_batch_and_steps(string text, int context, int batch, int steps) =>
        Assert.Equal(new ContextStage(context, batch, steps), ContextStage.Parse(text));

    [Theory]
    [InlineData("1024x8")]
    [InlineData("1024:300")]
    [InlineData("0x8:300")]
    [InlineData("1024x8:0")]
    [InlineData("ax8:3")]
    public void A_bad_stage_says_the_form(string text) =>
        Assert.Contains("CONTEXTxBATCH:STEPS", Assert.Throws<FormatException>(() => ContextStage.Parse(text)).Message);
}
