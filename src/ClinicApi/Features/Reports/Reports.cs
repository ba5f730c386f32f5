using System.Globalization;
using System.Text;
using ClinicApi.Data;
using ClinicApi.Features.Evidence;
using ClinicApi.Features.Measurements;
using ClinicApi.Infrastructure;
using ClinicApi.Outcomes;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Reports;

public sealed class CohortQuery
{
    /// <summary>Episodes that started on or after this date.</summary>
    public DateOnly? From { get; init; }

    /// <summary>Episodes that started on or before this date.</summary>
    public DateOnly? To { get; init; }

    public Guid? ArmId { get; init; }

    public Guid? TherapistId { get; init; }

    /// <summary>Instrument code (default pain-nrs).</summary>
    public string? Instrument { get; init; }
}

public sealed class CohortQueryValidator : AbstractValidator<CohortQuery>
{
    public CohortQueryValidator()
    {
        RuleFor(q => q.To).GreaterThanOrEqualTo(q => q.From).When(q => q.From is not null && q.To is not null).WithMessage("to must not be before from.");
        RuleFor(q => q.Instrument).Must(i => i is null || Instruments.Find(i) is not null).WithMessage("instrument is not a known instrument code.");
    }
}

public sealed record CohortReportResponse(
    string Instrument, DateOnly? From, DateOnly? To, DateOnly AsOf, int EpisodesIncluded, int ExcludedWithoutConsent, int MinimumNPerArm,
    string SignConvention, string CatalogueVersion, IReadOnlyList<ArmSummary> Arms, IReadOnlyList<ArmComparison> Comparisons);

/// <summary>Reads the rows a report needs with three set-based queries: episodes, current scores, attended sessions.</summary>
public static class CohortData
{
    public static async Task<(List<CohortEpisode> Episodes, int ExcludedWithoutConsent, List<(Guid Id, bool Active)> Status)> LoadAsync(
        ClinicDbContext db, CohortQuery query, string instrument, bool consentedOnly, CancellationToken ct)
    {
        var episodes = db.Episodes.AsNoTracking();
        if (query.From is { } from)
        {
            episodes = episodes.Where(e => e.StartDate >= from);
        }

        if (query.To is { } to)
        {
            episodes = episodes.Where(e => e.StartDate <= to);
        }

        if (query.ArmId is { } armId)
        {
            episodes = episodes.Where(e => e.ArmId == armId);
        }

        if (query.TherapistId is { } therapistId)
        {
            episodes = episodes.Where(e => e.PrimaryTherapistId == therapistId);
        }

        // Episodes with their arm and the patient's consent in one read: who is left out is counted from it.
        var all = await episodes.Join(db.Patients, e => e.PatientId, p => p.Id, (e, p) => new { Episode = e, p.ConsentToDeidentifiedReporting })
            .Join(db.Arms, x => x.Episode.ArmId, a => a.Id, (x, a) => new
            {
                x.Episode.Id, x.Episode.ArmId, a.Code, a.EvidenceIdCodes, a.Weeks, a.SessionsPerWeek, x.Episode.PrimaryTherapistId,
                x.Episode.StartDate, x.Episode.Status, Consented = x.ConsentToDeidentifiedReporting,
            }).ToListAsync(ct);
        var rows = consentedOnly ? all.Where(r => r.Consented).ToList() : all;
        var excluded = all.Count - rows.Count;
        if (consentedOnly)
        {
            episodes = episodes.Join(db.Patients.Where(p => p.ConsentToDeidentifiedReporting), e => e.PatientId, p => p.Id, (e, p) => e);
        }

        var scores = (await db.Measurements.AsNoTracking().Current().Where(m => m.Instrument == instrument)
                .Join(episodes, m => m.EpisodeId, e => (Guid?)e.Id, (m, e) => new { EpisodeId = e.Id, m.TakenAt, m.Score })
                .ToListAsync(ct))
            .ToLookup(s => s.EpisodeId, s => (s.TakenAt, s.Score));
        // Counted per episode first (an index-only scan), then matched to the report's episodes: joining every
        // session row to its episode and patient before grouping costs several times as much.
        var attended = await db.Sessions.AsNoTracking().Where(s => s.Status == SessionStatus.Attended)
            .GroupBy(s => s.EpisodeId).Select(g => new { EpisodeId = g.Key, Count = g.Count() })
            .Join(episodes, a => a.EpisodeId, e => e.Id, (a, e) => a)
            .ToDictionaryAsync(x => x.EpisodeId, x => x.Count, ct);
        // Each arm's evidence ids once, shared by its episodes.
        var evidence = rows.Select(r => (r.ArmId, r.EvidenceIdCodes)).Distinct()
            .ToDictionary(a => a.ArmId, a => (IReadOnlyList<string>)a.EvidenceIdCodes.Split(',', StringSplitOptions.RemoveEmptyEntries));
        var result = rows.Select(r => new CohortEpisode(r.Id, r.ArmId, r.Code, evidence[r.ArmId],
            r.Weeks, r.Weeks * r.SessionsPerWeek, r.PrimaryTherapistId, r.StartDate, attended.GetValueOrDefault(r.Id), scores[r.Id].ToList())).ToList();
        return (result, excluded, rows.Select(r => (r.Id, r.Status == EpisodeStatus.Active)).ToList());
    }
}

/// <summary>
/// <c>GET /reports/cohort</c> (managers): per arm and timepoint, and each arm against physiotherapy alone beside
/// the published effect. Only patients who consented to de-identified reporting are included (the report says
/// how many were left out); no names or identifiers. <c>Accept: text/csv</c> gives the same as CSV.
/// </summary>
public static class CohortReport
{
    public static async Task<IResult> HandleAsync(
        [AsParameters] CohortQuery query, ClinicDbContext db, ClinicClock clock, OutcomeSettings settings, EvidenceCatalogue catalogue,
        HttpRequest request, ILogger<CohortReportResponse> logger, CancellationToken ct)
    {
        var instrument = Instruments.Find(query.Instrument ?? Instruments.PainNrs)!;
        var (episodes, excluded, _) = await CohortData.LoadAsync(db, query, instrument.Code, consentedOnly: true, ct);
        var scored = CohortEngine.Place(episodes, settings, t => DateOnly.FromDateTime(clock.ToLocal(t)));
        var today = clock.Today;
        var arms = scored.GroupBy(s => (s.Episode.ArmId, s.Episode.ArmCode)).OrderBy(g => g.Key.ArmCode, StringComparer.Ordinal)
            .Select(g => CohortEngine.Summarise(g.Key.ArmId, g.Key.ArmCode, g.ToList(), instrument, settings, today)).ToList();
        var report = new CohortReportResponse(instrument.Code, query.From, query.To, today, episodes.Count, excluded, CohortEngine.MinimumNPerArm,
            "Changes are follow-up minus baseline (negative = improvement on every instrument here). Between-arm estimates and published figures: positive = benefit of the arm over physiotherapy alone.",
            catalogue.CatalogueVersion, arms, CohortEngine.Compare(scored, instrument, settings, catalogue));
        logger.LogInformation("Cohort report on {Instrument}: {Episodes} episodes, {Excluded} excluded without consent", instrument.Code, episodes.Count, excluded);
        return WantsCsv(request) ? TypedResults.Text(Csv(report), "text/csv; charset=utf-8") : TypedResults.Ok(report);
    }

    public static bool WantsCsv(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains("text/csv", StringComparison.OrdinalIgnoreCase));

    public static string Csv(CohortReportResponse report)
    {
        var csv = new StringBuilder();
        csv.AppendLine("row_type,arm,timepoint,eligible,n,baseline_mean,mean_change,mean_change_lower,mean_change_upper,change_sd,responders,responder_rate,responder_lower,responder_upper,missing_share,session_adherence,comparator,comparator_n,measure,clinic_estimate,clinic_lower,clinic_upper,evidence_id,published_estimate,published_lower,published_upper,verdict");
        foreach (var arm in report.Arms)
        {
            foreach (var w in arm.Windows)
            {
                csv.AppendLine(string.Join(',', "summary", arm.ArmCode, w.Timepoint, N(w.Eligible), N(w.N), N(w.BaselineMean), N(w.MeanChange?.Value), N(w.MeanChange?.Lower),
                    N(w.MeanChange?.Upper), N(w.ChangeSd), N(w.Responders), N(w.ResponderRate?.Value), N(w.ResponderRate?.Lower), N(w.ResponderRate?.Upper),
                    N(w.MissingShare), N(arm.SessionAdherence), "", "", "", "", "", "", w.ResponderThresholdEvidenceId ?? "", "", "", "", ""));
            }
        }

        foreach (var c in report.Comparisons)
        {
            csv.AppendLine(string.Join(',', "comparison", c.ArmCode, c.Timepoint, "", N(c.N), "", "", "", "", "", "", "", "", "", "", "", c.ComparatorArmCode, N(c.ComparatorN),
                c.Measure, N(c.Clinic?.Value), N(c.Clinic?.Lower), N(c.Clinic?.Upper), c.Published?.EvidenceId ?? "", N(c.Published?.Estimate),
                N(c.Published?.CiLower), N(c.Published?.CiUpper), c.Verdict));
        }

        return csv.ToString();
    }

    private static string N(double? value) => value?.ToString("0.###", CultureInfo.InvariantCulture) ?? string.Empty;

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}

public sealed record TherapistArmSummary(
    string ArmCode, int Episodes, double? SessionAdherence, string Timepoint, int N, int Responders, Estimate? ResponderRate, IReadOnlyList<Competency> MissingCompetencies);

public sealed record TherapistReportRow(
    Guid TherapistId, string GivenName, string FamilyName, bool IsActive, IReadOnlyList<Competency> Competencies, int ActiveCaseload, int Episodes,
    double? SessionAdherence, IReadOnlyList<TherapistArmSummary> Arms);

public sealed record TherapistReportResponse(string Instrument, string Timepoint, DateOnly? From, DateOnly? To, int ExcludedWithoutConsent, IReadOnlyList<TherapistReportRow> Therapists);

/// <summary>
/// <c>GET /reports/therapists</c> (managers): caseload, session adherence, responder rate per arm, and treatment
/// fidelity: the competencies each therapist holds and any an arm they deliver needs but they lack.
/// </summary>
public static class TherapistReport
{
    public const int MaxTherapists = 500;

    public sealed class Query
    {
        public DateOnly? From { get; init; }

        public DateOnly? To { get; init; }

        public string? Instrument { get; init; }

        /// <summary>The timepoint responder rates are read at (default end-of-treatment).</summary>
        public string? Timepoint { get; init; }
    }

    public sealed class QueryValidator : AbstractValidator<Query>
    {
        public QueryValidator(OutcomeSettings settings)
        {
            RuleFor(q => q.To).GreaterThanOrEqualTo(q => q.From).When(q => q.From is not null && q.To is not null).WithMessage("to must not be before from.");
            RuleFor(q => q.Instrument).Must(i => i is null || Instruments.Find(i) is not null).WithMessage("instrument is not a known instrument code.");
            RuleFor(q => q.Timepoint).Must(t => t is null || settings.Timepoints.Any(w => w.Code == t && w.Code != CohortEngine.Baseline))
                .WithMessage("timepoint is one of the follow-up timepoints.");
        }
    }

    public static async Task<Ok<TherapistReportResponse>> HandleAsync(
        [AsParameters] Query query, ClinicDbContext db, ClinicClock clock, OutcomeSettings settings, CancellationToken ct)
    {
        var instrument = Instruments.Find(query.Instrument ?? Instruments.PainNrs)!;
        var timepoint = query.Timepoint ?? "end-of-treatment";
        var (episodes, excluded, status) = await CohortData.LoadAsync(db, new CohortQuery { From = query.From, To = query.To }, instrument.Code, consentedOnly: true, ct);
        var active = status.Where(s => s.Active).Select(s => s.Id).ToHashSet();
        var scored = CohortEngine.Place(episodes, settings, t => DateOnly.FromDateTime(clock.ToLocal(t))).ToLookup(s => s.Episode.TherapistId);
        var arms = await db.Arms.AsNoTracking().ToDictionaryAsync(a => a.Id, ct);
        var therapists = await db.Therapists.AsNoTracking().Include(t => t.Competencies)
            .OrderBy(t => t.FamilyName).ThenBy(t => t.GivenName).ThenBy(t => t.Id).Take(MaxTherapists).ToListAsync(ct);
        var today = clock.Today;
        var rows = therapists.Select(t =>
        {
            var own = scored[t.Id].ToList();
            var perArm = own.GroupBy(s => s.Episode.ArmId).OrderBy(g => g.First().Episode.ArmCode, StringComparer.Ordinal).Select(g =>
            {
                var summary = CohortEngine.Summarise(g.Key, g.First().Episode.ArmCode, g.ToList(), instrument, settings, today);
                var window = summary.Windows.First(w => w.Timepoint == timepoint);
                var missing = arms.TryGetValue(g.Key, out var arm)
                    ? arm.SessionKinds.Select(SessionKinds.RequiredCompetency).Distinct().Where(c => !t.Holds(c)).ToList()
                    : [];
                return new TherapistArmSummary(summary.ArmCode, summary.Episodes, summary.SessionAdherence, timepoint, window.N, window.Responders,
                    window.ResponderRate, missing);
            }).ToList();
            var planned = own.Where(s => s.Episode.PlannedSessions > 0).ToList();
            return new TherapistReportRow(t.Id, t.GivenName, t.FamilyName, t.IsActive, t.Competencies.Select(c => c.Competency).Order().ToList(),
                own.Count(s => active.Contains(s.Episode.Id)), own.Count,
                planned.Count > 0 ? Math.Round(planned.Average(s => Math.Min(1.0, (double)s.Episode.Attended / s.Episode.PlannedSessions)), 3) : null,
                perArm);
        }).ToList();
        return TypedResults.Ok(new TherapistReportResponse(instrument.Code, timepoint, query.From, query.To, excluded, rows));
    }
}

public sealed record OffTrackItem(
    Guid EpisodeId, Guid PatientId, string MedicalRecordNumber, string GivenName, string FamilyName, string ArmCode,
    string Classification, string Rule, double Severity, double? LatestWeek, double? LatestScore);

/// <summary>
/// <c>GET /worklists/off-track?therapistId=</c>: the therapist's patients (active episodes, and those ended within
/// the follow-up horizon) who are behind the expected band or rebounding, most severe first. Two queries in all.
/// </summary>
public static class OffTrackWorklist
{
    public const int Max = 200;

    public sealed class Query
    {
        public Guid? TherapistId { get; init; }

        public string? Instrument { get; init; }
    }

    public sealed class QueryValidator : AbstractValidator<Query>
    {
        public QueryValidator()
        {
            RuleFor(q => q.TherapistId).NotEmpty();
            RuleFor(q => q.Instrument).Must(i => i is null || Instruments.Find(i) is not null).WithMessage("instrument is not a known instrument code.");
        }
    }

    public static async Task<Results<Ok<List<OffTrackItem>>, ProblemHttpResult>> HandleAsync(
        [AsParameters] Query query, ClinicDbContext db, ClinicClock clock, OutcomeSettings settings, EvidenceCatalogue catalogue, HttpContext http,
        CancellationToken ct)
    {
        var therapistId = query.TherapistId!.Value;
        if (!await db.Therapists.AnyAsync(t => t.Id == therapistId, ct))
        {
            return Problems.NotFound("therapist", therapistId);
        }

        if (CareTeam.IsRestricted(http.User) && await CareTeam.TherapistIdAsync(http, db, ct) != therapistId)
        {
            return CareTeam.OwnOnly("worklist");
        }

        var instrument = Instruments.Find(query.Instrument ?? Instruments.PainNrs)!;
        var endedSince = clock.Today.AddDays(-7 * settings.FollowUpWeeksAfterEnd);
        var episodes = db.Episodes.AsNoTracking().Where(e => e.PrimaryTherapistId == therapistId &&
                                                             (e.Status == EpisodeStatus.Active || (e.EndDate != null && e.EndDate >= endedSince)));
        var rows = await episodes.Join(db.Patients, e => e.PatientId, p => p.Id, (e, p) => new { Episode = e, p.MedicalRecordNumber, p.GivenName, p.FamilyName })
            .ToListAsync(ct);
        var scores = (await db.Measurements.AsNoTracking().Current().Where(m => m.Instrument == instrument.Code)
                .Join(episodes, m => m.EpisodeId, e => (Guid?)e.Id, (m, e) => new { EpisodeId = e.Id, Id = m.RootId ?? m.Id, m.TakenAt, m.Score })
                .ToListAsync(ct))
            .ToLookup(s => s.EpisodeId);
        var arms = await db.Arms.AsNoTracking().ToDictionaryAsync(a => a.Id, ct);
        var items = new List<OffTrackItem>();
        foreach (var row in rows)
        {
            var input = new TrajectoryInput(row.Episode.PatientId, row.Episode.Id, row.Episode.StartDate, arms[row.Episode.ArmId],
                scores[row.Episode.Id].Select(s => (s.Id, s.TakenAt, s.Score)).ToList());
            var trajectory = TrajectoryEngine.Build(input, instrument, settings, catalogue, clock);
            if (trajectory.Classification is Classification.Behind or Classification.Rebounding)
            {
                var latest = trajectory.Observed.Count > 0 ? trajectory.Observed[^1] : null;
                items.Add(new OffTrackItem(row.Episode.Id, row.Episode.PatientId, row.MedicalRecordNumber, row.GivenName, row.FamilyName,
                    trajectory.ArmCode, trajectory.Classification, trajectory.ClassificationRule, trajectory.Severity, latest?.Week, latest?.Score));
            }
        }

        return TypedResults.Ok(items.OrderByDescending(i => i.Severity).ThenBy(i => i.EpisodeId).Take(Max).ToList());
    }
}

public static class ReportsEndpoints
{
    public static void MapReports(this IEndpointRouteBuilder api)
    {
        var clinical = api.MapGroup("").WithTags("Reports").RequireAuthorization(Policies.Clinical);
        clinical.MapGet("/patients/{id:guid}/trajectory", PatientTrajectory.HandleAsync).WithName("GetPatientTrajectory")
            .WithSummary("A patient's trajectory on one instrument against the expected reference for their arm, with band, MIC status and classification")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        clinical.MapGet("/patients/{id:guid}/trajectory.svg", PatientTrajectory.SvgAsync).WithName("GetPatientTrajectoryChart")
            .WithSummary("The same trajectory as an SVG chart (observed line, expected line, band, end-of-treatment marker)")
            .Produces<string>(StatusCodes.Status200OK, "image/svg+xml")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        clinical.MapGet("/worklists/off-track", OffTrackWorklist.HandleAsync).WithName("GetOffTrackWorklist")
            .WithSummary("A therapist's patients behind the expected band or rebounding, most severe first")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var reports = api.MapGroup("/reports").WithTags("Reports").RequireAuthorization(Policies.Reports);
        reports.MapGet("/cohort", CohortReport.HandleAsync).WithName("GetCohortReport")
            .WithSummary("Per arm and timepoint outcomes, and each arm against physiotherapy alone beside the published effect (JSON, or CSV with Accept: text/csv)")
            .Produces<CohortReportResponse>().WithMetadata(new CsvAlternativeAttribute());
        reports.MapGet("/therapists", TherapistReport.HandleAsync).WithName("GetTherapistReport")
            .WithSummary("Caseload, adherence, responder rate per arm and competencies (treatment fidelity) per therapist");
    }
}
