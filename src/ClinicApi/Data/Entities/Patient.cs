
namespace ClinicApi.Data;

/// <summary>Administrative sex, as FHIR codes it.</summary>
public enum Sex
{
    Female,
    Male,
    Other,
    Unknown,
}

public enum PatientStatus
{
    Active,
    Archived,
}

/// <summary>A person treated by the clinic. Never deleted: archiving hides a patient from day-to-day lists.</summary>
public sealed class Patient : IVersioned, INamed
{
    // Column lengths: the model (Data/Configurations) and the validators read these, so the two cannot drift.
    public const int MedicalRecordNumberMax = 32;
    public const int NameMax = 100;
    public const int EmailMax = 254;
    public const int PhoneMax = 32;
    public const int NotesMax = 2000;

    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>The clinic's own record number, unique.</summary>
    public required string MedicalRecordNumber { get; set; }

    public required string GivenName { get; set; }

    public required string FamilyName { get; set; }

    /// <summary>Lower-cased "family given", so name search is case-insensitive on both providers.</summary>
    public string SearchName { get; private set; } = string.Empty;

    public DateOnly DateOfBirth { get; set; }

    public Sex Sex { get; set; }

    public string? Email { get; set; }

    public string? Phone { get; set; }

    /// <summary>When the current episode of back pain began (given, or derived from a duration at registration).</summary>
    public DateOnly? PainOnsetDate { get; set; }

    public bool HasAnxiety { get; set; }

    public bool HasDepression { get; set; }

    /// <summary>Consent to the use of de-identified data in the clinic's own reports.</summary>
    public bool ConsentToDeidentifiedReporting { get; set; }

    public string? Notes { get; set; }

    public PatientStatus Status { get; set; } = PatientStatus.Active;

    public DateTime CreatedAt { get; init; }

    public DateTime UpdatedAt { get; set; }

    public DateTime? ArchivedAt { get; set; }

    /// <summary>When the identity fields were irreversibly pseudonymised on the patient's request.</summary>
    public DateTime? ErasedAt { get; set; }

    public int Version { get; set; } = 1;

    public void Rename(string givenName, string familyName)
    {
        GivenName = givenName;
        FamilyName = familyName;
        SearchName = SearchKey(familyName + " " + givenName);
    }

    public static string SearchKey(string text) => text.Trim().ToLowerInvariant();
}
