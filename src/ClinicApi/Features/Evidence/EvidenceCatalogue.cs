using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClinicApi.Features.Evidence;

public sealed record EvidenceSource(string Id, string Citation, string? Doi, string Design, IReadOnlyDictionary<string, string> Windows, string Notes);

/// <summary>A published between-group effect. <see cref="Estimate"/> and its CI: positive = benefit over the comparator.</summary>
public sealed record EvidenceEffect(
    string Id, string Source, string Treatment, string Comparator, string Outcome, string Window, string Measure,
    double Estimate, double CiLower, double CiUpper, double PublishedEstimate, double PublishedCiLower, double PublishedCiUpper, string Certainty);

public sealed record TrajectoryPoint(double Week, double Mean, double Sd);

/// <summary>A published arm trajectory: mean and SD by week since the start of treatment.</summary>
public sealed record EvidenceTrajectory(string Id, string Source, string Arm, string Instrument, int N, double EndOfTreatmentWeek, IReadOnlyList<TrajectoryPoint> Points);

/// <summary>A within-patient minimal important change threshold.</summary>
public sealed record EvidenceThreshold(string Id, string Source, string Instrument, double RangeMin, double RangeMax, double Points, double Relative);

/// <summary>A figure that circulates but is not confirmed: listed so nobody encodes it, never used as an effect size.</summary>
public sealed record UnconfirmedClaim(string Id, string Source, string Claim, string Reason);

/// <summary>
/// The published figures the reports compare against, from the versioned data file
/// <c>Features/Evidence/published-effects.json</c> (embedded). Loaded and validated once at start: an invalid
/// file stops the API rather than letting a report show a wrong number.
/// </summary>
public sealed record EvidenceCatalogue(
    string CatalogueVersion, string TranscribedFrom, string SignConvention,
    IReadOnlyList<EvidenceSource> Sources, IReadOnlyList<EvidenceEffect> Effects, IReadOnlyList<EvidenceTrajectory> Trajectories,
    IReadOnlyList<EvidenceThreshold> Thresholds, IReadOnlyList<UnconfirmedClaim> Unconfirmed)
{
    private const string ResourceName = "ClinicApi.Evidence.published-effects.json";

    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public static EvidenceCatalogue LoadEmbedded()
    {
        using var stream = typeof(EvidenceCatalogue).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        return Parse(stream);
    }

    public static EvidenceCatalogue Parse(Stream json)
    {
        var catalogue = JsonSerializer.Deserialize<EvidenceCatalogue>(json, s_options)
            ?? throw new InvalidOperationException("The evidence catalogue is empty.");
        var errors = catalogue.Validate();
        return errors.Count == 0
            ? catalogue
            : throw new InvalidOperationException("The evidence catalogue is invalid:\n" + string.Join("\n", errors));
    }

    /// <summary>Effects and trajectories: what an arm may be compared against.</summary>
    public bool IsComparable(string id) => Effects.Any(e => e.Id == id) || Trajectories.Any(t => t.Id == id);

    public EvidenceSource Source(string id) => Sources.First(s => s.Id == id);

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        var ids = Effects.Select(e => e.Id).Concat(Trajectories.Select(t => t.Id)).Concat(Thresholds.Select(t => t.Id)).Concat(Unconfirmed.Select(u => u.Id))
            .Concat(Sources.Select(s => s.Id)).ToList();
        errors.AddRange(ids.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => $"id '{g.Key}' is used {g.Count()} times."));
        var sources = Sources.ToDictionary(s => s.Id);
        foreach (var source in Effects.Select(e => (e.Id, e.Source)).Concat(Trajectories.Select(t => (t.Id, t.Source)))
                     .Concat(Thresholds.Select(t => (t.Id, t.Source))).Concat(Unconfirmed.Select(u => (u.Id, u.Source))))
        {
            if (!sources.ContainsKey(source.Source))
            {
                errors.Add($"{source.Id}: unknown source '{source.Source}'.");
            }
        }

        foreach (var e in Effects)
        {
            if (!(e.CiLower <= e.Estimate && e.Estimate <= e.CiUpper))
            {
                errors.Add($"{e.Id}: estimate {F(e.Estimate)} lies outside its CI {F(e.CiLower)} to {F(e.CiUpper)}.");
            }

            if (!(e.PublishedCiLower <= e.PublishedEstimate && e.PublishedEstimate <= e.PublishedCiUpper))
            {
                errors.Add($"{e.Id}: published estimate lies outside its published CI.");
            }

            var same = e.Estimate == e.PublishedEstimate && e.CiLower == e.PublishedCiLower && e.CiUpper == e.PublishedCiUpper;
            var flipped = e.Estimate == -e.PublishedEstimate && e.CiLower == -e.PublishedCiUpper && e.CiUpper == -e.PublishedCiLower;
            if (!same && !flipped)
            {
                errors.Add($"{e.Id}: the estimate must be the published figure, or exactly that figure with its sign flipped.");
            }

            if (sources.TryGetValue(e.Source, out var source) && !source.Windows.ContainsKey(e.Window))
            {
                errors.Add($"{e.Id}: window '{e.Window}' is not defined by source {e.Source}.");
            }
        }

        foreach (var t in Trajectories)
        {
            if (t.Points.Count < 2 || t.Points.Zip(t.Points.Skip(1)).Any(p => p.Second.Week <= p.First.Week) || t.Points.Any(p => p.Sd < 0))
            {
                errors.Add($"{t.Id}: points need at least two strictly increasing weeks and non-negative SDs.");
            }
        }

        foreach (var t in Thresholds.Where(t => t.Points <= 0 || t.Relative is <= 0 or >= 1 || t.RangeMax <= t.RangeMin))
        {
            errors.Add($"{t.Id}: a threshold needs positive points, a relative change between 0 and 1 and a range.");
        }

        return errors;
    }

    private static string F(double value) => value.ToString(CultureInfo.InvariantCulture);
}
