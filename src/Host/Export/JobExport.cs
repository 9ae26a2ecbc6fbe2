using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Modeling.Specs;
using AutoDesign.HardwareProfiler.Onnx;
using AutoDesign.Host.Jobs;
using AutoDesign.Host.Sharing;
using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;

namespace AutoDesign.Host.Export;

/// <summary>What an export request gives back: a file, or why it cannot.</summary>
public abstract record ExportOutcome
{
    public sealed record File(byte[] Bytes, string FileName, string ContentType) : ExportOutcome;

    public sealed record NotFound(string Reason) : ExportOutcome;

    public sealed record Conflict(string Reason) : ExportOutcome;
}

/// <summary>
/// Exports a job's candidates. The best one's network was tested and saved when the job completed and comes in any
/// format (ONNX in int8 where its policy allows 8 bits or fewer). Any other candidate comes as JSON: its policy and the
/// spec it describes, from which <c>autodesign</c> or a user rebuilds it.
/// </summary>
public sealed class JobExport(IDbContextFactory<AutoDesignDb> databases, DataFolder folder, SharedFiles shared)
{
    public async Task<ExportOutcome> Export(Guid id, int? candidate, string format, CancellationToken cancellation = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellation);
        var job = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, cancellation);
        if (job is null) return new ExportOutcome.NotFound($"there is no job {id}");
        var best = job.Result is null ? null : StoredJson.Read<JobOutcome>(job.Result).Best;
        string name = $"{job.Model}-{job.Kind}-{id.ToString("N")[..8]}";

        if (candidate is null || candidate == best?.Index)
        {
            if (best is null || job.BestModel is null)
                return new ExportOutcome.Conflict($"job {id} is {job.Status.ToString().ToLowerInvariant()}: its best network is saved when it completes; export a candidate's policy as json meanwhile");
            string directory = JobRunner.RelativeBestModelDirectory(id);
            await shared.EnsureLocal(directory, cancellation); // saved by the silo that ran the job, perhaps on another machine
            string local = Path.Combine(folder.Root, directory);
            if (!SavedModel.IsSavedModel(local))
                return new ExportOutcome.Conflict($"job {id}'s best network was saved by silo {job.Silo} and has not reached the shared store; export it through that silo's API");
            var saved = SavedModel.Load(local);
            using var network = saved.CreateNetwork();
            var int8 = format.StartsWith("onnx", StringComparison.Ordinal) ? ModelExport.Int8Layers(saved.Spec, saved.Card.Precision) : new HashSet<string>();
            byte[] file;
            try { file = ModelExport.Write(network, format, int8, saved, folder); }
            catch (NotSupportedException e) { return new ExportOutcome.Conflict($"job {id}'s best network cannot be written as {format}: {e.Message}"); }
            return new ExportOutcome.File(file, $"{name}-best{ModelExport.Extension(format)}", ModelExport.ContentType(format));
        }

        var record = await db.Candidates.AsNoTracking().SingleOrDefaultAsync(c => c.JobId == id && c.Index == candidate, cancellation);
        if (record is null) return new ExportOutcome.NotFound($"job {id} has no candidate {candidate}");
        if (format != "json")
            return new ExportOutcome.Conflict($"only the best candidate's network ({best?.Index}) is saved; candidate {candidate} exports as json (its policy and spec)");
        var result = record.ToResult();
        ModelSpec candidateSpec;
        try { candidateSpec = (StoredPlans.KindOf(job) ?? throw new InvalidOperationException($"job {id} is of a kind this service does not know")).NetworkOf(StoredPlans.Of(job, folder), result, folder).Spec; }
        catch (Exception e) when (e is InvalidOperationException or InvalidSpecException) { return new ExportOutcome.Conflict(e.Message); }
        var document = new { job = id, candidate = result, spec = candidateSpec };
        return new ExportOutcome.File(System.Text.Encoding.UTF8.GetBytes(StoredJson.Write(document)), $"{name}-candidate-{candidate}.json", "application/json");
    }
}
