using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClinicApi.Data.Configurations;

internal sealed class CareTeamMemberConfiguration : IEntityTypeConfiguration<CareTeamMember>
{
    public void Configure(EntityTypeBuilder<CareTeamMember> builder)
    {
        builder.ToTable("care_team_members");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedNever();
        builder.Property(m => m.Reason).HasMaxLength(CareTeamMember.ReasonMax);
        builder.Property(m => m.AddedBy).HasMaxLength(CareTeamMember.UserMax);
        builder.Property(m => m.EndedBy).HasMaxLength(CareTeamMember.UserMax);
        builder.Property(m => m.EndReason).HasMaxLength(CareTeamMember.ReasonMax);
        builder.HasOne<Patient>().WithMany().HasForeignKey(m => m.PatientId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Therapist>().WithMany().HasForeignKey(m => m.TherapistId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(m => new { m.PatientId, m.TherapistId });
        builder.HasIndex(m => new { m.TherapistId, m.PatientId });
    }
}
