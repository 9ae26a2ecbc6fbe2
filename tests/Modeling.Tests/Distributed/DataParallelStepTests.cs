using AutoDesign.Modeling.Distributed;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Distributed;

public sealed class DataParallelStepTests
{
    [Fact]
    public void Two_workers_exchanging_dense_gradients_step_as_one_worker_on_the_whole_batch_and_stay_identical()
    {
        manual_seed(2);
        using var inputs = randn(8, 6);
        using var labels = tensor(new long[] { 0, 1, 2, 0, 1, 2, 2, 1 });
        var workers = Enumerable.Range(0, 2).Select(_ => Model(seed: 5)).ToList();
        var single = Model(seed: 5);
        using var optimizer = optim.SGD(single.parameters(), 0.1, momentum: 0.9, weight_decay: 5e-4, nesterov: true);
        var steps = workers.Select(w => new DataParallelStep([.. w.parameters()], GradientCompression.Dense, 0.9, 5e-4, nesterov: true)).ToList();
        var compressors = workers.Select(w => new GradientCompressor([.. w.parameters()], GradientCompression.Dense, 2, 0.9, nesterov: true)).ToList();

        for (int step = 0; step < 4; step++)
        {
            var messages = workers.Select((w, rank) =>
            {
                w.zero_grad();
                nn.functional.cross_entropy(w.forward(inputs[(4 * rank)..(4 * rank + 4)]), labels[(4 * rank)..(4 * rank + 4)]).backward();
                return compressors[rank].Compress([.. w.parameters().Select(p => p.grad!)], epoch: 0);
            }).ToList();
            foreach (var s in steps) s.Apply(messages, 0.1);

            optimizer.zero_grad();
            nn.functional.cross_entropy(single.forward(inputs), labels).backward();
            optimizer.step();
        }

        var a = workers[0].parameters().Select(p => p.data<float>().ToArray()).ToList();
        var b = workers[1].parameters().Select(p => p.data<float>().ToArray()).ToList();
        Assert.Equal(a, b); // bit for bit
        foreach (var (mine, reference) in a.Zip(single.parameters().Select(p => p.data<float>().ToArray())))
            for (int i = 0; i < mine.Length; i++) Assert.Equal(reference[i], mine[i], 5);
    }

    [Fact]
    public void Momentum_corrected_gradients_sent_in_full_step_as_momentum_sgd_with_weight_decay()
    {
        var everything = new GradientCompression { Density = 0.999, MomentumFactorMasking = false, ClipNorm = 0, WarmupEpochs = 0 };
        manual_seed(3);
        using var inputs = randn(8, 6);
        using var labels = tensor(new long[] { 0, 1, 2, 0, 1, 2, 2, 1 });
        var worker = Model(seed: 9);
        var reference = Model(seed: 9);
        using var optimizer = optim.SGD(reference.parameters(), 0.05, momentum: 0.9, weight_decay: 1e-2, nesterov: true);
        using var compressor = new GradientCompressor([.. worker.parameters()], everything, 1, 0.9, nesterov: true);
        using var update = new DataParallelStep([.. worker.parameters()], everything, 0.9, 1e-2, nesterov: true);

        for (int step = 0; step < 5; step++)
        {
            worker.zero_grad();
            nn.functional.cross_entropy(worker.forward(inputs), labels).backward();
            var message = compressor.Compress([.. worker.parameters().Select(p => p.grad!)], epoch: 0);
            Assert.All(message.Layers, l => Assert.Equal(l.Count, l.Values.Length)); // every entry sent
            update.Apply([message], 0.05);

            optimizer.zero_grad();
            nn.functional.cross_entropy(reference.forward(inputs), labels).backward();
            optimizer.step();
        }

        foreach (var (mine, theirs) in worker.parameters().Zip(reference.parameters()))
            Assert.Equal(0, (mine - theirs).abs().max().item<float>(), 5);
    }

    private static nn.Module<Tensor, Tensor> Model(int seed)
    {
        manual_seed(seed);
        return nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 3));
    }
}
