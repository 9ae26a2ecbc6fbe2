using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Quantization;
using AutoDesign.Modeling.Supernet;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Quantization;
using static TorchSharp.torch;

namespace AutoDesign.Search.Kinds.Codesign;

/// <summary>
/// Measures a design at its bits, APQ's short quantization-aware recalibration: the sub-network is extracted with its
/// inherited weights, its batch norm re-estimated on fixed training images, its layers fake-quantized at the design's
/// bits (activation clipping by MSE on fixed calibration images), fine-tuned with quantization in the loop for one
/// pass over fixed training images, and scored top-1 on fixed validation images. Images become tensors once.
/// </summary>
public sealed class QuantizedSubnetEvaluator : IDisposable
{
    private readonly SuperNetwork _supernet;
    private readonly Tensor _recalibration;
    private readonly Tensor _calibration;
    private readonly PreparedBatches _validation;
    private readonly PreparedBatches? _fineTune;
    private readonly double _learningRate;
    private readonly ulong _seed;

    public QuantizedSubnetEvaluator(SuperNetwork supernet, Dataset data, CodesignQuantization settings, int recalibrationImages, ulong seed)
    {
        _supernet = supernet;
        _seed = seed;
        _learningRate = settings.FineTuneLearningRate;
        _validation = new PreparedBatches(data.Validation.Sample(settings.ValidationImages, seed), data.Mean, data.Std);
        if (settings.FineTuneImages > 0)
            _fineTune = new PreparedBatches(data.Train.Sample(settings.FineTuneImages, seed + 2), data.Mean, data.Std, batchSize: 64);
        using var scope = NewDisposeScope();
        using (var source = new BatchSource(data.Train.Sample(recalibrationImages, seed + 1), data.Mean, data.Std))
            _recalibration = source.Range(0, source.Count).Images.MoveToOuterDisposeScope();
        using (var source = new BatchSource(data.Train.Sample(settings.CalibrationImages, seed + 3), data.Mean, data.Std))
            _calibration = source.Range(0, source.Count).Images.MoveToOuterDisposeScope();
    }

    public int ValidationImages => _validation.Count;

    public double Accuracy(SubnetChoice choice, SubnetPrecision bits)
    {
        using var network = Quantized(choice, bits);
        return _validation.Accuracy(network);
    }

    /// <summary>Recalibrates an extracted sub-network's batch norm in place and scores it at full precision.</summary>
    public double FloatAccuracy(SpecNetwork network)
    {
        BatchNormRecalibration.Apply(network, _recalibration);
        return _validation.Accuracy(network);
    }

    /// <summary>The design's network, fake-quantized at its bits and recalibrated, in inference mode; the caller disposes it.</summary>
    public SpecNetwork Quantized(SubnetChoice choice, SubnetPrecision bits, string name = "apq-subnet")
    {
        var network = SubnetExtraction.Extract(_supernet, choice, name);
        try
        {
            BatchNormRecalibration.Apply(network, _recalibration);
            var statistics = new ActivationStatistics(network, _calibration, CalibrationMethod.Mse, _seed);
            network.Quantize(statistics.For(bits.Policy(_supernet.Layout, choice)));
            if (_fineTune is not null) QuantizationEvaluator.FineTune(network, _fineTune, _learningRate);
            network.eval();
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _recalibration.Dispose();
        _calibration.Dispose();
        _validation.Dispose();
        _fineTune?.Dispose();
    }
}
