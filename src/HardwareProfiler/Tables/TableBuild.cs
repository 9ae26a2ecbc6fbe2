using AutoDesign.HardwareProfiler.Predictors;
using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;

namespace AutoDesign.HardwareProfiler.Tables;

/// <summary>
/// What to sweep: a measured or analytic target, models (zoo names or spec files) for a data set's input shape, and
/// networks given as specs (a super-network's sub-networks).
/// </summary>
public sealed record TableBuildRequest(string Target, IReadOnlyList<string> Models, string Dataset = "mnist", string? Name = null, int Variants = 8,
    IReadOnlyList<PrecisionPolicy>? Precisions = null, IReadOnlyList<ModelSpec>? Networks = null);

/// <summary>The table and predictor written, and each model's whole-network latency measured on the target in the same run.</summary>
public sealed record TableBuildResult(string Table, string Path, int Entries, string Source, LatencyPredictor.Card? Predictor,
    IReadOnlyDictionary<string, double> NetworkLatencyMs);

/// <summary>
/// Builds (or rebuilds) <c>lut:NAME</c> and <c>predictor:NAME</c> for a target: sweeps the models and pruned variants,
/// saves the table in the data folder, trains the predictor when there are enough entries, and makes later lookups
/// use the new files.
/// </summary>
public static class TableBuild
{
    public static TableBuildResult Run(TableBuildRequest request, DataFolder folder, Action<string>? progress = null)
    {
        HardwareTargets.Forget(request.Target, folder); // re-read files an analytic or table target was built from
        var target = HardwareTargets.Resolve(request.Target, folder);
        if (target.Kind is TargetKind.Table or TargetKind.Predictor)
            throw new ArgumentException($"sweep a measured or analytic target, not {target.Kind.ToString().ToLowerInvariant()} '{target.Name}'");
        if (request.Variants is < 0 or > 1000) throw new ArgumentException("variants must be between 0 and 1000");
        var networks = request.Networks ?? [];
        if (request.Models.Count == 0 && networks.Count == 0) throw new ArgumentException("a sweep needs at least one model");
        var info = DatasetCatalog.InfoOf(request.Dataset, folder);
        var specs = request.Models.Select(m => BaseModels.ResolveSpec(m, info, folder)).Concat(networks).ToList();
        var names = request.Models.Concat(networks.Select(n => n.Name)).ToList();
        string name = request.Name ?? target.Name.Replace(':', '-');
        if (name.Length == 0 || name.IndexOfAny(System.IO.Path.GetInvalidFileNameChars()) >= 0 || name.Contains('/'))
            throw new ArgumentException($"the table name '{name}' must be a plain file name");

        var table = LatencySweep.Run(name, target, specs, request.Variants, precisions: request.Precisions, progress: progress);
        string path = TableTargets.PathOf(name, folder);
        table.Save(path);
        LatencyPredictor.Card? predictor = null;
        if (table.Entries.Count >= 10)
        {
            var trained = LatencyPredictor.Train(name, table);
            trained.Save(LatencyPredictor.DirectoryIn(folder));
            predictor = trained.Info;
        }
        HardwareTargets.Forget($"lut:{name}", folder);
        HardwareTargets.Forget($"predictor:{name}", folder);

        var latency = new Dictionary<string, double>();
        for (int i = 0; i < specs.Count; i++) latency[names[i]] = target.Measure(specs[i]).Latency.Value;
        return new TableBuildResult($"lut:{name}", path, table.Entries.Count, table.Source, predictor, latency);
    }
}
