using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClinicApi.Data.Configurations;

internal sealed class StudyConfiguration : IEntityTypeConfiguration<Study>
{
    public void Configure(EntityTypeBuilder<Study> builder)
    {
        builder.ToTable("studies");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Name).HasMaxLength(200);
        builder.Property(s => s.ArmIdList).HasMaxLength(400);
        builder.Property(s => s.RatioList).HasMaxLength(100);
        builder.Property(s => s.BlockMultiplierList).HasMaxLength(100);
        builder.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.Version).IsConcurrencyToken();
    }
}

internal sealed class AllocationConfiguration : IEntityTypeConfiguration<Allocation>
{
    public void Configure(EntityTypeBuilder<Allocation> builder)
    {
        builder.ToTable("allocations");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Stratum).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.AllocatedBy).HasMaxLength(100);
        builder.HasOne<Study>().WithMany().HasForeignKey(a => a.StudyId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<TreatmentArm>().WithMany().HasForeignKey(a => a.ArmId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Patient>().WithMany().HasForeignKey(a => a.PatientId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Episode>().WithMany().HasForeignKey(a => a.EpisodeId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Measurement>().WithMany().HasForeignKey(a => a.ScreeningId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(a => new { a.StudyId, a.Stratum, a.Sequence }).IsUnique();
        builder.HasIndex(a => new { a.StudyId, a.PatientId }).IsUnique();
    }
}
