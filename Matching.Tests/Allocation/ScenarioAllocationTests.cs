using Matching.Allocation;

namespace Matching.Tests.Allocation;

public class ScenarioAllocationTests
{
    private static AllocationProblem RandomProblem(Random rng, int newcomers, IReadOnlyList<int> capacities, double density)
    {
        var pairs = new List<CandidatePair>();
        for (var i = 0; i < newcomers; i++)
        {
            for (var j = 0; j < capacities.Count; j++)
            {
                if (rng.NextDouble() < density) pairs.Add(new CandidatePair(i, j, Math.Round(rng.NextDouble(), 3), 0));
            }
        }
        return new AllocationProblem(newcomers, capacities, pairs);
    }

    private static Scenario Actual(AllocationProblem future) => new(future, Enumerable.Repeat(1.0, future.NewcomerCount).ToArray());

    /// <summary>The batch followed by the future's best allocation of the places the batch left: (placed, score) of both.</summary>
    private static (int Placed, double Score) WithBestRest(AllocationProblem batch, AllocationSolution decision, AllocationProblem future)
    {
        var left = batch.Capacities.ToArray();
        foreach (var j in decision.OfferOf) if (j >= 0) left[j]--;
        var rest = Allocator.Solve(future with { Capacities = left }, AllocationMode.Optimal);
        return (decision.Placed + rest.Placed, decision.TotalScore + rest.TotalScore);
    }

    [Test]
    public void Solve_OneScenarioIsTheActualFuture_GivesTheHindsightBatch()
    {
        var rng = new Random(21);
        var fractional = 0;
        for (var round = 0; round < 150; round++)
        {
            var capacities = Enumerable.Range(0, rng.Next(1, 7)).Select(_ => rng.Next(0, 3)).ToArray();
            var batch = RandomProblem(rng, rng.Next(1, 6), capacities, rng.NextDouble());
            var future = RandomProblem(rng, rng.Next(0, 10), capacities, rng.NextDouble());
            // Hindsight: the batch's newcomers and the future's in one optimal allocation (batch first by index).
            var year = new AllocationProblem(batch.NewcomerCount + future.NewcomerCount, capacities,
                [.. batch.Candidates, .. future.Candidates.Select(c => c with { Newcomer = c.Newcomer + batch.NewcomerCount })]);
            var hindsight = Allocator.Solve(year, AllocationMode.Optimal);

            var decision = ScenarioAllocation.Solve(batch, [Actual(future)]);

            AllocationChecks.ShouldRespectCapacitiesAndCandidates(batch, decision.Solution);
            var (placed, score) = WithBestRest(batch, decision.Solution, future);
            placed.Should().Be(hindsight.Placed, $"round {round}: the batch is the batch of an optimum of the whole year");
            score.Should().BeApproximately(hindsight.TotalScore, 1e-6, $"round {round}");
            fractional += decision.Fractional;
        }
        fractional.Should().Be(0, "with one scenario the LP is bipartite b-matching, whose optimal vertices are integral");
    }

    [Test]
    public void Solve_TheWholeFutureKnown_NothingSampled_GivesTheHindsightBatch()
    {
        var rng = new Random(34);
        for (var round = 0; round < 60; round++)
        {
            var capacities = Enumerable.Range(0, rng.Next(1, 6)).Select(_ => rng.Next(0, 3)).ToArray();
            var batch = RandomProblem(rng, rng.Next(1, 6), capacities, rng.NextDouble());
            var future = RandomProblem(rng, rng.Next(0, 9), capacities, rng.NextDouble());
            var year = new AllocationProblem(batch.NewcomerCount + future.NewcomerCount, capacities,
                [.. batch.Candidates, .. future.Candidates.Select(c => c with { Newcomer = c.Newcomer + batch.NewcomerCount })]);
            var hindsight = Allocator.Solve(year, AllocationMode.Optimal);
            // No sampled arrivals: every scenario is the known future.
            FutureSegment[] nothing = [new(new AllocationProblem(0, capacities, []), 0)];

            var decision = ScenarioAllocation.Solve(batch, nothing, new PricingOptions { Samples = 3, Seed = round }, known: future);

            var (placed, score) = WithBestRest(batch, decision.Solution, future);
            placed.Should().Be(hindsight.Placed, $"round {round}");
            score.Should().BeApproximately(hindsight.TotalScore, 1e-6, $"round {round}");
        }
    }

    [Test]
    public void Solve_RandomScenarios_NeverBreaksCapacityOrFeasibility_AndPricesAreNonNegative()
    {
        var rng = new Random(5);
        for (var round = 0; round < 80; round++)
        {
            var capacities = Enumerable.Range(0, rng.Next(1, 8)).Select(_ => rng.Next(0, 4)).ToArray();
            var batch = RandomProblem(rng, rng.Next(0, 10), capacities, rng.NextDouble());
            var scenarios = Enumerable.Range(0, rng.Next(0, 4)).Select(_ =>
            {
                var f = RandomProblem(rng, rng.Next(0, 12), capacities, rng.NextDouble() * 0.6);
                return new Scenario(f, Enumerable.Range(0, f.NewcomerCount).Select(_ => (double)rng.Next(0, 3)).ToArray());
            }).ToArray();

            var decision = ScenarioAllocation.Solve(batch, scenarios, placementValue: rng.Next(0, 3) == 0 ? 1 : 100);

            AllocationChecks.ShouldRespectCapacitiesAndCandidates(batch, decision.Solution);
            decision.Prices.Should().HaveCount(capacities.Length);
            decision.Prices.Should().OnlyContain(p => p >= 0, $"round {round}: a place is never worth less than nothing");
            for (var j = 0; j < capacities.Length; j++) if (capacities[j] == 0) decision.Prices[j].Should().Be(0);
            decision.Solution.Unplaced.Keys.Should().BeEquivalentTo(Enumerable.Range(0, batch.NewcomerCount).Where(i => decision.Solution.OfferOf[i] < 0));
        }
    }

    [Test]
    public void Solve_NoFuture_IsTheOptimalMode()
    {
        var rng = new Random(9);
        for (var round = 0; round < 60; round++)
        {
            var capacities = Enumerable.Range(0, rng.Next(1, 6)).Select(_ => rng.Next(0, 3)).ToArray();
            var batch = RandomProblem(rng, rng.Next(1, 10), capacities, rng.NextDouble());
            var decision = ScenarioAllocation.Solve(batch, []).Solution;
            var optimal = Allocator.Solve(batch, AllocationMode.Optimal);
            decision.Placed.Should().Be(optimal.Placed, $"round {round}");
            decision.TotalScore.Should().BeApproximately(optimal.TotalScore, 1e-6, $"round {round}");
        }
    }

    [Test]
    public void Solve_AFutureThatNeedsThePlaceMore_HoldsItBack_OnlyWhenMostFuturesDo()
    {
        // The batch's newcomer fits offer 0 (one place) at 0.1 and has no other option; a future newcomer fits it at 0.9
        // and nothing else. With W = 1 placing now is worth 1.1; holding, 1.9 in each future where that newcomer comes.
        var batch = new AllocationProblem(1, [1], [new(0, 0, 0.1, 0)]);
        var comes = new Scenario(new AllocationProblem(1, [1], [new(0, 0, 0.9, 0)]), [1]);
        var none = new Scenario(new AllocationProblem(0, [1], []), []);

        var held = ScenarioAllocation.Solve(batch, [comes, comes, none], placementValue: 1);
        held.Solution.Placed.Should().Be(0, "in two futures of three the place is worth 1.9 later: 1.27 on average");
        held.Solution.Unplaced[0].Should().Be(UnplacedReason.HeldForLater);
        held.Prices[0].Should().BeInRange(1.1, 1.9 * 2 / 3 + 1e-9, "the place's expected worth to the futures");

        ScenarioAllocation.Solve(batch, [comes, none, none], placementValue: 1).Solution.Placed.Should().Be(1, "in two futures of three no one comes: 0.63 on average");
    }

    [Test]
    public void Solve_SampledSegments_SameInputsAndSeed_SameDecision()
    {
        var rng = new Random(4);
        int[] capacities = [1, 2, 1, 0, 3];
        var batch = RandomProblem(rng, 6, capacities, 0.5);
        var recent = RandomProblem(rng, 20, capacities, 0.4);
        FutureSegment[] segments = [new(recent, 12), new(recent, 7)];
        var a = ScenarioAllocation.Solve(batch, segments, new PricingOptions { Samples = 4, Seed = 3 });
        var b = ScenarioAllocation.Solve(batch, segments, new PricingOptions { Samples = 4, Seed = 3 });
        a.Solution.OfferOf.Should().Equal(b.Solution.OfferOf);
        a.Prices.Should().Equal(b.Prices);
        AllocationChecks.ShouldRespectCapacitiesAndCandidates(batch, a.Solution);
    }

    [Test]
    public void Solve_BadInput_Throws()
    {
        var batch = new AllocationProblem(1, [1], [new(0, 0, 0.5, 0)]);
        FluentActions.Invoking(() => ScenarioAllocation.Solve(batch, [new Scenario(new AllocationProblem(1, [1, 1], []), [1])])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => ScenarioAllocation.Solve(batch, [new Scenario(new AllocationProblem(1, [1], []), [-1])])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => ScenarioAllocation.Solve(batch, [], placementValue: -1)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => ScenarioAllocation.Solve(batch, [], new PricingOptions { Samples = 0 })).Should().Throw<ArgumentException>();
    }
}
