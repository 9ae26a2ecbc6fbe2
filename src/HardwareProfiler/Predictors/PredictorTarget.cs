using System.Globalization;
using AutoDesign.HardwareProfiler.Tables;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.HardwareProfiler.Predictors;

/// <summary>Latency predicted layer by layer by a <see cref="LatencyPredictor"/> and summed.</summary>
public sealed class PredictorTarget(LatencyPredictor predictor) : IHardwareTarget
{
    public string Name => $"predictor:{predictor.Info.Name}";

    public TargetKind Kind => TargetKind.Predictor;

    public PrecisionPolicy DefaultPrecision => PrecisionPolicy.Uniform(predictor.Info.Precision.WeightBits, predictor.Info.Precision.ActivationBits);

    public string Description => $"FastTree latency predictor trained on {predictor.Info.TrainingSamples} layers from {predictor.Info.Source} (held-out error {predictor.Info.HeldOutMape:P1})";

    public CostReport Measure(ModelSpec spec, PrecisionPolicy? precision = null)
    {
        precision ??= DefaultPrecision;
        precision.Validate(spec);
        var layers = LayerKey.Of(spec, precision).Select(k => new LayerCost(k.Layer.Name, Figure.Milliseconds(predictor.PredictMilliseconds(k.Key.Key)))).ToList();
        return new CostReport(Name, Kind, Figure.Milliseconds(layers.Sum(l => l.Latency.Value)), null, layers, new Dictionary<string, string>
        {
            ["source"] = predictor.Info.Source,
            ["precision"] = precision.Key,
            ["heldOutMape"] = predictor.Info.HeldOutMape.ToString("G4", CultureInfo.InvariantCulture),
            ["simulated"] = "true",
        });
    }
}
