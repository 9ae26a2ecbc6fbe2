using AutoDesign.HardwareProfiler.Costs;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Supernet;

namespace AutoDesign.Search.Kinds.Nas;

/// <summary>
/// The saved super-network a nas job searches, loaded from its plan: where it lies, its card, the costs every
/// candidate reports (MACs and parameters, and the constraint's latency or energy on its target) and that target.
/// </summary>
public sealed record SupernetSource(string Directory, SavedSupernet Saved, IReadOnlyList<CostMetric> Metrics, IHardwareTarget? Target)
{
    /// <summary>The super-network of a plan, with the metrics its candidates report.</summary>
    public static SupernetSource Load(NasPlan plan, DataFolder folder)
    {
        var supernet = plan.Supernet ?? throw new ArgumentException("the plan searches a table, not a super-network");
        string directory = folder.Resolve(supernet.Directory);
        if (!SavedSupernet.IsSavedSupernet(directory))
            throw new InvalidOperationException($"super-network '{supernet.Name}' is not in this silo's data folder ({directory})");
        var metrics = new List<CostMetric> { CostMetric.Flops, CostMetric.Params };
        IHardwareTarget? target = null;
        if (plan.ConstraintMetric is "latency" or "energy")
        {
            var onTarget = (CostMetric.OnTarget)CostMetric.Named(plan.ConstraintMetric, plan.ConstraintTarget, folder);
            metrics.Add(onTarget);
            target = onTarget.Target;
        }
        return new SupernetSource(directory, SavedSupernet.Load(directory), metrics, target);
    }
}
