using Matching.Harness.Learning;

namespace Matching.Tests.Harness.Learning;

public class PenalizedSplineFitTests
{
    private static readonly double[] KmKnots = [0, 5, 10, 15, 20, 25, 30];

    /// <summary>Outcomes whose logit falls linearly with km (2 − 0.15 km), km uniform on [0, 30].</summary>
    private static (List<float[]> Rows, List<bool> Completed) Falling(int n, int seed)
    {
        var rng = new Random(seed);
        var rows = new List<float[]>();
        var completed = new List<bool>();
        for (var i = 0; i < n; i++)
        {
            var km = rng.NextDouble() * 30;
            rows.Add([(float)km]);
            completed.Add(rng.NextDouble() < 1 / (1 + Math.Exp(-(2 - 0.15 * km))));
        }
        return (rows, completed);
    }

    [Test]
    public void Fit_LinearLogit_RecoversTheSlopeAndIntercept()
    {
        var (rows, completed) = Falling(6000, 3);

        var fit = PenalizedSplineFit.Fit(rows, completed, [KmKnots], [false], lambda: 10);

        (fit.Effect(0, 20) - fit.Effect(0, 0)).Should().BeApproximately(-3, 0.4, "20 km cost 3 logits");
        (fit.Intercept + fit.Effect(0, 0)).Should().BeApproximately(2, 0.3);
        var curve = KmKnots.Select(x => fit.Effect(0, x)).ToArray();
        curve.Should().BeInDescendingOrder();
        fit.Effect(0, 40).Should().Be(fit.Effect(0, 30), "flat beyond the last knot, as a profile's shape");
    }

    [Test]
    public void Fit_SameData_SameModel_AndBetterThanTheBaseRateOnNewData()
    {
        var (rows, completed) = Falling(2000, 4);
        var a = PenalizedSplineFit.Fit(rows, completed, [KmKnots], [false], 1);
        var b = PenalizedSplineFit.Fit(rows, completed, [KmKnots], [false], 1);
        KmKnots.Select(x => a.Effect(0, x)).Should().Equal(KmKnots.Select(x => b.Effect(0, x)));

        var (test, outcomes) = Falling(2000, 5);
        var rate = completed.Count(c => c) / (double)completed.Count;
        var baseRate = outcomes.Average(c => -Math.Log2(c ? rate : 1 - rate));
        a.LogLoss(test, outcomes).Should().BeLessThan(baseRate - 0.05);
    }

    [Test]
    public void Fit_DiscreteValueSeenRarely_PulledTowardsItsNeighbourNotAlongTheSlope()
    {
        // Level gap −1 is bad, 0 good, and +1 (three rows, completion like 0) must not continue the slope from −1 to 0.
        var rng = new Random(6);
        var rows = new List<float[]>();
        var completed = new List<bool>();
        foreach (var (gap, count, p) in new[] { (-1f, 500, 0.2), (0f, 500, 0.7), (1f, 3, 0.7) })
        {
            for (var i = 0; i < count; i++) { rows.Add([gap]); completed.Add(rng.NextDouble() < p); }
        }
        var knots = new double[] { -1, 0, 1 };

        var discrete = PenalizedSplineFit.Fit(rows, completed, [knots], [true], lambda: 3);
        var continuous = PenalizedSplineFit.Fit(rows, completed, [knots], [false], lambda: 3);

        var rise = discrete.Effect(0, 0) - discrete.Effect(0, -1);
        rise.Should().BeGreaterThan(1.5, "the data say so, with 500 rows on each side");
        Math.Abs(discrete.Effect(0, 1) - discrete.Effect(0, 0)).Should().BeLessThan(0.3 * rise);
        (continuous.Effect(0, 1) - continuous.Effect(0, 0)).Should().BeGreaterThan(0.5 * rise, "a line and hinges continue the slope where data are few");
    }

    [Test]
    public void Fit_NotApplicableRows_AddNothing()
    {
        var rows = new List<float[]> { new[] { PenalizedSplineFit.NotApplicable }, new[] { 1f }, new[] { 2f }, new[] { PenalizedSplineFit.NotApplicable } };
        var fit = PenalizedSplineFit.Fit(rows, [true, false, true, false], [new double[] { 1, 2 }], [false], 1);
        fit.Effect(0, PenalizedSplineFit.NotApplicable).Should().Be(0);
        fit.Logit(rows[0]).Should().Be(fit.Intercept);
    }
}
