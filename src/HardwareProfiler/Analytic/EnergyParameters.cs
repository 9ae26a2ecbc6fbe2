namespace AutoDesign.HardwareProfiler.Analytic;

/// <summary>Energy per access of on-chip buffers and of DRAM, in picojoules per byte.</summary>
public sealed record EnergyParameters
{
    public required double SramPicojoulesPerByte { get; init; }

    public required double DramPicojoulesPerByte { get; init; }
}
