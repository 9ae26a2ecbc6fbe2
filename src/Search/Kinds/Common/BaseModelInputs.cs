using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Kinds.Common;

/// <summary>The base model a model job starts from, trained on first use, and the inputs its scorers read.</summary>
public static class BaseModelInputs
{
    /// <summary>
    /// The base model from the cache (trained now if it is not there yet). It must still be the network the job was
    /// planned with: an upload replaced since then fails the job rather than score candidates of another network.
    /// </summary>
    public static SavedModel Load(ModelJobPlan plan, DataFolder folder, ILogger logger, CancellationToken cancellation)
    {
        var model = new BaseModels(folder, logger).GetOrTrain(plan.Model, plan.Dataset, plan.BaseTraining, cancellation: cancellation).Model;
        if (!model.Spec.StructurallyEquals(plan.BaseSpec))
            throw new InvalidOperationException($"model '{plan.Model}' is no longer the network this job was planned with (it was replaced since); submit the job again");
        return model;
    }

    /// <summary>
    /// Trains the base model if need be; returns what other silos' workers read to score the job's candidates: the base
    /// model, the upload it comes from, and the look-up tables and predictors a latency target may name.
    /// </summary>
    public static IReadOnlyList<string> Prepare(ModelJobPlan plan, DataFolder folder, ILogger logger, CancellationToken cancellation)
    {
        var model = Load(plan, folder, logger, cancellation);
        var inputs = new List<string> { Path.Combine(folder.Root, "luts"), Path.Combine(folder.Root, "predictors") };
        if (plan.Model.StartsWith(UploadedModels.Prefix, StringComparison.Ordinal)) inputs.Add(new UploadedModels(folder).Locate(plan.Model));
        inputs.Add(model.Directory);
        return inputs;
    }

    /// <summary>The job's data set, loaded once per process.</summary>
    public static Dataset Data(ModelJobPlan plan, DataFolder folder) => DatasetCatalog.Load(plan.Dataset, folder);
}
