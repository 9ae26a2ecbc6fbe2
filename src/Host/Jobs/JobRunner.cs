using System.Collections.Concurrent;
using System.Threading.Channels;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Search.Jobs;
using AutoDesign.Host.Evaluators;
using AutoDesign.Host.Hosting;
using AutoDesign.Host.Sharing;
using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoDesign.Host.Jobs;

/// <summary>
/// The silo's worker pool for jobs: at most <see cref="ServiceOptions.MaxRunningJobs"/> run at once, each on a thread
/// of its own, off every grain's turn, its candidates scored by the evaluator workers of every silo. A job runs from its journal, so one that was running when a silo died
/// continues where it stopped; its status, timestamps, error and result are written here.
/// </summary>
internal sealed class JobRunner(
    IDbContextFactory<AutoDesignDb> databases,
    DataFolder folder,
    SharedFiles shared,
    IGrainFactory grains,
    IOptions<ServiceOptions> options,
    ILocalSiloDetails silo,
    ILogger<JobRunner> logger) : BackgroundService
{
    private readonly Channel<Guid> _queue = Channel.CreateUnbounded<Guid>();
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _here = new();

    /// <summary>Whether this silo has the job queued or running.</summary>
    public bool Has(Guid id) => _here.ContainsKey(id);

    public void Enqueue(Guid id)
    {
        if (_here.TryAdd(id, new CancellationTokenSource())) _queue.Writer.TryWrite(id);
    }

    public void Cancel(Guid id)
    {
        if (_here.TryGetValue(id, out var cancel)) cancel.Cancel();
    }

    public static string SiloName(ILocalSiloDetails silo) => silo.SiloAddress.ToParsableString();

    protected override Task ExecuteAsync(CancellationToken stopping) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Value.MaxRunningJobs)).Select(_ => Task.Run(() => WorkAsync(stopping), stopping)));

    private async Task WorkAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var id in _queue.Reader.ReadAllAsync(stopping))
            {
                var cancel = _here[id];
                try
                {
                    using var either = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token, stopping);
                    await Task.Factory.StartNew(() => Run(id, either.Token, stopping), stopping, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                }
                finally
                {
                    _here.TryRemove(id, out _);
                    cancel.Dispose();
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private void Run(Guid id, CancellationToken cancellation, CancellationToken stopping)
    {
        var job = Update(id, j =>
        {
            if (j.Status.IsFinished()) return false;
            if (j.CancelRequested)
            {
                Finish(j, JobStatus.Cancelled);
                return true;
            }
            j.Status = JobStatus.Running;
            j.StartedAt ??= DateTime.UtcNow;
            j.Silo = SiloName(silo);
            return true;
        });
        if (job is not { Status: JobStatus.Running }) return;

        logger.LogInformation("Job {Id} ({Kind} {Model} on {Dataset}, {Agent}) starts with {Candidates} candidates recorded", id, job.Kind, job.Model, job.Dataset, job.Agent, job.CandidateCount);
        try
        {
            var spec = JobSpecJson.Parse(job.Spec);
            var inputs = ShareInputs(spec, cancellation);
            string best = BestModelDirectory(id);
            var evaluations = new ClusterEvaluations(grains, id, job.Spec, inputs, logger);
            var result = DesignJob.Run(spec, folder, logger, best, cancellation: cancellation, journal: new DatabaseJournal(databases, id), evaluations: evaluations);
            shared.Publish(RelativeBestModelDirectory(id), cancellation).GetAwaiter().GetResult();
            Update(id, j =>
            {
                Finish(j, JobStatus.Completed);
                j.Result = StoredJson.Write(result with { Candidates = [] });
                j.BestModel = result.Best.SavedModel;
                j.BudgetLimit = result.BudgetLimit;
                return true;
            });
            logger.LogInformation("Job {Id} completed: best candidate {Index} at {Accuracy:P2}", id, result.Best.Index, result.Best.Accuracy);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            logger.LogInformation("Job {Id} stops with the silo; it resumes from its journal", id);
        }
        catch (OperationCanceledException)
        {
            Update(id, j => { Finish(j, JobStatus.Cancelled); return true; });
            logger.LogInformation("Job {Id} cancelled", id);
        }
        catch (Exception e)
        {
            Update(id, j => { Finish(j, JobStatus.Failed); j.Error = e.Message; return true; });
            logger.LogError(e, "Job {Id} failed", id);
        }
    }

    /// <summary>Where the job's best network is saved, relative to the data folder (the same on every silo).</summary>
    public static string RelativeBestModelDirectory(Guid id) => $"jobs/{id:N}/best";

    public string BestModelDirectory(Guid id) => Path.Combine(folder.Root, RelativeBestModelDirectory(id));

    /// <summary>
    /// Makes sure the base model exists (training it if needed) and shares it, with the upload it may come from and
    /// the look-up tables and predictors a target may name, so that other silos' workers can score the job's candidates.
    /// </summary>
    private IReadOnlyList<string> ShareInputs(JobSpec spec, CancellationToken cancellation)
    {
        var job = JobSpecValidator.Check(spec, folder);
        if (job.Nas is not null) return []; // a table search reads its table in the job's own process
        var baseModel = new BaseModels(folder, logger).GetOrTrain(spec.Model!, spec.Dataset!, job.BaseTraining, cancellation: cancellation).Model;
        var directories = new List<string> { "luts", "predictors" };
        if (spec.Model!.StartsWith(UploadedModels.Prefix, StringComparison.Ordinal) && shared.RelativePath(new UploadedModels(folder).Locate(spec.Model)) is { } upload)
            directories.Add(upload);
        if (shared.RelativePath(baseModel.Directory) is { } model) directories.Add(model);
        foreach (string directory in directories) shared.Publish(directory, cancellation).GetAwaiter().GetResult();
        return directories;
    }

    private static void Finish(JobRecord job, JobStatus status)
    {
        job.Status = status;
        job.FinishedAt = DateTime.UtcNow;
    }

    private JobRecord? Update(Guid id, Func<JobRecord, bool> change)
    {
        using var db = databases.CreateDbContext();
        var job = db.Jobs.SingleOrDefault(j => j.Id == id);
        if (job is null || !change(job)) return job;
        db.SaveChanges();
        return job;
    }
}
