using System.Globalization;
using System.Text;
using ClinicApi.Data;
using ClinicApi.Features.Evidence;
using ClinicApi.Features.Measurements;
using ClinicApi.Infrastructure;
using ClinicApi.Outcomes;
using FluentValidation;

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
    [OpenApiValues(typeof(Instruments), nameof(Instruments.Codes))]
    public string? Instrument { get; init; }
}

public sealed class CohortQueryValidator : AbstractValidator<CohortQuery>
{
    public CohortQueryValidator()
    {
        this.OptionalPeriod(q => q.From, q => q.To);
        RuleFor(q => q.Instrument).KnownInstrument();
    }
}

public sealed record CohortReportResponse(
    string Instrument, DateOnly? From, DateOnly? To, DateOnly AsOf, int EpisodesIncluded, int ExcludedWithoutConsent, int MinimumNPerArm,
    string SignConvention, string CatalogueVersion, IReadOnlyList<ArmSummary> Arms, IReadOnlyList<ArmComparison> Comparisons);

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
        csv.AppendLine("row_type,arm,timepoint,eligible,n,baseline_mean,mean_change,mean_change_lower,mean_change_upper,change_sd,responders,responder_rate,responder_lower,responder_upper,missing_share,session_adherence,comparator,comparator_n,measure,clinic_estimate,clinic_lower,clinic_upper,evidence_id,published_estimate,published_lower,published_upper,verdict,clinic_measure,difference,difference_lower,difference_upper,insufficient_data,baseline_sd,follow_up_mean,follow_up_sd");
        foreach (var arm in report.Arms)
        {
            foreach (var w in arm.Windows)
            {
                csv.AppendLine(string.Join(',', "summary", arm.ArmCode, w.Timepoint, N(w.Eligible), N(w.N), N(w.BaselineMean), N(w.MeanChange?.Value), N(w.MeanChange?.Lower),
                    N(w.MeanChange?.Upper), N(w.ChangeSd), N(w.Responders), N(w.ResponderRate?.Value), N(w.ResponderRate?.Lower), N(w.ResponderRate?.Upper),
                    N(w.MissingShare), N(arm.SessionAdherence), "", "", "", "", "", "", w.ResponderThresholdEvidenceId ?? "", "", "", "", "",
                    "", "", "", "", w.InsufficientData ? "true" : "false", N(w.BaselineSd), N(w.FollowUpMean), N(w.FollowUpSd)));
            }
        }

        foreach (var c in report.Comparisons)
        {
            csv.AppendLine(string.Join(',', "comparison", c.ArmCode, c.Timepoint, "", N(c.N), "", "", "", "", "", "", "", "", "", "", "", c.ComparatorArmCode, N(c.ComparatorN),
                c.Measure, N(c.Clinic?.Value), N(c.Clinic?.Lower), N(c.Clinic?.Upper), c.Published?.EvidenceId ?? "", N(c.Published?.Estimate),
                N(c.Published?.CiLower), N(c.Published?.CiUpper), c.Verdict, c.ClinicMeasure, N(c.Difference?.Value), N(c.Difference?.Lower), N(c.Difference?.Upper),
                c.InsufficientData ? "true" : "false", "", "", ""));
        }

        return csv.ToString();
    }

    private static string N(double? value) => value?.ToString("0.###", CultureInfo.InvariantCulture) ?? string.Empty;

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
