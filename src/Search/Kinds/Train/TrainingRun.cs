using System.Diagnostics;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Distributed;
using AutoDesign.Modeling.Torch;
using AutoDesign.Modeling.Training;
using AutoDesign.Search.Jobs;
using Microsoft.Extensions.Logging;

namespace AutoDesign.Search.Kinds.Train;

/// <summary>
/// One run of a training job: the epochs recorded in the journal as the workers finish them (a rerun records only
/// those not yet recorded), then the trained network from the last checkpoint, tested and saved.
/// </summary>
internal sealed class TrainingRun(TrainPlan plan, JobContext context)
{
    private readonly List<CandidateResult> _epochs = []; // as recorded, one per epoch

    public async Task<SearchResult> RunAsync()
    {
        var clock = Stopwatch.StartNew();
        var logger = context.Logger;
        string name = context.Name.Length > 0 ? context.Name : $"local-{Guid.NewGuid():N}";
        var training = context.Training ?? new InProcessTraining(context.Folder);
        _epochs.AddRange((await context.Journal.LoadAsync(context.Cancellation))?.Candidates ?? []);
        using var network = new SpecNetwork(plan.Spec);
        var (macs, parameters) = (network.Analysis.Macs, network.Analysis.Params);
        logger.LogInformation("Training {Model} on {Dataset} for {Epochs} epochs over {Workers} workers ({Exchange}){Resumed}",
            plan.Model, plan.Dataset, plan.Options.Epochs, plan.Workers, plan.Agent, _epochs.Count > 0 ? $", resuming after epoch {Recorded}" : "");

        try
        {
            var epochs = await training.TrainAsync(plan.RunNamed(name), epoch => Record(epoch, macs, parameters), context.Cancellation);
            foreach (var epoch in epochs) await Record(epoch, macs, parameters); // those not yet handed on
            int trained = new DataParallelCheckpoints(DataParallelRun.CheckpointDirectory(context.Folder, name)).RestoreNetwork(network);
            if (trained != plan.Options.Epochs) throw new InvalidOperationException($"the run's last checkpoint here is of epoch {trained} of {plan.Options.Epochs}");
            if (Recorded != plan.Options.Epochs || _epochs.Count != plan.Options.Epochs)
                logger.LogWarning("Epochs {Missing} of the run were not recorded (their silo died as they ended); the network is the run's last", string.Join(", ",
                    Enumerable.Range(1, plan.Options.Epochs).Except(_epochs.Select(e => e.Index + 1))));
            return Finish(network, macs, parameters, clock);
        }
        finally
        {
            if (context.Name.Length == 0) await training.ForgetAsync(name); // a run of its own is not resumed; a job's run is forgotten once the job has ended
        }
    }

    private SearchResult Finish(SpecNetwork network, long macs, long parameters, Stopwatch clock)
    {
        var logger = context.Logger;
        network.eval();
        var data = DatasetCatalog.Load(plan.Dataset, context.Folder);
        double test = Evaluation.Of(network, data.Test, data.Mean, data.Std).Accuracy;
        var last = _epochs[^1];
        double validation = last.Accuracy;
        string saved = "";
        if (context.BestModelDirectory != "")
        {
            var card = new ModelCard
            {
                Model = plan.Model,
                Dataset = plan.Dataset,
                SpecHash = plan.Spec.ContentHash(),
                Macs = macs,
                Params = parameters,
                Mean = data.Mean,
                Std = data.Std,
                Training = plan.Options,
                TestAccuracy = test,
                ValidationAccuracy = validation,
                TrainingSeconds = Total("seconds"),
            };
            saved = SavedModel.Save(context.BestModelDirectory, network, card).Directory;
        }

        double sent = Total("bytesSent"), dense = Total("denseBytes");
        logger.LogInformation("Trained {Model}: test accuracy {Test:P2}; the workers sent {Sent:N0} bytes, {Ratio:F1}x less than dense; saved to {Directory}",
            plan.Model, test, sent, dense / sent, saved);
        var metrics = new Dictionary<string, double>
        {
            ["bytesSent"] = sent,
            ["denseBytes"] = dense,
            ["compressionRatio"] = sent > 0 ? dense / sent : 1,
            ["exchangeSeconds"] = Total("exchangeSeconds"),
            ["trainingSeconds"] = Total("seconds"),
            ["workers"] = last.Metrics!["workers"],
        };
        var best = new BestResult(last.Index, validation, macs, parameters, last.ConstrainedValue, [], test, 0, null, saved, metrics);
        double seconds = clock.Elapsed.TotalSeconds;
        return new SearchResult(
            new BaseMetrics(plan.Model, plan.Dataset, saved, validation, test, macs, parameters),
            new ConstraintResult("traffic", "B/step", null, null, null),
            null,
            best,
            [],
            _epochs,
            _epochs.Count,
            _epochs.Count / Math.Max(seconds, 1e-9),
            seconds);
    }

    private int Recorded => _epochs.Count == 0 ? 0 : _epochs[^1].Index + 1;

    private double Total(string metric) => _epochs.Sum(e => e.Metrics?.GetValueOrDefault(metric) ?? 0);

    // An epoch after the last recorded one is recorded; one the journal already has is not (an epoch whose record a
    // stop prevented, and that the resumed run did not repeat, stays missing).
    private async Task Record(DataParallelEpoch epoch, long macs, long parameters)
    {
        if (epoch.Epoch <= Recorded) return;
        var candidate = Candidate(epoch, macs, parameters);
        await context.Journal.RecordAsync([candidate], BitConverter.GetBytes(epoch.Epoch), CancellationToken.None);
        _epochs.Add(candidate);
        context.Progress?.Invoke(new SearchProgress(epoch.Epoch, epoch.Epochs, candidate.Accuracy, candidate.Accuracy, candidate.ConstrainedValue, null, candidate));
    }

    private static CandidateResult Candidate(DataParallelEpoch epoch, long macs, long parameters) =>
        new(epoch.Epoch - 1, epoch.ValidationAccuracy ?? 0, macs, parameters, BytesPerStep(epoch), epoch.ValidationAccuracy ?? 0, [],
            new Dictionary<string, double>
            {
                ["epoch"] = epoch.Epoch,
                ["trainLoss"] = epoch.TrainLoss,
                ["bytesSent"] = epoch.BytesSent,
                ["denseBytes"] = epoch.DenseBytes,
                ["openingBytes"] = epoch.OpeningBytes,
                ["compressionRatio"] = epoch.CompressionRatio,
                ["density"] = epoch.Density,
                ["steps"] = epoch.Steps,
                ["exchangeSeconds"] = epoch.ExchangeSeconds,
                ["seconds"] = epoch.Seconds,
                ["workers"] = epoch.Workers,
            });

    /// <summary>What one worker sent per step on average, without the opening state a run's first epoch carries.</summary>
    private static double BytesPerStep(DataParallelEpoch epoch) =>
        epoch.Steps > 0 ? (double)(epoch.BytesSent - epoch.OpeningBytes) / ((long)epoch.Steps * epoch.Workers) : 0;
}
