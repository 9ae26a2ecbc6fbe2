namespace AutoDesign.HardwareProfiler.Targets;

/// <summary>A figure with its unit; measured figures also carry their spread (interquartile range) and sample count.</summary>
public sealed record Figure(double Value, string Unit, double? Spread = null, int? Samples = null)
{
    public static Figure Milliseconds(double value, double? spread = null, int? samples = null) => new(value, "ms", spread, samples);

    public static Figure Millijoules(double value) => new(value, "mJ");

    public override string ToString() => Spread is { } s ? $"{Value:G4} {Unit} (IQR {s:G3}, n={Samples})" : $"{Value:G4} {Unit}";
}
