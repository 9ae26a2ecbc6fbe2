using AutoDesign.Search.Kinds.Codesign;
using AutoDesign.Search.Kinds.Formats;
using AutoDesign.Search.Kinds.Heads;
using AutoDesign.Search.Kinds.Nas;
using AutoDesign.Search.Kinds.Prune;
using AutoDesign.Search.Kinds.Quantize;
using AutoDesign.Search.Kinds.Train;

namespace AutoDesign.Search.Jobs;

/// <summary>The kinds of design job, each a module in <c>Kinds/</c>; adding a kind adds its folder and one line here.</summary>
public static class JobKinds
{
    public static IReadOnlyList<IJobKind> All { get; } =
    [
        new PruneKind(),
        new QuantizeKind(),
        new NasKind(),
        new CodesignKind(),
        new FormatsKind(),
        new HeadsKind(),
        new TrainKind(),
    ];

    public static IJobKind? Find(string name) => All.FirstOrDefault(k => k.Name == name);

    /// <summary>The kind of a spec or plan record type.</summary>
    public static IJobKind OfSpec(Type spec) => All.Single(k => k.SpecType == spec);

    public static IJobKind OfPlan(Type plan) => All.Single(k => k.PlanType == plan);

    public static IJobKind Of(JobSpec spec) => OfSpec(spec.GetType());

    public static IJobKind Of(JobPlan plan) => OfPlan(plan.GetType());
}
