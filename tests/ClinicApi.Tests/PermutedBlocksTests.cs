using ClinicApi.Outcomes;

namespace ClinicApi.Tests;

public sealed class PermutedBlocksTests
{
    [Theory]
    [InlineData(1L, new[] { 1, 1 }, new[] { 1, 2 })]
    [InlineData(42L, new[] { 1, 1 }, new[] { 1, 2, 3 })]
    [InlineData(-7L, new[] { 1, 1, 1 }, new[] { 1, 2 })]
    [InlineData(2026L, new[] { 2, 1 }, new[] { 1, 2 })]
    public void Within_a_stratum_counts_never_stray_from_the_ratio_by_more_than_half_the_largest_block(long seed, int[] ratios, int[] multipliers)
    {
        var half = PermutedBlocks.LargestBlock(ratios, multipliers) / 2.0;
        foreach (var stratum in new[] { 0, 1, 2 })
        {
            var counts = new int[ratios.Length];
            var n = 0;
            foreach (var arm in PermutedBlocks.Sequence(seed, stratum, ratios, multipliers).Take(500))
            {
                counts[arm]++;
                n++;
                for (var a = 0; a < ratios.Length; a++)
                {
                    var expected = (double)n * ratios[a] / ratios.Sum();
                    Assert.True(Math.Abs(counts[a] - expected) <= half, $"seed {seed}, stratum {stratum}, after {n}: arm {a} has {counts[a]}, expected about {expected}");
                }

                if (ratios.All(r => r == 1))
                {
                    Assert.True(counts.Max() - counts.Min() <= half, $"after {n}: counts {string.Join(",", counts)}");
                }
            }
        }
    }

    [Fact]
    public void The_same_seed_reproduces_the_sequence_and_another_seed_or_stratum_does_not()
    {
        int[] ratios = [1, 1];
        int[] multipliers = [1, 2];
        var first = PermutedBlocks.Sequence(12345, 0, ratios, multipliers).Take(200).ToArray();

        Assert.Equal(first, PermutedBlocks.Sequence(12345, 0, ratios, multipliers).Take(200).ToArray());
        Assert.NotEqual(first, PermutedBlocks.Sequence(12346, 0, ratios, multipliers).Take(200).ToArray());
        Assert.NotEqual(first, PermutedBlocks.Sequence(12345, 1, ratios, multipliers).Take(200).ToArray());
        Assert.Equal(first[36], PermutedBlocks.ArmAt(12345, 0, 37, ratios, multipliers));
    }

    [Fact]
    public void Block_sizes_vary_so_the_end_of_a_block_cannot_be_guessed()
    {
        // With multipliers {1, 2} on 1:1 the blocks are 2 or 4 long; both must occur.
        var sequence = PermutedBlocks.Sequence(99, 0, [1, 1], [1, 2]).Take(400).ToArray();
        var balancedAt = Enumerable.Range(1, sequence.Length).Where(n => sequence.Take(n).Count(a => a == 0) * 2 == n).ToArray();
        var gaps = balancedAt.Zip(balancedAt.Skip(1), (a, b) => b - a).ToHashSet();
        Assert.Contains(2, gaps);
        Assert.True(gaps.Count > 1);
    }
}
