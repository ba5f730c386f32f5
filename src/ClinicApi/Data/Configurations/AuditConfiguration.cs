using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClinicApi.Data.Configurations;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.ToTable("audit_events");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.UserId).HasMaxLength(100);
        builder.Property(a => a.Role).HasMaxLength(20);
        builder.Property(a => a.Action).HasMaxLength(100);
        builder.Property(a => a.ResourceType).HasMaxLength(40);
        builder.Property(a => a.Outcome).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.TraceId).HasMaxLength(64);
        builder.HasIndex(a => new { a.At, a.Id });
        builder.HasIndex(a => new { a.ResourceType, a.ResourceId });
        builder.HasIndex(a => new { a.UserId, a.At });
        builder.HasIndex(a => new { a.PatientId, a.At });
    }
}
