using System.Text;
using ClinicApi.Features.Arms;
using ClinicApi.Features.Evidence;

namespace ClinicApi.Tests;

public sealed class EvidenceCatalogueTests
{
    private static readonly EvidenceCatalogue s_catalogue = EvidenceCatalogue.LoadEmbedded();

    [Fact]
    public void The_shipped_catalogue_is_valid_and_holds_every_published_figure()
    {
        Assert.Empty(s_catalogue.Validate());
        Assert.Equal(15, s_catalogue.Effects.Count);
        Assert.Equal(2, s_catalogue.Trajectories.Count);
        Assert.Equal(4, s_catalogue.Thresholds.Count);
    }

    [Fact]
    public void Every_catalogue_arm_points_at_comparable_entries()
    {
        foreach (var arm in ArmCatalogue.Entries)
        {
            Assert.All(arm.EvidenceIds, id => Assert.True(s_catalogue.IsComparable(id), $"{arm.Code}: {id}"));
        }
    }

    [Fact]
    public void Unconfirmed_press_figures_are_listed_but_never_encoded_as_effects()
    {
        Assert.Equal(2, s_catalogue.Unconfirmed.Count);
        Assert.All(s_catalogue.Unconfirmed, u => Assert.False(s_catalogue.IsComparable(u.Id)));
        Assert.DoesNotContain(s_catalogue.Effects, e => e.Estimate is 0.38 or 0.84 or 38 or 84);
    }

    [Fact]
    public void The_published_means_reproduce_the_published_week_22_difference()
    {
        double Week22(string id) => s_catalogue.Trajectories.Single(t => t.Id == id).Points.Single(p => p.Week == 22).Mean;

        var difference = Week22("bemani2023-cbt-pain-trajectory") - Week22("bemani2023-physio-pain-trajectory");

        Assert.Equal(-2.20, difference, precision: 2);
        var published = s_catalogue.Effects.Single(e => e.Id == "bemani2023-cbt-pain-week22");
        Assert.Equal(published.PublishedEstimate, difference, precision: 2);
        Assert.Equal(-published.PublishedEstimate, published.Estimate);
    }

    [Theory]
    [InlineData("\"estimate\": 1.01, \"ciLower\": 0.58", "\"estimate\": 2.01, \"ciLower\": 0.58", "outside its CI")]
    [InlineData("\"id\": \"ho2022-pe-function-post\", \"source\": \"ho2022\"", "\"id\": \"ho2022-pe-function-post\", \"source\": \"nobody2020\"", "unknown source")]
    [InlineData("\"publishedEstimate\": -1.54", "\"publishedEstimate\": -1.50", "sign flipped")]
    [InlineData("\"window\": \"mid-term\", \"measure\": \"smd\", \"estimate\": 0.63", "\"window\": \"someday\", \"measure\": \"smd\", \"estimate\": 0.63", "window 'someday'")]
    public void A_broken_catalogue_stops_the_load(string original, string broken, string expected)
    {
        using var stream = typeof(EvidenceCatalogue).Assembly.GetManifestResourceStream("ClinicApi.Evidence.published-effects.json")!;
        using var reader = new StreamReader(stream);
        var json = reader.ReadToEnd();
        Assert.Contains(original, json);

        var error = Assert.Throws<InvalidOperationException>(() =>
            EvidenceCatalogue.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json.Replace(original, broken, StringComparison.Ordinal)))));

        Assert.Contains(expected, error.Message);
    }
}
