using System.Collections.Concurrent;
using System.Threading.Channels;
using AutoDesign.Host.Evaluators;
using AutoDesign.Host.Hosting;
using AutoDesign.Host.Resilience;
using AutoDesign.Host.Sharing;
using AutoDesign.Host.Training;
using AutoDesign.Modeling;
using AutoDesign.Search.Jobs;
using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoDesign.Host.Jobs;

/// <summary>
/// The silo's worker pool for jobs: at most <see cref="ServiceOptions.MaxRunningJobs"/> run at once, off every grain's
/// turn, their candidates scored by the evaluator workers of every silo. A job runs from its plan and its journal, so
/// one that was running when a silo died continues where it stopped. What becomes of it is written by the
/// <see cref="JobLifecycle"/>; a cancel reaches the search as a cancelled token.
/// </summary>
internal sealed class JobRunner(
    IDbContextFactory<AutoDesignDb> databases,
    JobLifecycle lifecycle,
    DataFolder folder,
    SharedFiles shared,
    IGrainFactory grains,
    IOptions<ServiceOptions> options,
    ILocalSiloDetails silo,
    StorageRecovery recovery,
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
                    await RunAsync(id, cancel, stopping);
                }
                catch (Exception e) when (!stopping.IsCancellationRequested)
                {
                    // Not even the job's failure could be written: the storage is at fault; nothing stops the other jobs.
                    if (StorageFaults.Cause(e) is { } cause) recovery.Stopped(cause, id);
                    logger.LogError(e, "Job {Id} stopped and its state could not be recorded", id);
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

    private async Task RunAsync(Guid id, CancellationTokenSource cancel, CancellationToken stopping)
    {
        var job = await lifecycle.StartAsync(id, SiloName(silo), stopping);
        if (job is null) return;

        logger.LogInformation("Job {Id} ({Kind} {Model} on {Dataset}, {Agent}) starts with {Candidates} candidates recorded", id, job.Kind, job.Model, job.Dataset, job.Agent, job.CandidateCount);
        using var timeLimit = new CancellationTokenSource(options.Value.JobTimeLimit);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token, stopping, timeLimit.Token);
        var training = new ClusterTraining(grains, logger, SiloName(silo));
        bool trains = JobKinds.Find(job.Kind)?.Trains == true;
        try
        {
            var plan = await PlanOf(job, stopping);
            var kind = JobKinds.Of(plan);
            // Other silos' workers fetch what the job's scorers read (its base model, tables...) from the shared store.
            var published = new List<string>();
            foreach (string input in await OwnThread.RunAsync(() => kind.Prepare(plan, folder, logger, either.Token)))
                if (shared.RelativePath(input) is { } relative)
                {
                    await shared.Publish(relative, either.Token);
                    published.Add(relative);
                }
            var result = await kind.RunAsync(plan, new JobContext(folder, logger)
            {
                BestModelDirectory = BestModelDirectory(id),
                RecoveryDirectory = RecoveryDirectory(id),
                WorkDirectory = WorkDirectory(id),
                Journal = new DatabaseJournal(databases, id, cancel.Cancel),
                Evaluations = new ClusterEvaluations(grains, id, plan, published, logger),
                Name = TrainingRun(id),
                Training = training,
                Cancellation = either.Token,
            });
            await shared.Publish(RelativeBestModelDirectory(id), stopping);
            await lifecycle.CompleteAsync(id, result, CancellationToken.None);
            DeleteWorkFiles(id);
            if (trains) await training.ForgetAsync(TrainingRun(id));
            logger.LogInformation("Job {Id} completed: best candidate {Index} at {Accuracy:P2}", id, result.Best.Index, result.Best.Accuracy);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            logger.LogInformation("Job {Id} stops with the silo; it resumes from its journal", id);
        }
        catch (OperationCanceledException) when (timeLimit.IsCancellationRequested && !cancel.IsCancellationRequested)
        {
            logger.LogWarning("Job {Id} ran past its time limit of {Limit}", id, options.Value.JobTimeLimit);
            await lifecycle.FailAsync(id, $"The job ran past its time limit of {options.Value.JobTimeLimit} (AutoDesign:JobTimeLimit); what it recorded is kept.", CancellationToken.None);
            DeleteWorkFiles(id);
            if (trains) await training.ForgetAsync(TrainingRun(id));
        }
        catch (OperationCanceledException)
        {
            await lifecycle.CancelledAsync(id, CancellationToken.None);
            DeleteWorkFiles(id);
            if (trains) await training.ForgetAsync(TrainingRun(id));
            logger.LogInformation("Job {Id} cancelled", id);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Job {Id} failed", id);
            string? storage = StorageFaults.Cause(e);
            if (storage is not null) recovery.Stopped(storage, id);
            await lifecycle.FailAsync(id, JobErrors.Describe(e, storage, folder), CancellationToken.None);
            if (storage is null) DeleteWorkFiles(id); // a job stopped by its store resumes, and its recovery with it
        }
    }

    /// <summary>The job's plan; a job stored before plans were kept has its spec resolved now, once, and the plan kept.</summary>
    private async Task<JobPlan> PlanOf(JobRecord job, CancellationToken cancellation)
    {
        var plan = StoredPlans.Of(job, folder);
        if (job.Plan is null) await lifecycle.SavePlanAsync(job.Id, plan, cancellation);
        return plan;
    }

    /// <summary>The job's name for the runs it trains: their checkpoints lie under <c>training/</c> of each silo's data folder, until the job has ended (a failed job keeps them: it can be resumed).</summary>
    private static string TrainingRun(Guid id) => id.ToString("N");

    /// <summary>Where the job's best network is saved, relative to the data folder (the same on every silo).</summary>
    public static string RelativeBestModelDirectory(Guid id) => $"jobs/{id:N}/best";

    public string BestModelDirectory(Guid id) => Path.Combine(folder.Root, RelativeBestModelDirectory(id));

    private string RecoveryDirectory(Guid id) => Path.Combine(folder.Root, $"jobs/{id:N}/recovery");

    private string WorkDirectory(Guid id) => Path.Combine(folder.Root, $"jobs/{id:N}/work");

    // Once the job has ended for good, its recovery checkpoints and work files have served their purpose.
    private void DeleteWorkFiles(Guid id)
    {
        foreach (string directory in new[] { RecoveryDirectory(id), WorkDirectory(id) })
            try
            {
                if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning(e, "Job {Id}'s files in {Directory} could not be deleted", id, directory);
            }
    }
}
