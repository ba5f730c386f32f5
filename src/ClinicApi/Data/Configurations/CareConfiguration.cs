using ClinicApi.Features.Arms;
using ClinicApi.Features.Episodes;
using ClinicApi.Features.Patients;
using ClinicApi.Features.Screening;
using ClinicApi.Features.Therapists;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClinicApi.Data.Configurations;

internal sealed class TreatmentArmConfiguration : IEntityTypeConfiguration<TreatmentArm>
{
    public void Configure(EntityTypeBuilder<TreatmentArm> builder)
    {
        builder.ToTable("treatment_arms");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Code).HasMaxLength(60);
        builder.Property(a => a.Name).HasMaxLength(120);
        builder.Property(a => a.Description).HasMaxLength(1000);
        builder.Property(a => a.SessionKindCodes).HasMaxLength(300);
        builder.Property(a => a.EvidenceIdCodes).HasMaxLength(1000);
        builder.Property(a => a.Version).IsConcurrencyToken();
        builder.Ignore(a => a.SessionKinds);
        builder.Ignore(a => a.EvidenceIds);
        builder.HasIndex(a => a.Code).IsUnique();
    }
}

internal sealed class EpisodeConfiguration : IEntityTypeConfiguration<Episode>
{
    public void Configure(EntityTypeBuilder<Episode> builder)
    {
        builder.ToTable("episodes");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.ReferralReason).HasMaxLength(1000);
        builder.Property(e => e.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.DiscontinuationReason).HasMaxLength(1000);
        builder.Property(e => e.CompetencyOverrideReason).HasMaxLength(1000);
        builder.Property(e => e.EnrolmentWarnings).HasMaxLength(4000);
        builder.Property(e => e.Version).IsConcurrencyToken();
        builder.HasOne<Patient>().WithMany().HasForeignKey(e => e.PatientId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<TreatmentArm>().WithMany().HasForeignKey(e => e.ArmId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Therapist>().WithMany().HasForeignKey(e => e.PrimaryTherapistId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Episode>().WithMany().HasForeignKey(e => e.PreviousEpisodeId).OnDelete(DeleteBehavior.Restrict);
        // One active episode per patient, guaranteed by the database even when enrolments race.
        builder.HasIndex(e => e.PatientId).IsUnique().HasFilter("status = 'Active'").HasDatabaseName("ux_episodes_one_active_per_patient");
        builder.HasIndex(e => new { e.PatientId, e.StartDate });
    }
}

internal sealed class MeasurementConfiguration : IEntityTypeConfiguration<Measurement>
{
    public void Configure(EntityTypeBuilder<Measurement> builder)
    {
        builder.ToTable("measurements");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedNever();
        builder.Property(m => m.Instrument).HasMaxLength(40);
        builder.Property(m => m.RecordedBy).HasMaxLength(100);
        builder.Property(m => m.Items).HasMaxLength(400);
        builder.Property(m => m.Interpretation).HasMaxLength(40);
        builder.HasOne<Patient>().WithMany().HasForeignKey(m => m.PatientId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Episode>().WithMany().HasForeignKey(m => m.EpisodeId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(m => new { m.PatientId, m.Instrument, m.TakenAt });
        builder.HasIndex(m => m.EpisodeId);
    }
}
