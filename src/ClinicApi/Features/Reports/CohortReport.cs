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

    /// <summary>
    /// The CSV's columns, in order: the first 27 as they always were (readers may rely on them), then what was added
    /// so the CSV carries every figure of the JSON: labels, the verdict's inputs, the flags, the trial-table means and
    /// SDs, the missing count, the published figure as its source reports it (sign and all) with citation and
    /// certainty, and <c>meta</c> rows (sign convention, consent exclusions, catalogue version, instrument, dates).
    /// </summary>
    private static readonly string[] s_columns =
    [
        "row_type", "arm", "timepoint", "eligible", "n", "baseline_mean", "mean_change", "mean_change_lower", "mean_change_upper", "change_sd",
        "responders", "responder_rate", "responder_lower", "responder_upper", "missing_share", "session_adherence", "comparator", "comparator_n",
        "measure", "clinic_estimate", "clinic_lower", "clinic_upper", "evidence_id", "published_estimate", "published_lower", "published_upper", "verdict",
        "clinic_measure", "difference", "difference_lower", "difference_upper", "insufficient_data", "baseline_sd", "follow_up_mean", "follow_up_sd",
        "missing", "published_as_reported", "published_as_reported_lower", "published_as_reported_upper", "citation", "certainty", "meta_key", "meta_value",
    ];

    public static string Csv(CohortReportResponse report)
    {
        var csv = new StringBuilder();
        csv.AppendLine(string.Join(',', s_columns));
        void Row(Dictionary<string, string> cells) =>
            csv.AppendLine(string.Join(',', s_columns.Select(c => Field(cells.GetValueOrDefault(c, string.Empty)))));

        foreach (var arm in report.Arms)
        {
            foreach (var w in arm.Windows)
            {
                Row(new()
                {
                    ["row_type"] = "summary", ["arm"] = arm.ArmCode, ["timepoint"] = w.Timepoint, ["eligible"] = N(w.Eligible), ["n"] = N(w.N),
                    ["baseline_mean"] = N(w.BaselineMean), ["mean_change"] = N(w.MeanChange?.Value), ["mean_change_lower"] = N(w.MeanChange?.Lower),
                    ["mean_change_upper"] = N(w.MeanChange?.Upper), ["change_sd"] = N(w.ChangeSd), ["responders"] = N(w.Responders),
                    ["responder_rate"] = N(w.ResponderRate?.Value), ["responder_lower"] = N(w.ResponderRate?.Lower), ["responder_upper"] = N(w.ResponderRate?.Upper),
                    ["missing_share"] = N(w.MissingShare), ["session_adherence"] = N(arm.SessionAdherence), ["evidence_id"] = w.ResponderThresholdEvidenceId ?? string.Empty,
                    ["insufficient_data"] = Bool(w.InsufficientData), ["baseline_sd"] = N(w.BaselineSd), ["follow_up_mean"] = N(w.FollowUpMean),
                    ["follow_up_sd"] = N(w.FollowUpSd), ["missing"] = N(w.Missing),
                });
            }
        }

        foreach (var c in report.Comparisons)
        {
            Row(new()
            {
                ["row_type"] = "comparison", ["arm"] = c.ArmCode, ["timepoint"] = c.Timepoint, ["n"] = N(c.N), ["comparator"] = c.ComparatorArmCode,
                ["comparator_n"] = N(c.ComparatorN), ["measure"] = c.Measure, ["clinic_estimate"] = N(c.Clinic?.Value), ["clinic_lower"] = N(c.Clinic?.Lower),
                ["clinic_upper"] = N(c.Clinic?.Upper), ["evidence_id"] = c.Published?.EvidenceId ?? string.Empty, ["published_estimate"] = N(c.Published?.Estimate),
                ["published_lower"] = N(c.Published?.CiLower), ["published_upper"] = N(c.Published?.CiUpper), ["verdict"] = c.Verdict,
                ["clinic_measure"] = c.ClinicMeasure, ["difference"] = N(c.Difference?.Value), ["difference_lower"] = N(c.Difference?.Lower),
                ["difference_upper"] = N(c.Difference?.Upper), ["insufficient_data"] = Bool(c.InsufficientData),
                ["published_as_reported"] = N(c.Published?.PublishedEstimate), ["published_as_reported_lower"] = N(c.Published?.PublishedCiLower),
                ["published_as_reported_upper"] = N(c.Published?.PublishedCiUpper), ["citation"] = c.Published?.Citation ?? string.Empty,
                ["certainty"] = c.Published?.Certainty ?? string.Empty,
            });
        }

        foreach (var (key, value) in new[]
                 {
                     ("instrument", report.Instrument), ("from", report.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty),
                     ("to", report.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty),
                     ("as_of", report.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("episodes_included", N(report.EpisodesIncluded)),
                     ("excluded_without_consent", N(report.ExcludedWithoutConsent)), ("minimum_n_per_arm", N(report.MinimumNPerArm)),
                     ("sign_convention", report.SignConvention), ("catalogue_version", report.CatalogueVersion),
                 })
        {
            Row(new() { ["row_type"] = "meta", ["meta_key"] = key, ["meta_value"] = value });
        }

        return csv.ToString();
    }

    /// <summary>RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.</summary>
    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? string.Concat("\"", value.Replace("\"", "\"\"", StringComparison.Ordinal), "\"") : value;

    private static string Bool(bool value) => value ? "true" : "false";

    private static string N(double? value) => value?.ToString("0.###", CultureInfo.InvariantCulture) ?? string.Empty;

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
