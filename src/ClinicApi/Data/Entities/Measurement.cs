namespace ClinicApi.Data;

/// <summary>The state of one version of a measurement (the FHIR Observation status words).</summary>
public enum MeasurementStatus
{
    /// <summary>As first recorded.</summary>
    Final,

    /// <summary>A correction of an earlier version, with a reason.</summary>
    Amended,

    /// <summary>Withdrawn: recorded by mistake. Kept for the record, left out of every report.</summary>
    EnteredInError,
}

/// <summary>
/// One version of one measurement of one instrument for a patient: its total, a subscale where the instrument
/// has one, and the item answers it was scored from. Versions are never overwritten: a correction adds a
/// version (same <see cref="MeasurementId"/>, next <see cref="Version"/>) and marks the previous one
/// superseded. Reports read the current version only (<see cref="MeasurementQueries.Current"/>).
/// STarT Back screenings are measurements too.
/// </summary>
public sealed class Measurement
{
    /// <summary>Id of this version's row.</summary>
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>The logical measurement every version belongs to: the first version's id, null on the first version itself.</summary>
    public Guid? RootId { get; init; }

    public Guid MeasurementId => RootId ?? Id;

    public int Version { get; init; } = 1;

    public MeasurementStatus Status { get; init; }

    /// <summary>A later version replaced this one.</summary>
    public bool Superseded { get; set; }

    /// <summary>Why this version was amended or withdrawn.</summary>
    public string? Reason { get; init; }

    public Guid PatientId { get; init; }

    public Guid? EpisodeId { get; init; }

    public required string Instrument { get; init; }

    public DateTime TakenAt { get; init; }

    /// <summary>The signed-in user who recorded this version (token subject).</summary>
    public required string RecordedBy { get; init; }

    public double Score { get; init; }

    public double? Subscore { get; init; }

    /// <summary>Item answers in order, comma-separated, an empty place for a skipped item; null when only a total was recorded.</summary>
    public string? Items { get; init; }

    /// <summary>An instrument-specific interpretation, e.g. the STarT Back risk group.</summary>
    public string? Interpretation { get; init; }

    public DateTime CreatedAt { get; init; }

    public static string? FormatItems(IReadOnlyList<int?>? items) =>
        items is null ? null : string.Join(',', items.Select(i => i?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty));

    public static IReadOnlyList<int?>? ParseItems(string? items) =>
        items?.Split(',').Select(i => i.Length == 0 ? (int?)null : int.Parse(i, System.Globalization.CultureInfo.InvariantCulture)).ToList();
}

public static class MeasurementQueries
{
    /// <summary>The versions reports and lists use: not superseded and not withdrawn.</summary>
    public static IQueryable<Measurement> Current(this IQueryable<Measurement> measurements) =>
        measurements.Where(m => !m.Superseded && m.Status != MeasurementStatus.EnteredInError);
}
