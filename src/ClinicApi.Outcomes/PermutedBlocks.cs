namespace ClinicApi.Outcomes;

/// <summary>
/// Randomisation by permuted blocks with random block sizes, one independent stream per stratum, from a seed.
/// Each block holds every arm <c>ratio × m</c> times, m drawn from the allowed multipliers, in shuffled order.
/// The same seed, stratum, ratios and multipliers always give the same sequence, so an auditor can recompute
/// any allocation; nothing is stored in advance that an enrolling clinician could read.
/// </summary>
public static class PermutedBlocks
{
    /// <summary>The arm index (into <paramref name="ratios"/>) of the 1-based allocation <paramref name="sequence"/>.</summary>
    public static int ArmAt(long seed, int stratum, int sequence, IReadOnlyList<int> ratios, IReadOnlyList<int> multipliers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        return Sequence(seed, stratum, ratios, multipliers).Skip(sequence - 1).First();
    }

    /// <summary>The endless allocation stream of one stratum.</summary>
    public static IEnumerable<int> Sequence(long seed, int stratum, IReadOnlyList<int> ratios, IReadOnlyList<int> multipliers)
    {
        if (ratios.Count < 2 || ratios.Any(r => r < 1) || multipliers.Count < 1 || multipliers.Any(m => m < 1))
        {
            throw new ArgumentException("At least two arms with ratios >= 1 and at least one block multiplier >= 1 are needed.");
        }

        var random = new SplitMix64(unchecked((ulong)seed ^ ((ulong)(stratum + 1) * 0xD1B54A32D192ED03UL)));
        while (true)
        {
            var multiplier = multipliers[random.Below(multipliers.Count)];
            var block = ratios.SelectMany((ratio, arm) => Enumerable.Repeat(arm, ratio * multiplier)).ToArray();
            for (var i = block.Length - 1; i > 0; i--)
            {
                var j = random.Below(i + 1);
                (block[i], block[j]) = (block[j], block[i]);
            }

            foreach (var arm in block)
            {
                yield return arm;
            }
        }
    }

    public static int LargestBlock(IReadOnlyList<int> ratios, IReadOnlyList<int> multipliers) => ratios.Sum() * multipliers.Max();

    /// <summary>SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and fixed forever, unlike a platform RNG.</summary>
    private sealed class SplitMix64(ulong state)
    {
        private ulong _state = state;

        public int Below(int bound)
        {
            _state += 0x9E3779B97F4A7C15UL;
            var z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z % (ulong)bound);
        }
    }
}
