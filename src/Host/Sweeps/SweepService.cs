using AutoDesign.HardwareProfiler.Targets;
using AutoDesign.Modeling;
using AutoDesign.Modeling.Checkpoints;
using AutoDesign.Modeling.Data;
using AutoDesign.Contracts;
using AutoDesign.Search.Jobs;
using AutoDesign.Storage;
using Microsoft.EntityFrameworkCore;

namespace AutoDesign.Host.Sweeps;

/// <summary>Scheduled hardware sweeps: create (validated, then put on its schedule), list, read, edit, delete, and their runs.</summary>
public sealed class SweepService(IDbContextFactory<AutoDesignDb> databases, IGrainFactory grains, DataFolder folder)
{
    public async Task<SweepView> Create(SweepSpec spec, CancellationToken cancellation = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellation);
        var errors = Check(spec);
        if (spec.Name is { } name && await db.Sweeps.AnyAsync(s => s.Name == name, cancellation)) errors.Add(new FieldError("name", $"a sweep named '{name}' exists"));
        if (errors.Count > 0) throw new InvalidSpecException(errors);

        var sweep = new SweepRecord
        {
            Id = Guid.NewGuid(),
            Name = spec.Name!,
            Cron = spec.Cron!,
            Target = spec.Target!,
            Models = StoredJson.Write(spec.Models!),
            Dataset = spec.Dataset,
            Variants = spec.Variants,
            DriftThreshold = spec.DriftThreshold,
            CreatedAt = DateTime.UtcNow,
            NextRunAt = CronSchedule.Next(spec.Cron!, DateTime.UtcNow),
        };
        db.Sweeps.Add(sweep);
        await db.SaveChangesAsync(cancellation);
        await grains.GetGrain<ISweepGrain>(sweep.Id).Schedule();
        return View(sweep, null);
    }

    /// <summary>Replaces a sweep's spec (validated as on create) and reschedules it; null for an unknown sweep. Its runs are kept.</summary>
    public async Task<SweepView?> Update(Guid id, SweepSpec spec, CancellationToken cancellation = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellation);
        var sweep = await db.Sweeps.SingleOrDefaultAsync(s => s.Id == id, cancellation);
        if (sweep is null) return null;
        var errors = Check(spec);
        if (spec.Name is { } name && await db.Sweeps.AnyAsync(s => s.Name == name && s.Id != id, cancellation)) errors.Add(new FieldError("name", $"a sweep named '{name}' exists"));
        if (errors.Count > 0) throw new InvalidSpecException(errors);

        sweep.Name = spec.Name!;
        sweep.Cron = spec.Cron!;
        sweep.Target = spec.Target!;
        sweep.Models = StoredJson.Write(spec.Models!);
        sweep.Dataset = spec.Dataset;
        sweep.Variants = spec.Variants;
        sweep.DriftThreshold = spec.DriftThreshold;
        sweep.NextRunAt = CronSchedule.Next(spec.Cron!, DateTime.UtcNow);
        await db.SaveChangesAsync(cancellation);
        await grains.GetGrain<ISweepGrain>(sweep.Id).Schedule();
        return View(sweep, await LastRun(db, id, cancellation));
    }

    public async Task<IReadOnlyList<SweepView>> List(CancellationToken cancellation = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellation);
        var sweeps = await db.Sweeps.AsNoTracking().OrderBy(s => s.CreatedAt).ToListAsync(cancellation);
        var views = new List<SweepView>();
        foreach (var sweep in sweeps) views.Add(View(sweep, await LastRun(db, sweep.Id, cancellation)));
        return views;
    }

    public async Task<SweepView?> Get(Guid id, CancellationToken cancellation = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellation);
        var sweep = await db.Sweeps.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellation);
        return sweep is null ? null : View(sweep, await LastRun(db, id, cancellation));
    }

    public async Task<bool> Delete(Guid id, CancellationToken cancellation = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellation);
        var sweep = await db.Sweeps.SingleOrDefaultAsync(s => s.Id == id, cancellation);
        if (sweep is null) return false;
        db.Sweeps.Remove(sweep);
        await db.SaveChangesAsync(cancellation);
        await grains.GetGrain<ISweepGrain>(id).Unschedule();
        return true;
    }

    public async Task<IReadOnlyList<SweepRunView>?> Runs(Guid id, CancellationToken cancellation = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellation);
        if (!await db.Sweeps.AnyAsync(s => s.Id == id, cancellation)) return null;
        var runs = await db.SweepRuns.AsNoTracking().Where(r => r.SweepId == id).OrderByDescending(r => r.StartedAt).ToListAsync(cancellation);
        return runs.Select(RunView).ToList();
    }

    private List<FieldError> Check(SweepSpec spec)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(spec.Name)) errors.Add(new FieldError("name", "is required: the sweep rebuilds lut:NAME and predictor:NAME"));
        else if (spec.Name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || spec.Name.Contains('/') || spec.Name.Length > 64)
            errors.Add(new FieldError("name", "must be a plain file name of at most 64 characters"));
        if (CronSchedule.TryParse(spec.Cron, out string cronError) is null) errors.Add(new FieldError("cron", cronError));
        if (string.IsNullOrWhiteSpace(spec.Target)) errors.Add(new FieldError("target", "is required"));
        else
        {
            try
            {
                var target = HardwareTargets.Resolve(spec.Target, folder);
                if (target.Kind is TargetKind.Table or TargetKind.Predictor)
                    errors.Add(new FieldError("target", $"'{spec.Target}' is a {target.Kind.ToString().ToLowerInvariant()}: sweep a measured or analytic target"));
            }
            catch (ArgumentException e) { errors.Add(new FieldError("target", e.Message)); }
        }
        DatasetInfo? dataset = null;
        try { dataset = DatasetCatalog.InfoOf(spec.Dataset, folder); }
        catch (DatasetException e) { errors.Add(new FieldError("dataset", e.Message)); }
        if (spec.Models is not { Count: > 0 }) errors.Add(new FieldError("models", "needs at least one model"));
        else if (dataset is not null)
            for (int i = 0; i < spec.Models.Count; i++)
            {
                try { BaseModels.ResolveSpec(spec.Models[i], dataset, folder); }
                catch (Exception e) when (e is ArgumentException or FileNotFoundException) { errors.Add(new FieldError($"models[{i}]", e.Message)); }
            }
        if (spec.Variants is < 0 or > 100) errors.Add(new FieldError("variants", "must be between 0 and 100"));
        if (!(spec.DriftThreshold > 0 && spec.DriftThreshold <= 10)) errors.Add(new FieldError("driftThreshold", "must be in (0, 10]"));
        return errors;
    }

    private static async Task<SweepRunRecord?> LastRun(AutoDesignDb db, Guid id, CancellationToken cancellation) =>
        await db.SweepRuns.AsNoTracking().Where(r => r.SweepId == id).OrderByDescending(r => r.StartedAt).FirstOrDefaultAsync(cancellation);

    private static SweepView View(SweepRecord sweep, SweepRunRecord? last) =>
        new(sweep.Id, sweep.Name, sweep.Cron, sweep.Target, StoredJson.Read<List<string>>(sweep.Models), sweep.Dataset, sweep.Variants,
            sweep.DriftThreshold, sweep.CreatedAt, sweep.NextRunAt, last is null ? null : RunView(last));

    private static SweepRunView RunView(SweepRunRecord run) =>
        new(run.Id, run.StartedAt, run.FinishedAt, run.Succeeded, run.Error, run.Entries,
            run.Latencies is null ? null : StoredJson.Read<Dictionary<string, double>>(run.Latencies),
            run.Changes is null ? null : StoredJson.Read<Dictionary<string, double>>(run.Changes), run.Drifted);
}
