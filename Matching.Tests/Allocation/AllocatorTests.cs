using Matching.Allocation;

namespace Matching.Tests.Allocation;

public class AllocatorTests
{
    private static AllocationProblem RandomProblem(Random rng, int newcomers, int offers, double density)
    {
        var capacities = Enumerable.Range(0, offers).Select(_ => rng.Next(0, 3)).ToArray();
        var pairs = new List<CandidatePair>();
        for (var i = 0; i < newcomers; i++)
        {
            for (var j = 0; j < offers; j++)
            {
                if (rng.NextDouble() < density) pairs.Add(new CandidatePair(i, j, Math.Round(rng.NextDouble(), 3), Math.Round(rng.NextDouble(), 3)));
            }
        }
        return new AllocationProblem(newcomers, capacities, pairs);
    }



    [Test]
    public void Optimal_EqualsBruteForce_OnRandomSmallInstances()
    {
        var rng = new Random(2026);
        for (var round = 0; round < 300; round++)
        {
            var p = RandomProblem(rng, rng.Next(1, 8), rng.Next(1, 5), rng.NextDouble());
            var best = AllocationChecks.BruteForce(p);
            var s = Allocator.Solve(p, AllocationMode.Optimal);
            AllocationChecks.ShouldRespectCapacitiesAndCandidates(p, s);
            s.Placed.Should().Be(best.Placed, $"round {round}");
            s.TotalScore.Should().BeApproximately(best.Score, p.NewcomerCount * 1e-6, $"round {round}");
        }
    }

    [Test]
    public void Optimal_PrefersPlacingMoreOverAHigherScore()
    {
        // Newcomer 0 loves offer 0, but only newcomer 0 can take offer 1 and only newcomer 1 can take offer 0.
        var p = new AllocationProblem(2, [1, 1], [new(0, 0, 1.0, 1), new(0, 1, 0.1, 1), new(1, 0, 0.2, 1)]);
        var s = Allocator.Solve(p, AllocationMode.Optimal);
        s.OfferOf.Should().Equal(1, 0);
        s.Placed.Should().Be(2);
        Allocator.Solve(p, AllocationMode.Greedy).Placed.Should().Be(1, "greedy gives the best place to the first");
    }

    [Test]
    public void EveryMode_RespectsCapacitiesAndCandidates_AndGreedyNeverBeatsOptimal()
    {
        var rng = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            var p = RandomProblem(rng, rng.Next(1, 30), rng.Next(1, 10), rng.NextDouble() * 0.6);
            var optimal = Allocator.Solve(p, AllocationMode.Optimal);
            foreach (var mode in Enum.GetValues<AllocationMode>())
            {
                var s = Allocator.Solve(p, mode);
                AllocationChecks.ShouldRespectCapacitiesAndCandidates(p, s);
                (s.Placed < optimal.Placed || (s.Placed == optimal.Placed && s.TotalScore <= optimal.TotalScore + p.NewcomerCount * 1e-6))
                    .Should().BeTrue($"{mode} must not beat optimal (round {round})");
            }
        }
    }

    [Test]
    public void Stable_HasNoBlockingPair()
    {
        var rng = new Random(11);
        for (var round = 0; round < 300; round++)
        {
            var p = RandomProblem(rng, rng.Next(1, 12), rng.Next(1, 6), rng.NextDouble());
            var s = Allocator.Solve(p, AllocationMode.Stable);
            AllocationChecks.ShouldRespectCapacitiesAndCandidates(p, s);
            var pair = p.Candidates.ToDictionary(c => (c.Newcomer, c.Offer));
            foreach (var c in p.Candidates)
            {
                var current = s.OfferOf[c.Newcomer];
                var newcomerPrefers = current < 0 || c.Score > pair[(c.Newcomer, current)].Score
                    || (c.Score == pair[(c.Newcomer, current)].Score && c.Offer < current);
                if (!newcomerPrefers || current == c.Offer) continue;
                var heldBy = Enumerable.Range(0, p.NewcomerCount).Where(i => s.OfferOf[i] == c.Offer).ToList();
                var hasRoom = heldBy.Count < p.Capacities[c.Offer];
                var prefersToSomeone = heldBy.Any(i => Allocator.OfferPrefers((c.OfferSideScore, c.Newcomer), (pair[(i, c.Offer)].OfferSideScore, i)));
                (hasRoom || prefersToSomeone).Should().BeFalse($"({c.Newcomer}, {c.Offer}) blocks in round {round}");
            }
        }
    }

    [Test]
    public void Unplaced_ReasonsAreRight()
    {
        var p = new AllocationProblem(3, [1], [new(0, 0, 0.9, 0.9), new(1, 0, 0.5, 0.5)]);
        foreach (var mode in Enum.GetValues<AllocationMode>())
        {
            var s = Allocator.Solve(p, mode);
            s.Unplaced.Should().Equal(new Dictionary<int, UnplacedReason>
            {
                [1] = UnplacedReason.FeasibleOffersTaken,
                [2] = UnplacedReason.NoFeasibleOffer,
            }, mode.ToString());
        }
    }

    [Test]
    public void Solve_SameInput_SameAnswer()
    {
        var p = RandomProblem(new Random(5), 200, 40, 0.2);
        foreach (var mode in Enum.GetValues<AllocationMode>())
        {
            Allocator.Solve(p, mode).OfferOf.Should().Equal(Allocator.Solve(p, mode).OfferOf);
        }
    }

    [Test]
    public void Solve_BadPairs_Throw()
    {
        FluentActions.Invoking(() => Allocator.Solve(new AllocationProblem(1, [1], [new(0, 3, 0.5, 0.5)]), AllocationMode.Optimal)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => Allocator.Solve(new AllocationProblem(1, [1], [new(0, 0, 1.5, 0.5)]), AllocationMode.Optimal)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => Allocator.Solve(new AllocationProblem(1, [1], [new(0, 0, 0.5, 0.5), new(0, 0, 0.4, 0.4)]), AllocationMode.Greedy)).Should().Throw<ArgumentException>();
    }

    [Test]
    public void Solve_RepeatedPairFarApartAmongOthers_ThrowsNamingIt()
    {
        var pairs = new List<CandidatePair> { new(2, 1, 0.5, 0.5) };
        for (var i = 0; i < 5; i++) for (var j = 0; j < 3; j++) if ((i, j) != (2, 1)) pairs.Add(new(i, j, 0.3, 0.3));
        pairs.Add(new(2, 1, 0.4, 0.4));
        var p = new AllocationProblem(5, [1, 1, 1], pairs);
        foreach (var mode in new[] { AllocationMode.Optimal, AllocationMode.Stable, AllocationMode.Greedy })
        {
            FluentActions.Invoking(() => Allocator.Solve(p, mode)).Should().Throw<ArgumentException>().WithMessage("Pair (2, 1) is listed twice.*");
        }
        FluentActions.Invoking(() => Allocator.Solve(p with { Candidates = pairs.Take(pairs.Count - 1).ToList() }, AllocationMode.Optimal)).Should().NotThrow();
    }

    [Test]
    public void Solve_CandidatesInAnyReadOnlyList_SameAnswer()
    {
        // The solver reads arrays and lists in place and copies any other list: all three must give the same plan.
        var p = RandomProblem(new Random(9), 120, 30, 0.15);
        foreach (var mode in new[] { AllocationMode.Optimal, AllocationMode.Stable, AllocationMode.Greedy })
        {
            var fromList = Allocator.Solve(p, mode);
            var fromArray = Allocator.Solve(p with { Candidates = p.Candidates.ToArray(), Capacities = p.Capacities.ToArray() }, mode);
            var fromReadOnly = Allocator.Solve(p with { Candidates = p.Candidates.ToList().AsReadOnly(), Capacities = p.Capacities.ToList().AsReadOnly() }, mode);
            fromArray.OfferOf.Should().Equal(fromList.OfferOf, mode.ToString());
            fromReadOnly.OfferOf.Should().Equal(fromList.OfferOf, mode.ToString());
            fromReadOnly.TotalScore.Should().Be(fromList.TotalScore);
            fromList.Placed.Should().BeGreaterThan(0);
        }
    }

    [Test]
    public void Summarise_AssignmentOutsideTheCandidates_Throws()
    {
        var p = new AllocationProblem(2, [1, 1], [new(0, 0, 0.5, 0.5), new(1, 1, 0.5, 0.5)]);
        Allocator.Summarise(p, [0, 1]).TotalScore.Should().Be(1.0);
        FluentActions.Invoking(() => Allocator.Summarise(p, [1, -1])).Should().Throw<KeyNotFoundException>();
    }
}
