using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Modeling.Zoo;
using AutoDesign.Search.Agents;
using AutoDesign.Search.Pruning;
using static TorchSharp.torch;

namespace AutoDesign.Search.Tests.Pruning;

public sealed class PruningEvaluatorTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Theory]
    [InlineData("lenet5")]            // its first conv and pool are shared by every candidate: they are computed once
    [InlineData("resnet20-w0.5")]     // batch norm folded into every conv
    [InlineData("mobilenetv2-small-w0.5")]
    public void A_candidate_scores_what_its_pruned_network_scores(string model)
    {
        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        var validation = mnist.Validation.Sample(600);
        manual_seed(4);
        using var network = new SpecNetwork(ModelZoo.Create(model, new InputSpec(1, 28, 28), 10));
        using (no_grad())
            foreach (var (key, buffer) in network.named_buffers())
                if (key.EndsWith("running_var", StringComparison.Ordinal)) buffer.uniform_(0.5, 2.0);
        using var evaluator = new PruningEvaluator(network, validation, mnist.Mean, mnist.Std);
        using var batches = new PreparedBatches(validation, mnist.Mean, mnist.Std);
        var space = new PruningSpace(network.Spec);

        foreach (var candidate in new RandomAgent(space, seed: 9).Ask(4))
        {
            var policy = space.PolicyFor(candidate.Actions);
            var score = evaluator.Score(policy);

            using var pruned = ChannelPruner.Prune(network, policy);
            Assert.Equal(batches.Accuracy(pruned), score.Accuracy); // the modules, unfolded, in eval mode
            Assert.Equal(pruned.Analysis.Macs, score.Macs);
        }
    }
}
