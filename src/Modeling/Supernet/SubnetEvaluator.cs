using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using static TorchSharp.torch;

namespace AutoDesign.Modeling.Supernet;

/// <summary>
/// Scores sub-networks the way they will be used: extracted with their inherited weights, batch norm re-estimated
/// on a fixed sample of training images, then top-1 accuracy on a fixed set of validation images. The images are
/// converted to tensors once, so scoring hundreds of sub-networks pays only their forward passes.
/// </summary>
public sealed class SubnetEvaluator : IDisposable
{
    private readonly Tensor _recalibration;
    private readonly PreparedBatches _validation;

    /// <param name="validationLimit">Validation images to score on (a seeded sample; 0 = all).</param>
    /// <param name="recalibrationImages">Training images (a seeded sample) for batch-norm recalibration.</param>
    public SubnetEvaluator(Dataset data, int validationLimit, int recalibrationImages, ulong seed = 7)
    {
        var validation = validationLimit > 0 ? data.Validation.Sample(validationLimit, seed) : data.Validation;
        _validation = new PreparedBatches(validation, data.Mean, data.Std);
        using var source = new BatchSource(data.Train.Sample(recalibrationImages, seed + 1), data.Mean, data.Std);
        using var scope = NewDisposeScope();
        _recalibration = source.Range(0, source.Count).Images.MoveToOuterDisposeScope();
    }

    public int ValidationImages => _validation.Count;

    public sealed record Score(double Accuracy, long Macs, long Params);

    public Score Evaluate(SuperNetwork supernet, SubnetChoice choice)
    {
        using var network = SubnetExtraction.Extract(supernet, choice);
        return Evaluate(network);
    }

    /// <summary>Recalibrates <paramref name="network"/>'s batch norm in place and scores it.</summary>
    public Score Evaluate(SpecNetwork network)
    {
        BatchNormRecalibration.Apply(network, _recalibration);
        return new Score(_validation.Accuracy(network), network.Analysis.Macs, network.Analysis.Params);
    }

    public void Dispose()
    {
        _recalibration.Dispose();
        _validation.Dispose();
    }
}
