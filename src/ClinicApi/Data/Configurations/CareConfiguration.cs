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

        // Versions: added to a table that already held screenings, so the new columns carry defaults that
        // describe those rows (first and only version, as recorded, current).
        builder.Ignore(m => m.MeasurementId);
        builder.Property(m => m.Version).HasDefaultValue(1);
        builder.Property(m => m.Status).HasConversion<string>().HasMaxLength(20).HasDefaultValue(MeasurementStatus.Final);
        builder.Property(m => m.Superseded).HasDefaultValue(false);
        builder.Property(m => m.Reason).HasMaxLength(500);
        // Two corrections of the same version race for the same next version number: the database keeps one.
        builder.HasIndex(m => new { m.RootId, m.Version }).IsUnique();
        builder.HasIndex(m => new { m.Instrument, m.EpisodeId });
        // Reports read every current score of one instrument: answered from this index alone.
        builder.HasIndex(m => new { m.Instrument, m.EpisodeId, m.TakenAt, m.Score }).HasDatabaseName("ix_measurements_current_scores")
            .HasFilter(SchemaNames.CurrentScoresFilter);
    }
}

internal sealed class AdverseEventConfiguration : IEntityTypeConfiguration<AdverseEvent>
{
    public void Configure(EntityTypeBuilder<AdverseEvent> builder)
    {
        builder.ToTable("adverse_events");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Severity).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.Relatedness).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.Code).HasConversion<string>().HasMaxLength(40);
        builder.Property(a => a.Description).HasMaxLength(200);
        builder.Property(a => a.RecordedBy).HasMaxLength(100);
        builder.HasOne<Patient>().WithMany().HasForeignKey(a => a.PatientId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Episode>().WithMany().HasForeignKey(a => a.EpisodeId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(a => new { a.EpisodeId, a.OccurredOn });
    }
}
