using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClinicApi.Data.Configurations;

internal sealed class PatientConfiguration : IEntityTypeConfiguration<Patient>
{
    public void Configure(EntityTypeBuilder<Patient> builder)
    {
        builder.ToTable("patients");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.MedicalRecordNumber).HasMaxLength(Patient.MedicalRecordNumberMax);
        builder.Property(p => p.GivenName).HasMaxLength(Patient.NameMax);
        builder.Property(p => p.FamilyName).HasMaxLength(Patient.NameMax);
        builder.Property(p => p.SearchName).HasMaxLength(2 * Patient.NameMax + 1);
        builder.Property(p => p.Sex).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.Email).HasMaxLength(Patient.EmailMax);
        builder.Property(p => p.Phone).HasMaxLength(Patient.PhoneMax);
        builder.Property(p => p.Notes).HasMaxLength(Patient.NotesMax);
        builder.Property(p => p.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.HasIndex(p => p.MedicalRecordNumber).IsUnique();
        builder.HasIndex(p => new { p.Status, p.FamilyName, p.GivenName, p.Id });
    }
}
