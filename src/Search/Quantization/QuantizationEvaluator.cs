using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Quantization;
using AutoDesign.Modeling.Specs;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using static TorchSharp.torch;

namespace AutoDesign.Search.Quantization;

/// <summary>
/// Scores precision policies: a fresh copy of the trained network is fake-quantized (clipping values calibrated once
/// per layer and bit-width), fine-tuned with quantization in the loop on a fixed set of training images for one pass
/// (if any), and evaluated on a fixed validation subset. The images are converted to tensors once.
/// </summary>
public sealed class QuantizationEvaluator : IDisposable
{
    private readonly ModelSpec _spec;
    private readonly Dictionary<string, Tensor> _weights;
    private readonly ActivationStatistics _statistics;
    private readonly PreparedBatches _validation;
    private readonly PreparedBatches? _fineTune;
    private readonly double _learningRate;

    public QuantizationEvaluator(SpecNetwork trained, Dataset data, float[] mean, float[] std, QuantizationSetup setup)
    {
        _spec = trained.Spec;
        _weights = trained.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone().DetachFromDisposeScope());
        using (var calibration = new PreparedBatches(data.Train.Sample(setup.CalibrationImages, setup.Seed), mean, std, setup.CalibrationImages))
            _statistics = new ActivationStatistics(trained, calibration.Batches[0].Images, setup.Calibration, setup.Seed);
        _validation = new PreparedBatches(data.Validation.Sample(setup.ValidationImages), mean, std);
        if (setup.FineTuneImages > 0)
            _fineTune = new PreparedBatches(data.Train.Sample(setup.FineTuneImages, setup.Seed + 1), mean, std, batchSize: 64);
        _learningRate = setup.FineTuneLearningRate;
        FloatAccuracy = _validation.Accuracy(trained);
    }

    /// <summary>The unquantized network's accuracy on the validation subset (HAQ's reward compares with it).</summary>
    public double FloatAccuracy { get; }

    public int ValidationImages => _validation.Count;

    public CalibrationMethod Calibration => _statistics.Method;

    public double Accuracy(PrecisionPolicy policy)
    {
        using var network = Quantized(policy);
        return _validation.Accuracy(network);
    }

    /// <summary>The fine-tuned, fake-quantized network of a policy; the caller disposes it.</summary>
    public SpecNetwork Quantized(PrecisionPolicy policy)
    {
        var network = new SpecNetwork(_spec);
        using (no_grad())
            foreach (var (name, tensor) in network.state_dict()) tensor.copy_(_weights[name]);
        network.Quantize(_statistics.For(policy));
        if (_fineTune is not null) FineTune(network, _fineTune, _learningRate);
        network.eval();
        return network;
    }

    /// <summary>One pass of quantization-aware fine-tuning (SGD with momentum 0.9) over the prepared batches.</summary>
    internal static void FineTune(SpecNetwork network, PreparedBatches batches, double learningRate)
    {
        network.train();
        using var optimizer = optim.SGD(network.parameters(), learningRate, momentum: 0.9);
        foreach (var (images, labels) in batches.Batches)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.cross_entropy(network.forward(images), labels).backward();
            optimizer.step();
        }
    }

    public void Dispose()
    {
        foreach (var tensor in _weights.Values) tensor.Dispose();
        _validation.Dispose();
        _fineTune?.Dispose();
    }
}

/// <summary>Images and settings of a <see cref="QuantizationEvaluator"/>.</summary>
public sealed record QuantizationSetup(int CalibrationImages, CalibrationMethod Calibration, int FineTuneImages, double FineTuneLearningRate, int ValidationImages, ulong Seed);
