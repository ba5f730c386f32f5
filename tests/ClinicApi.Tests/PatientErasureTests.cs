using ClinicApi.Data;
using ClinicApi.Features.Patients;

namespace ClinicApi.Tests;

/// <summary>The patient row's part of erasure (POST /patients/{id}/erase), without a database.</summary>
public sealed class PatientErasureTests
{
    private static readonly DateTime Now = new(2026, 12, 1, 9, 30, 0, DateTimeKind.Utc);

    private static Patient Identified() => new()
    {
        MedicalRecordNumber = "MRN-0042",
        GivenName = "Ada",
        FamilyName = "Lovelace",
        DateOfBirth = new DateOnly(1980, 7, 14),
        Email = "ada@example.org",
        Phone = "+44 20 7946 0000",
        Notes = "Prefers morning sessions.",
        CreatedAt = Now.AddYears(-1),
    };

    [Fact]
    public void Replaces_every_identifier_with_the_pseudonym()
    {
        var patient = Identified();

        DataSubjectRights.Pseudonymise(patient, "  Subject request  ", "A1B2C3D4E5F6", Now);

        Assert.Equal("Erased", patient.GivenName);
        Assert.Equal("Patient A1B2C3D4E5F6", patient.FamilyName);
        Assert.Equal("ERASED-A1B2C3D4E5F6", patient.MedicalRecordNumber);
        Assert.Null(patient.Email);
        Assert.Null(patient.Phone);
        Assert.Equal("Identity erased on request: Subject request", patient.Notes);
    }

    [Fact]
    public void Keeps_only_the_year_of_birth()
    {
        var patient = Identified();

        DataSubjectRights.Pseudonymise(patient, "request", "P", Now);

        Assert.Equal(new DateOnly(1980, 1, 1), patient.DateOfBirth);
    }

    [Fact]
    public void Archives_and_stamps_the_erasure()
    {
        var patient = Identified();

        DataSubjectRights.Pseudonymise(patient, "request", "P", Now);

        Assert.Equal(PatientStatus.Archived, patient.Status);
        Assert.Equal(Now, patient.ArchivedAt);
        Assert.Equal(Now, patient.ErasedAt);
        Assert.Equal(Now, patient.UpdatedAt);
    }

    [Fact]
    public void Keeps_an_earlier_archive_date()
    {
        var patient = Identified();
        var archived = Now.AddDays(-30);
        patient.Status = PatientStatus.Archived;
        patient.ArchivedAt = archived;

        DataSubjectRights.Pseudonymise(patient, "request", "P", Now);

        Assert.Equal(archived, patient.ArchivedAt);
    }
}
