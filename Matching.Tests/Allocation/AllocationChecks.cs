using Matching.Allocation;

namespace Matching.Tests.Allocation;

/// <summary>What the allocation tests check against: the brute-force optimum and the two rules every mode keeps.</summary>
internal static class AllocationChecks
{
    /// <summary>The best (placed, then total score) by trying every assignment.</summary>
    public static (int Placed, double Score) BruteForce(AllocationProblem p)
    {
        var byNewcomer = p.Candidates.GroupBy(c => c.Newcomer).ToDictionary(g => g.Key, g => g.ToList());
        var left = p.Capacities.ToArray();
        (int, double) best = (0, 0);
        void Go(int i, int placed, double score)
        {
            if (i == p.NewcomerCount)
            {
                if (placed > best.Item1 || (placed == best.Item1 && score > best.Item2 + 1e-12)) best = (placed, score);
                return;
            }
            Go(i + 1, placed, score);
            foreach (var c in byNewcomer.GetValueOrDefault(i, []))
            {
                if (left[c.Offer] == 0) continue;
                left[c.Offer]--;
                Go(i + 1, placed + 1, score + c.Score);
                left[c.Offer]++;
            }
        }
        Go(0, 0, 0);
        return best;
    }

    public static void ShouldRespectCapacitiesAndCandidates(AllocationProblem p, AllocationSolution s)
    {
        var allowed = p.Candidates.Select(c => (c.Newcomer, c.Offer)).ToHashSet();
        for (var i = 0; i < s.OfferOf.Length; i++)
        {
            if (s.OfferOf[i] >= 0) allowed.Should().Contain((i, s.OfferOf[i]), "only feasible pairs may be assigned");
        }
        for (var j = 0; j < p.Capacities.Count; j++) s.OfferOf.Count(o => o == j).Should().BeLessThanOrEqualTo(p.Capacities[j]);
        s.Placed.Should().Be(s.OfferOf.Count(o => o >= 0));
    }
}
