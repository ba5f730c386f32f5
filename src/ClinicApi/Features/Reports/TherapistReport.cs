using ClinicApi.Data;
using ClinicApi.Features.Measurements;
using ClinicApi.Infrastructure;
using ClinicApi.Outcomes;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ClinicApi.Features.Reports;

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

        [OpenApiValues(typeof(Instruments), nameof(Instruments.Codes))]
        public string? Instrument { get; init; }

        /// <summary>The timepoint responder rates are read at (default end-of-treatment).</summary>
        public string? Timepoint { get; init; }
    }

    public sealed class QueryValidator : AbstractValidator<Query>
    {
        public QueryValidator(OutcomeSettings settings)
        {
            this.OptionalPeriod(q => q.From, q => q.To);
            RuleFor(q => q.Instrument).KnownInstrument();
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
