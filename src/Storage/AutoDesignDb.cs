using Microsoft.EntityFrameworkCore;

namespace AutoDesign.Storage;

/// <summary>
/// Everything the service keeps: jobs, their candidates and agent checkpoints, devices, hardware sweeps and their
/// runs, Orleans reminders, cluster membership and grain state, files the silos share, and API keys. One model, two providers, each with its own migrations:
/// <see cref="SqliteDb"/> (the embedded default) and <see cref="PostgresDb"/> (a cluster).
/// </summary>
public abstract class AutoDesignDb(DbContextOptions options) : DbContext(options)
{
    public DbSet<JobRecord> Jobs => Set<JobRecord>();

    public DbSet<CandidateRecord> Candidates => Set<CandidateRecord>();

    public DbSet<AgentCheckpointRecord> AgentCheckpoints => Set<AgentCheckpointRecord>();

    public DbSet<ReminderRecord> Reminders => Set<ReminderRecord>();

    public DbSet<ApiKeyRecord> ApiKeys => Set<ApiKeyRecord>();

    public DbSet<MembershipRecord> Membership => Set<MembershipRecord>();

    public DbSet<MembershipVersionRecord> MembershipVersions => Set<MembershipVersionRecord>();

    public DbSet<DeviceRecord> Devices => Set<DeviceRecord>();

    public DbSet<SweepRecord> Sweeps => Set<SweepRecord>();

    public DbSet<SweepRunRecord> SweepRuns => Set<SweepRunRecord>();

    public DbSet<SharedFileRecord> SharedFiles => Set<SharedFileRecord>();

    public DbSet<GrainStateRecord> GrainStates => Set<GrainStateRecord>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<JobRecord>(job =>
        {
            job.Property(j => j.Status).HasConversion<string>().HasMaxLength(16);
            job.HasIndex(j => new { j.Status, j.CreatedAt });
        });
        model.Entity<CandidateRecord>(candidate =>
        {
            candidate.HasKey(c => new { c.JobId, c.Index });
            candidate.HasOne<JobRecord>().WithMany().HasForeignKey(c => c.JobId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<AgentCheckpointRecord>(checkpoint =>
        {
            checkpoint.HasKey(c => c.JobId);
            checkpoint.HasOne<JobRecord>().WithOne().HasForeignKey<AgentCheckpointRecord>(c => c.JobId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<SweepRecord>(sweep => sweep.HasIndex(s => s.Name).IsUnique());
        model.Entity<SweepRunRecord>(run =>
        {
            run.HasOne<SweepRecord>().WithMany().HasForeignKey(r => r.SweepId).OnDelete(DeleteBehavior.Cascade);
            run.HasIndex(r => new { r.SweepId, r.StartedAt });
        });
        model.Entity<MembershipRecord>(member => member.HasKey(m => new { m.ClusterId, m.Silo }));
        model.Entity<MembershipVersionRecord>(version => version.HasKey(v => v.ClusterId));
        model.Entity<ApiKeyRecord>(key =>
        {
            key.HasIndex(k => k.Hash).IsUnique();
            key.HasIndex(k => k.Name).IsUnique();
        });
        model.Entity<ReminderRecord>(reminder =>
        {
            reminder.HasKey(r => new { r.ServiceId, r.GrainId, r.Name });
            reminder.HasIndex(r => new { r.ServiceId, r.GrainHash });
        });
        model.Entity<SharedFileRecord>(file => file.HasKey(f => f.Path));
        model.Entity<GrainStateRecord>(state =>
        {
            state.HasKey(s => new { s.StateName, s.GrainId });
            state.Property(s => s.ETag).IsConcurrencyToken();
        });
    }
}

public sealed class SqliteDb(DbContextOptions<SqliteDb> options) : AutoDesignDb(options);

public sealed class PostgresDb(DbContextOptions<PostgresDb> options) : AutoDesignDb(options);
