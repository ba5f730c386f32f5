using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClinicApi.Data.Configurations;

internal sealed class WorkingHoursConfiguration : IEntityTypeConfiguration<WorkingHours>
{
    public void Configure(EntityTypeBuilder<WorkingHours> builder)
    {
        builder.ToTable("working_hours");
        builder.HasKey(w => w.Id);
        builder.Property(w => w.Id).ValueGeneratedNever();
        builder.HasOne<Therapist>().WithMany().HasForeignKey(w => w.TherapistId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(w => new { w.TherapistId, w.Weekday });
    }
}

internal sealed class TimeOffConfiguration : IEntityTypeConfiguration<TimeOff>
{
    public void Configure(EntityTypeBuilder<TimeOff> builder)
    {
        builder.ToTable("time_off");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.Reason).HasMaxLength(200);
        builder.HasOne<Therapist>().WithMany().HasForeignKey(t => t.TherapistId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(t => new { t.TherapistId, t.StartsAt });
    }
}

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> builder)
    {
        builder.ToTable("sessions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Kind).HasConversion<string>().HasMaxLength(40);
        builder.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.CancelledBy).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.CancellationReason).HasMaxLength(500);
        builder.Property(s => s.Version).IsConcurrencyToken();
        builder.HasOne<Patient>().WithMany().HasForeignKey(s => s.PatientId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Therapist>().WithMany().HasForeignKey(s => s.TherapistId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Episode>().WithMany().HasForeignKey(s => s.EpisodeId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(s => new { s.TherapistId, s.StartsAt });
        builder.HasIndex(s => new { s.PatientId, s.StartsAt });
        builder.HasIndex(s => new { s.EpisodeId, s.Status });
        builder.HasIndex(s => s.StartsAt);
    }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.ToTable("idempotency_records");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.Operation).HasMaxLength(60);
        builder.Property(r => r.UserId).HasMaxLength(100);
        builder.Property(r => r.Key).HasMaxLength(200);
        builder.Property(r => r.RequestHash).HasMaxLength(64);
        builder.Property(r => r.Location).HasMaxLength(300);
        builder.HasIndex(r => new { r.Operation, r.UserId, r.Key }).IsUnique();
        builder.HasIndex(r => r.CreatedAt);
    }
}
