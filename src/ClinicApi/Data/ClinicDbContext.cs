using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Data;

public sealed class ClinicDbContext(DbContextOptions<ClinicDbContext> options) : DbContext(options)
{
    public DbSet<Patient> Patients => Set<Patient>();

    public DbSet<Therapist> Therapists => Set<Therapist>();

    public DbSet<TherapistCompetency> TherapistCompetencies => Set<TherapistCompetency>();

    public DbSet<TreatmentArm> Arms => Set<TreatmentArm>();

    public DbSet<Episode> Episodes => Set<Episode>();

    public DbSet<Measurement> Measurements => Set<Measurement>();

    public DbSet<Study> Studies => Set<Study>();

    public DbSet<Allocation> Allocations => Set<Allocation>();

    public DbSet<WorkingHours> WorkingHours => Set<WorkingHours>();

    public DbSet<TimeOff> TimeOff => Set<TimeOff>();

    public DbSet<Session> Sessions => Set<Session>();

    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    public DbSet<AdverseEvent> AdverseEvents => Set<AdverseEvent>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<CareTeamMember> CareTeamMembers => Set<CareTeamMember>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ClinicDbContext).Assembly);
        if (Database.IsSqlite() || Database.IsSqlServer())
        {
            // SQLite keeps instants as text, SQL Server as datetime2 (no offset): both hand them back with an
            // unspecified kind, and they were written as UTC.
            foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(e => e.GetProperties())
                         .Where(p => p.ClrType == typeof(DateTime) || p.ClrType == typeof(DateTime?)))
            {
                property.SetValueConverter(property.ClrType == typeof(DateTime) ? UtcConverters.Required : UtcConverters.Optional);
            }
        }

        if (Database.IsSqlServer())
        {
            // The filter in T-SQL; and the tables whose guarantees are triggers, so that EF writes to them without
            // an OUTPUT clause (SQL Server refuses OUTPUT without INTO on a table with triggers).
            modelBuilder.Entity<Measurement>().HasIndex(m => new { m.Instrument, m.EpisodeId, m.TakenAt, m.Score })
                .HasFilter(SchemaNames.SqlServerCurrentScoresFilter);
            modelBuilder.Entity<Session>().ToTable(t =>
            {
                t.HasTrigger(SchemaNames.SqlServerOverlapInsertTrigger);
                t.HasTrigger(SchemaNames.SqlServerOverlapUpdateTrigger);
            });
            modelBuilder.Entity<AuditEvent>().ToTable(t => t.HasTrigger(SchemaNames.AuditNoUpdateTrigger));
        }

        SnakeCaseNames.Apply(modelBuilder);
    }

    /// <summary>Every modified versioned row gets the next version: that is its new ETag, and the concurrency token.</summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        foreach (var entry in ChangeTracker.Entries<IVersioned>().Where(e => e.State == EntityState.Modified))
        {
            entry.Entity.Version++;
        }

        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }
}
