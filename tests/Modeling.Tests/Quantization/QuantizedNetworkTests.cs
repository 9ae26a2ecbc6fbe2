using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Quantization;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Modeling.Zoo;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Tests.Quantization;

public sealed class QuantizedNetworkTests : IDisposable
{
    private readonly TestDataFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void Eight_bits_keep_a_trained_network_s_accuracy_and_two_bits_do_not()
    {
        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        manual_seed(3);
        using var network = new SpecNetwork(ModelZoo.Create("lenet5", mnist.Info.Shape, 10));
        new Trainer(NullLogger.Instance).Train(network, mnist, new TrainingOptions
        {
            Epochs = 1, TrainLimit = 6_000, Optimizer = OptimizerKind.Adam, LearningRate = 1e-2, WeightDecay = 0, Augment = false,
        });
        using var validation = new PreparedBatches(mnist.Validation.Sample(1_000), mnist.Mean, mnist.Std);
        using var calibration = new PreparedBatches(mnist.Train.Sample(256), mnist.Mean, mnist.Std, batchSize: 256);
        double full = validation.Accuracy(network);
        var statistics = new ActivationStatistics(network, calibration.Batches[0].Images, CalibrationMethod.Mse);

        network.Quantize(statistics.For(PrecisionPolicy.Uniform(8, 8)));
        double w8a8 = validation.Accuracy(network);
        network.Quantize(statistics.For(PrecisionPolicy.Uniform(2, 2)));
        double w2a2 = validation.Accuracy(network);
        network.Quantize(null);

        Assert.InRange(w8a8, full - 0.01, full + 0.01);
        Assert.True(w2a2 < full - 0.05, $"W2A2 {w2a2:P1} vs float {full:P1}");
        Assert.Equal(full, validation.Accuracy(network), 9); // quantization switched off again
        Assert.False(statistics.IsSigned("conv2")); // after a ReLU
        Assert.True(statistics.IsSigned("conv1"));  // the normalised image
    }

    [Fact]
    public void The_calibration_sample_does_not_depend_on_how_many_images_run_at_once()
    {
        var mnist = DatasetCatalog.Load("mnist", _data.Folder);
        manual_seed(5);
        using var network = new SpecNetwork(ModelZoo.Create("lenet5", mnist.Info.Shape, 10));
        using var calibration = new PreparedBatches(mnist.Train.Sample(300), mnist.Mean, mnist.Std, batchSize: 300);
        var images = calibration.Batches[0].Images;
        var whole = new ActivationStatistics(network, images, CalibrationMethod.Mse, seed: 9, chunkImages: 300);
        var layers = network.Spec.Layers.Where(l => l.Op is LayerOp.Conv or LayerOp.Linear).Select(l => l.Name).ToList();
        foreach (int chunk in new[] { 32, 7 })
        {
            var chunked = new ActivationStatistics(network, images, CalibrationMethod.Mse, seed: 9, chunkImages: chunk);
            foreach (var layer in layers)
            {
                Assert.Equal(whole.IsSigned(layer), chunked.IsSigned(layer));
                // the same activations up to float rounding (a batch of another size may take another convolution kernel)
                foreach (int bits in new[] { 2, 4, 8 })
                    Assert.Equal(whole.ClipFor(layer, bits), chunked.ClipFor(layer, bits), tolerance: 1e-5 * Math.Abs(whole.ClipFor(layer, bits)));
            }
        }
        var otherSeed = new ActivationStatistics(network, images, CalibrationMethod.Mse, seed: 10);
        Assert.Contains(layers, layer => whole.ClipFor(layer, 4) != otherSeed.ClipFor(layer, 4)); // the layers are sampled, not taken whole
    }
}
