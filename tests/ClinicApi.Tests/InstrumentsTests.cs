using ClinicApi.Outcomes;

namespace ClinicApi.Tests;

/// <summary>Item scoring of every instrument, as ../shared/evidence/published-effects.md section 6 states it.</summary>
public sealed class InstrumentsTests
{
    private static Instrument Get(string code) => Instruments.Find(code) ?? throw new InvalidOperationException(code);

    private static int?[] Items(params int?[] items) => items;

    private static int?[] Repeat(int? value, int count) => Enumerable.Repeat(value, count).ToArray();

    [Fact]
    public void Odi_is_sum_over_five_times_answered_sections_as_a_percentage()
    {
        var odi = Get(Instruments.Odi);
        Assert.Equal(0, Instruments.Score(odi, Repeat(0, 10)).Total);
        Assert.Equal(100, Instruments.Score(odi, Repeat(5, 10)).Total);
        // 2+2+...: 20 of 50 = 40%.
        Assert.Equal(40, Instruments.Score(odi, Repeat(2, 10)).Total);
        Assert.Equal(46, Instruments.Score(odi, Items(3, 2, 1, 4, 2, 3, 2, 1, 3, 2)).Total);
    }

    [Fact]
    public void Odi_with_one_skipped_section_divides_by_the_answered_sections_only()
    {
        var odi = Get(Instruments.Odi);
        // 9 answered sections summing to 20: 20 / 45 x 100 = 44.44... -> 44.4 (not 40, which dividing by 50 would give).
        var score = Instruments.Score(odi, Items(2, 2, 2, 2, 2, 2, 2, 2, 4, null));
        Assert.Equal(44.4, score.Total);
        // 9 answered summing to 26: 57.77... -> 57.8
        Assert.Equal(57.8, Instruments.Score(odi, Items(null, 3, 3, 3, 3, 3, 3, 3, 3, 2)).Total);
    }

    [Fact]
    public void Odi_refuses_two_skipped_sections_and_answers_outside_0_to_5()
    {
        var odi = Get(Instruments.Odi);
        Assert.Contains("at most 1", Instruments.ItemsProblem(odi, Items(null, null, 1, 1, 1, 1, 1, 1, 1, 1)));
        Assert.Contains("item 3", Instruments.ItemsProblem(odi, Items(1, 1, 6, 1, 1, 1, 1, 1, 1, 1)));
        Assert.Contains("exactly 10", Instruments.ItemsProblem(odi, Repeat(1, 9)));
        Assert.Throws<ArgumentException>(() => Instruments.Score(odi, Repeat(1, 9)));
    }

    [Fact]
    public void Tsk17_reverse_scores_items_4_8_12_and_16()
    {
        var tsk = Get(Instruments.Tsk17);
        // All answers 1: 13 items give 1, the 4 reversed give 4: 13 + 16 = 29.
        Assert.Equal(29, Instruments.Score(tsk, Repeat(1, 17)).Total);
        // All answers 4: 13 x 4 + 4 x 1 = 56.
        Assert.Equal(56, Instruments.Score(tsk, Repeat(4, 17)).Total);
        // Range ends: 17 and 68 are reachable only with the reversed items answered the other way.
        var lowest = Repeat(1, 17);
        foreach (var item in new[] { 4, 8, 12, 16 })
        {
            lowest[item - 1] = 4;
        }

        Assert.Equal(17, Instruments.Score(tsk, lowest).Total);
        var highest = Repeat(4, 17);
        foreach (var item in new[] { 4, 8, 12, 16 })
        {
            highest[item - 1] = 1;
        }

        Assert.Equal(68, Instruments.Score(tsk, highest).Total);
        Assert.Equal("high-kinesiophobia", Instruments.Score(tsk, highest).Interpretation);
        Assert.Equal("low-kinesiophobia", Instruments.Score(tsk, lowest).Interpretation);
    }

    [Theory]
    [InlineData(37, "low-kinesiophobia")]
    [InlineData(38, "high-kinesiophobia")]
    public void Tsk17_cut_off_is_above_37(double total, string interpretation) =>
        Assert.Equal(interpretation, Instruments.Interpret(Get(Instruments.Tsk17), total));

    [Fact]
    public void Tsk17_refuses_0_and_skipped_items()
    {
        var tsk = Get(Instruments.Tsk17);
        Assert.NotNull(Instruments.ItemsProblem(tsk, Repeat(0, 17)));
        var skipped = Repeat(2, 17);
        skipped[3] = null;
        Assert.Contains("cannot be skipped", Instruments.ItemsProblem(tsk, skipped));
    }

    [Fact]
    public void Rmdq_counts_the_yes_answers()
    {
        var rmdq = Get(Instruments.Rmdq);
        var items = Repeat(0, 24);
        items[0] = items[5] = items[23] = 1;
        Assert.Equal(3, Instruments.Score(rmdq, items).Total);
        Assert.Equal(24, Instruments.Score(rmdq, Repeat(1, 24)).Total);
        Assert.NotNull(Instruments.ItemsProblem(rmdq, Repeat(2, 24)));
        Assert.NotNull(Instruments.ItemsProblem(rmdq, Repeat(1, 23)));
    }

    [Fact]
    public void Pcs_sums_13_items_of_0_to_4()
    {
        var pcs = Get(Instruments.Pcs);
        Assert.Equal(52, Instruments.Score(pcs, Repeat(4, 13)).Total);
        Assert.Equal(13, Instruments.Score(pcs, Repeat(1, 13)).Total);
        Assert.NotNull(Instruments.ItemsProblem(pcs, Repeat(5, 13)));
    }

    [Fact]
    public void StartBack_gives_total_distress_subscale_and_risk()
    {
        var startBack = Get(Instruments.StartBackCode);
        var score = Instruments.Score(startBack, Items(0, 0, 0, 0, 1, 1, 1, 0, 4));
        Assert.Equal((4.0, (double?)4, "high"), (score.Total, score.Subscore, score.Interpretation));
        Assert.NotNull(Instruments.TotalProblem(startBack, 4));
    }

    [Theory]
    [InlineData(Instruments.PainNrs, 10, true)]
    [InlineData(Instruments.PainNrs, 11, false)]
    [InlineData(Instruments.PainNrs, -1, false)]
    [InlineData(Instruments.PainNrs, 4.5, false)]
    [InlineData(Instruments.Odi, 44.4, true)]
    [InlineData(Instruments.Odi, 100.1, false)]
    [InlineData(Instruments.Tsk17, 16, false)]
    [InlineData(Instruments.Tsk17, 68, true)]
    [InlineData(Instruments.Rmdq, 25, false)]
    [InlineData(Instruments.Pcs, 52, true)]
    public void Totals_entered_directly_must_be_in_range(string code, double total, bool valid) =>
        Assert.Equal(valid, Instruments.TotalProblem(Get(code), total) is null);

    [Fact]
    public void Pain_nrs_scores_its_single_item_and_carries_its_loinc_code()
    {
        var nrs = Get(Instruments.PainNrs);
        Assert.Equal(7, Instruments.Score(nrs, Items(7)).Total);
        Assert.Equal("72514-3", nrs.Loinc);
        Assert.Null(Get(Instruments.Rmdq).Loinc);
        Assert.Null(Get(Instruments.Odi).Loinc);
    }
}
