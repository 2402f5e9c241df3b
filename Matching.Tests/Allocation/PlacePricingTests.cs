using Matching.Allocation;

namespace Matching.Tests.Allocation;

public class PlacePricingTests
{
    private static AllocationProblem RandomProblem(Random rng, int newcomers, int offers, double density, int maxCapacity = 2)
    {
        var capacities = Enumerable.Range(0, offers).Select(_ => rng.Next(0, maxCapacity + 1)).ToArray();
        var pairs = new List<CandidatePair>();
        for (var i = 0; i < newcomers; i++)
        {
            for (var j = 0; j < offers; j++)
            {
                if (rng.NextDouble() < density) pairs.Add(new CandidatePair(i, j, Math.Round(rng.NextDouble(), 3), 0));
            }
        }
        return new AllocationProblem(newcomers, capacities, pairs);
    }


    [Test]
    public void Estimate_RandomFutures_PricesAreNonNegative_AndZeroForOffersThatNeverFill()
    {
        var rng = new Random(13);
        for (var round = 0; round < 60; round++)
        {
            var recent = RandomProblem(rng, rng.Next(1, 40), rng.Next(1, 12), rng.NextDouble() * 0.5, maxCapacity: 4);
            var future = rng.Next(0, 60);
            var prices = PlacePricing.Estimate(recent, future, new PricingOptions { Samples = 3, Seed = round });
            prices.Should().HaveCount(recent.Capacities.Count);
            prices.Should().OnlyContain(p => p >= 0 && p <= 2, "a price is at most what one placement is worth, V + 1");
            for (var j = 0; j < recent.Capacities.Count; j++)
            {
                // An offer that no sample can fill: fewer pairs reach it than it has places, even if every draw wanted it.
                var reach = recent.Candidates.Count(c => c.Offer == j) == 0 ? 0 : future;
                if (recent.Capacities[j] == 0 || reach < recent.Capacities[j]) prices[j].Should().Be(0, $"offer {j} never fills (round {round})");
            }
        }
    }

    [Test]
    public void Estimate_OneContestedPlace_PricedBetweenTheTwoPlacementValues()
    {
        // Offer 0 has one place and two would-be takers (0.5 and 0.8); offer 1 has places to spare.
        var recent = new AllocationProblem(2, [1, 5], [new(0, 0, 0.5, 0), new(1, 0, 0.8, 0), new(1, 1, 0.3, 0)]);
        var prices = PlacePricing.Estimate(recent, futureArrivals: 0, new PricingOptions(), known: recent with { });
        prices[1].Should().Be(0, "offer 1 never fills");
        // Any dual of the optimal face is right: from the 0.5 newcomer 1 loses by moving to offer 1, to the V + 0.5 that
        // placing newcomer 0 at all is worth.
        prices[0].Should().BeInRange(0.5, 1.5);
    }

    [Test]
    public void Estimate_SameInputsAndSeed_SamePrices()
    {
        var recent = RandomProblem(new Random(3), 30, 8, 0.3, maxCapacity: 2);
        var a = PlacePricing.Estimate(recent, 40, new PricingOptions { Seed = 9 });
        var b = PlacePricing.Estimate(recent, 40, new PricingOptions { Seed = 9 });
        a.Should().Equal(b);
    }

    [Test]
    public void Estimate_BadInput_Throws()
    {
        var recent = new AllocationProblem(1, [1], [new(0, 0, 0.5, 0)]);
        FluentActions.Invoking(() => PlacePricing.Estimate(recent, -1, new PricingOptions())).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => PlacePricing.Estimate(recent, 1, new PricingOptions { Samples = 0 })).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => PlacePricing.Estimate(recent, 1, new PricingOptions { PlacementValue = -1 })).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => PlacePricing.Estimate(recent, 1, new PricingOptions(), new AllocationProblem(0, [1, 1], []))).Should().Throw<ArgumentException>();
    }

    [Test]
    public void SolvePriced_RandomPrices_NeverBreaksCapacityOrFeasibility()
    {
        var rng = new Random(21);
        for (var round = 0; round < 200; round++)
        {
            var p = RandomProblem(rng, rng.Next(0, 25), rng.Next(1, 8), rng.NextDouble() * 0.6);
            var prices = p.Capacities.Select(_ => rng.NextDouble() < 0.4 ? 0 : rng.NextDouble() * 2.2).ToArray();
            var s = PlacePricing.SolvePriced(p, prices, 1);
            AllocationChecks.ShouldRespectCapacitiesAndCandidates(p, s);
            foreach (var (i, j) in s.OfferOf.Select((j, i) => (i, j)).Where(x => x.j >= 0))
            {
                var pair = p.Candidates.Single(c => c.Newcomer == i && c.Offer == j);
                (1 + pair.Score - prices[j]).Should().BePositive("a pair worth nothing at its price is not taken");
            }
        }
    }

    [Test]
    public void SolvePriced_ZeroPricesAndALargePlacementValue_IsTheOptimalMode()
    {
        var rng = new Random(5);
        for (var round = 0; round < 150; round++)
        {
            var p = RandomProblem(rng, rng.Next(1, 12), rng.Next(1, 6), rng.NextDouble());
            var optimal = Allocator.Solve(p, AllocationMode.Optimal);
            var priced = PlacePricing.SolvePriced(p, new double[p.Capacities.Count], placementValue: 100);
            priced.Placed.Should().Be(optimal.Placed, $"round {round}");
            priced.TotalScore.Should().BeApproximately(optimal.TotalScore, 1e-5, $"round {round}");
        }
    }

    [Test]
    public void SolvePriced_PriceAboveTheValue_LeavesTheNewcomerUnplaced_AndSendsTheOtherElsewhere()
    {
        // Offer 0 is priced at 1.9: only a pair worth more than 0.9 takes it; offer 1 is free of charge.
        var p = new AllocationProblem(2, [1, 1], [new(0, 0, 0.95, 0), new(1, 0, 0.6, 0), new(1, 1, 0.2, 0)]);
        var s = PlacePricing.SolvePriced(p, [1.9, 0], 1);
        s.OfferOf.Should().Equal(0, 1);
        var none = PlacePricing.SolvePriced(p, [2, 2], 1);
        none.Placed.Should().Be(0);
        none.Unplaced.Values.Should().OnlyContain(r => r == UnplacedReason.HeldForLater, "their places are free, but priced above their fit");
        s.Unplaced.Should().BeEmpty();
    }

    [Test]
    public void SolvePriced_WorthExactlyThePrice_PlacedNow()
    {
        var p = new AllocationProblem(1, [1], [new(0, 0, 0.5, 0)]);
        PlacePricing.SolvePriced(p, [1.5], 1).Placed.Should().Be(1, "at a tie a sure placement now beats an equal one later");
    }

    [Test]
    public void AllocatorSolve_Dynamic_IsThePricedBatch_AndWithoutPricesEveryPriceIsZero()
    {
        var rng = new Random(17);
        for (var round = 0; round < 50; round++)
        {
            var p = RandomProblem(rng, rng.Next(1, 15), rng.Next(1, 6), rng.NextDouble() * 0.7);
            var prices = p.Capacities.Select(_ => rng.NextDouble() * 2).ToArray();
            Allocator.Solve(p, AllocationMode.Dynamic, prices).OfferOf.Should().Equal(PlacePricing.SolvePriced(p, prices, 1).OfferOf);
            Allocator.Solve(p, AllocationMode.Dynamic).OfferOf.Should().Equal(PlacePricing.SolvePriced(p, new double[p.Capacities.Count], 1).OfferOf);
        }
    }

    [Test]
    public void SolvePriced_BadPrices_Throw()
    {
        var p = new AllocationProblem(1, [1], [new(0, 0, 0.5, 0)]);
        FluentActions.Invoking(() => PlacePricing.SolvePriced(p, [], 1)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => PlacePricing.SolvePriced(p, [-0.1], 1)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => PlacePricing.SolvePriced(p, [double.NaN], 1)).Should().Throw<ArgumentException>();
    }

    [Test]
    public void MinimumDiscord_NoFuture_IsTheOptimalMode_AndAlwaysFeasible()
    {
        var rng = new Random(8);
        for (var round = 0; round < 100; round++)
        {
            var batch = RandomProblem(rng, rng.Next(1, 12), rng.Next(1, 6), rng.NextDouble());
            var none = MinimumDiscord.Solve(batch, new AllocationProblem(0, batch.Capacities, []), 0, new PricingOptions { Samples = 3 });
            var optimal = Allocator.Solve(batch, AllocationMode.Optimal);
            AllocationChecks.ShouldRespectCapacitiesAndCandidates(batch, none);
            none.Placed.Should().Be(optimal.Placed, $"round {round}");
            none.TotalScore.Should().BeApproximately(optimal.TotalScore, 1e-6, $"round {round}");

            var recent = RandomProblem(rng, rng.Next(1, 20), batch.Capacities.Count, rng.NextDouble() * 0.5) with { Capacities = batch.Capacities };
            var withFuture = MinimumDiscord.Solve(batch, recent, rng.Next(0, 30), new PricingOptions { Samples = 3, Seed = round });
            AllocationChecks.ShouldRespectCapacitiesAndCandidates(batch, withFuture);
        }
    }

    [Test]
    public void MinimumDiscord_AFutureThatNeedsThePlaceMore_HoldsItBack()
    {
        // The batch's newcomer fits offer 0 at 0.3; every future newcomer fits it at 0.9 and nothing else.
        var batch = new AllocationProblem(1, [1], [new(0, 0, 0.3, 0)]);
        var recent = new AllocationProblem(1, [1], [new(0, 0, 0.9, 0)]);
        MinimumDiscord.Solve(batch, recent, 5, new PricingOptions()).Placed.Should().Be(0);
        MinimumDiscord.Solve(batch, recent, 0, new PricingOptions()).Placed.Should().Be(1, "with no one to come, the place goes now");
    }
}
