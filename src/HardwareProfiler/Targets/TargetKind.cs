using System.Text.Json.Serialization;

namespace AutoDesign.HardwareProfiler.Targets;

/// <summary>Where a target's figures come from.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TargetKind>))]
public enum TargetKind
{
    /// <summary>Timed on a real device.</summary>
    [JsonStringEnumMemberName("measured")] Measured,
    /// <summary>Summed from a per-layer look-up table measured earlier.</summary>
    [JsonStringEnumMemberName("table")] Table,
    /// <summary>Predicted by a regression model trained on measurements.</summary>
    [JsonStringEnumMemberName("predictor")] Predictor,
    /// <summary>Computed from a documented model of the hardware (simulated, not measured).</summary>
    [JsonStringEnumMemberName("analytic")] Analytic,
}
