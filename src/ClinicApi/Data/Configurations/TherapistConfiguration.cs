using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClinicApi.Data.Configurations;

internal sealed class TherapistConfiguration : IEntityTypeConfiguration<Therapist>
{
    public void Configure(EntityTypeBuilder<Therapist> builder)
    {
        builder.ToTable("therapists");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.GivenName).HasMaxLength(Therapist.NameMax);
        builder.Property(t => t.FamilyName).HasMaxLength(Therapist.NameMax);
        builder.Property(t => t.Email).HasMaxLength(Therapist.EmailMax);
        builder.Property(t => t.RegistrationNumber).HasMaxLength(Therapist.RegistrationNumberMax);
        builder.Property(t => t.Version).IsConcurrencyToken();
        builder.HasIndex(t => t.RegistrationNumber).IsUnique();
        builder.Property(t => t.UserId).HasMaxLength(Therapist.UserIdMax);
        builder.HasIndex(t => t.UserId).IsUnique();
        builder.HasIndex(t => new { t.FamilyName, t.GivenName, t.Id });
        builder.HasMany(t => t.Competencies).WithOne().HasForeignKey(c => c.TherapistId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(t => t.Competencies).AutoInclude();
    }
}

internal sealed class TherapistCompetencyConfiguration : IEntityTypeConfiguration<TherapistCompetency>
{
    public void Configure(EntityTypeBuilder<TherapistCompetency> builder)
    {
        builder.ToTable("therapist_competencies");
        builder.HasKey(c => new { c.TherapistId, c.Competency });
        builder.Property(c => c.Competency).HasConversion<string>().HasMaxLength(40);
        builder.HasIndex(c => c.Competency);
    }
}
