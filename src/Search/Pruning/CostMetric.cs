using System.Text.Json.Serialization;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.Search.Pruning;

/// <summary>A cost that a pruned network must keep under its budget. FLOPs are counted as multiply-accumulates.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CostMetric>))]
public enum CostMetric
{
    [JsonStringEnumMemberName("flops")] Flops,
    [JsonStringEnumMemberName("params")] Params,
}

public static class CostMetrics
{
    public static double Of(this CostMetric metric, ModelAnalysis analysis) => metric switch
    {
        CostMetric.Params => analysis.Params,
        _ => analysis.Macs,
    };

    public static string Unit(this CostMetric metric) => metric == CostMetric.Params ? "parameters" : "MACs";
}
