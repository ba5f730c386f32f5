using ClinicApi.Data;

namespace ClinicApi.Features.Measurements;

public sealed record MeasurementResponse(
    Guid Id,
    Guid VersionId,
    int Version,
    MeasurementStatus Status,
    string? Reason,
    Guid PatientId,
    Guid? EpisodeId,
    string Instrument,
    DateTime TakenAt,
    string RecordedBy,
    double Score,
    double? Subscore,
    IReadOnlyList<int?>? Items,
    string? Interpretation,
    double? WeeksSinceEpisodeStart,
    string Timepoint,
    DateTime RecordedAt);
