namespace ClinicApi.Features.Screening;

/// <summary>Instrument codes of the outcome catalogue.</summary>
public static class InstrumentCodes
{
    public const string StartBack = "start-back";
}

/// <summary>
/// One measurement of one instrument for a patient: its total, a subscale where the instrument has one, and the
/// item answers it was scored from. STarT Back screenings are stored here, with the patient's other measurements.
/// </summary>
public sealed class Measurement
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid PatientId { get; init; }

    public Guid? EpisodeId { get; init; }

    public required string Instrument { get; init; }

    public DateTime TakenAt { get; init; }

    /// <summary>The signed-in user who recorded it (token subject).</summary>
    public required string RecordedBy { get; init; }

    public double Score { get; init; }

    public double? Subscore { get; init; }

    /// <summary>Item answers in order, comma-separated; null when only a total was recorded.</summary>
    public string? Items { get; init; }

    /// <summary>An instrument-specific interpretation, e.g. the STarT Back risk group.</summary>
    public string? Interpretation { get; init; }

    public DateTime CreatedAt { get; init; }
}
