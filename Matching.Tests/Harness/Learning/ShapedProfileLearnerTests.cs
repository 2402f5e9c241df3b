using System.Net;
using System.Text.Json;
using Matching.Harness.Evaluation;
using Matching.Harness.Learning;
using Matching.Harness.Replay;
using Matching.Model;
using Matching.Scoring;
using Matching.Tests.Api;
using Microsoft.Extensions.Time.Testing;

namespace Matching.Tests.Harness.Learning;

public class ShapedProfileLearnerTests
{
    private static ShapedLearnOptions Small => new() { Seed = 3, Folds = 2, Iterations = [200], MinLeaves = [20] };

    private static readonly Lazy<ShapedLearnResult> Learned = new(() =>
        new ShapedProfileLearner(Small).Learn(Splits.TrainTest(HarnessTestData.Queries, 3).Train));

    /// <summary>3,000 synthetic outcomes whose completion falls linearly in the logit with km (−0.15 per km from +2); every other feature is constant.</summary>
    private static List<ReplayQuery> FallingWithDistance(int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, 3000).Select(i =>
        {
            var km = rng.NextDouble() * 30;
            var p = 1 / (1 + Math.Exp(-(2 - 0.15 * km)));
            var inputs = new PairInputs(km, false, 3, 2, 4, OfferKind.Buddy, 1, 0.5, 2, false, 0.6);
            return HarnessTestData.Query($"nc-{i:D5}", [HarnessTestData.ByLanguage(1)], completed: rng.NextDouble() < p, inputs: [inputs]);
        }).ToList();
    }

    [Test]
    public void Learn_SyntheticOutcomesFallingWithDistance_RecoversTheFallingCurve()
    {
        var queries = FallingWithDistance(seed: 7);

        var result = new ShapedProfileLearner(Small with { Iterations = [400] }).Learn(queries);

        var distance = result.Profile.Shapes!.Of(Criterion.Distance)!;
        result.Profile.Weight(Criterion.Distance).Should().BeGreaterThan(0.8, "distance is all the outcomes depend on");
        var knots = distance.Knots;
        knots.Zip(knots.Skip(1)).Should().OnlyContain(k => k.Second.Y <= k.First.Y, "the true curve falls, and the projection keeps it monotone");
        // On the true logit scale the curve is linear: at mid-range it sits about halfway between its ends.
        var mid = distance.Evaluate(15);
        mid.Should().BeInRange(0.3, 0.7);
        distance.Evaluate(2).Should().BeGreaterThan(0.8);
        distance.Evaluate(28).Should().BeLessThan(0.2);
    }

    [Test]
    public void Learn_GridOfLeaves_ChoosesTheLowestCrossValidatedLogLoss_AndBaggingIsDeterministic()
    {
        var train = Splits.TrainTest(HarnessTestData.Queries, 3).Train;
        var options = Small with { Iterations = [60, 200], MinLeaves = [20, 60], Bagged = true, SplinePenalties = [] };

        var a = new ShapedProfileLearner(options).Learn(train);
        var b = new ShapedProfileLearner(options).Learn(train);

        a.Trials.Select(t => (t.MinLeaf, t.Iterations)).Should().BeEquivalentTo(new[] { (20, 60), (20, 200), (60, 60), (60, 200) });
        var best = a.Trials.MinBy(t => t.LogLoss)!;
        (a.Iterations, a.MinLeaf).Should().Be((best.Iterations, best.MinLeaf));
        JsonSerializer.Serialize(a.Profile.ToDocument(), WeightProfileDocument.JsonOptions)
            .Should().Be(JsonSerializer.Serialize(b.Profile.ToDocument(), WeightProfileDocument.JsonOptions));
        a.Profile.Description.Should().Contain("the mean of 3 models", "two fold models and the model on every match");
    }

    [Test]
    public void Learn_BothFamilies_KeepsTheLowerCrossValidatedLogLoss()
    {
        var train = Splits.TrainTest(HarnessTestData.Queries, 3).Train;

        var result = new ShapedProfileLearner(Small with { SplinePenalties = [1, 10] }).Learn(train);

        result.SplineTrials.Select(t => t.Penalty).Should().Equal(1, 10);
        var splineBest = result.SplineTrials.Min(t => t.LogLoss);
        var gamBest = result.Trials.Min(t => t.LogLoss);
        result.Family.Should().Be(splineBest < gamBest ? ShapedProfileLearner.Spline : ShapedProfileLearner.Gam);
        result.ChosenLogLoss.Should().Be(Math.Min(splineBest, gamBest));
        result.Profile.HasShapes.Should().BeTrue();
    }

    [Test]
    public void Learn_Splines_SyntheticOutcomesFallingWithDistance_RecoverTheFallingCurve()
    {
        var queries = FallingWithDistance(seed: 8);

        // No GAM round beats a spline here: the truth is a straight line in km.
        var result = new ShapedProfileLearner(Small with { Iterations = [20], SplinePenalties = [10] }).Learn(queries);

        result.Family.Should().Be(ShapedProfileLearner.Spline);
        var distance = result.Profile.Shapes!.Of(Criterion.Distance)!;
        distance.Knots.Zip(distance.Knots.Skip(1)).Should().OnlyContain(k => k.Second.Y <= k.First.Y);
        distance.Evaluate(15).Should().BeInRange(0.35, 0.65, "the logit is linear in km, so mid-range sits halfway");
        distance.Evaluate(1).Should().BeGreaterThan(0.9);
        distance.Evaluate(29).Should().BeLessThan(0.1);
    }

    [Test]
    public void Learn_DistanceMattersMoreForBeginners_TakesTheBeginnersSlotAndNoSpuriousOne()
    {
        // Completion falls with km six times as steeply at A0/A1; shared interests, kind and time vary but do not matter.
        var rng = new Random(9);
        var queries = Enumerable.Range(0, 3000).Select(i =>
        {
            var km = rng.NextDouble() * 20;
            var level = rng.Next(0, 6);
            var p = 1 / (1 + Math.Exp(-(1.5 - (level <= Shapes.BeginnerMaxLevel ? 0.3 : 0.05) * km)));
            var inputs = new PairInputs(km, false, level, 0, 6, (OfferKind)rng.Next(0, 5), rng.Next(0, 3), 0.5, 1 + 3 * rng.NextDouble(), false, 0.6);
            return HarnessTestData.Query($"nc-{i:D5}", [HarnessTestData.ByLanguage(1)], completed: rng.NextDouble() < p, inputs: [inputs]);
        }).ToList();

        var result = new ShapedProfileLearner(Small with { Iterations = [20], SplinePenalties = [3] }).Learn(queries);

        result.Selection[0].Should().Be(result.Selection[0] with { Slot = Shapes.DistanceBeginnerSlot, Taken = true });
        result.Selection[^1].Taken.Should().BeFalse("the selection stops at the first slot that does not pay");
        result.Kept.Should().Equal(Shapes.DistanceBeginnerSlot);
        result.WithoutInteractionsLogLoss.Should().BeGreaterThan(result.ChosenLogLoss);
        var shapes = result.Profile.Shapes!;
        var beginner = shapes.Interaction(Shapes.InteractionIndex(Shapes.DistanceBeginnerSlot))!;
        beginner.Evaluate(10).Should().BeLessThan(shapes.Of(Criterion.Distance)!.Evaluate(10) - 0.2, "beginners lose more per km");
    }

    [Test]
    public void Learn_NoCandidates_NoInteractionCurves()
    {
        var train = Splits.TrainTest(HarnessTestData.Queries, 3).Train;

        var result = new ShapedProfileLearner(Small with { Candidates = [], SplinePenalties = [3] }).Learn(train);

        result.Selection.Should().BeEmpty();
        result.Interactions.Should().BeFalse();
        result.Curves.Should().OnlyContain(c => Shapes.InteractionIndex(c.Slot) < 0);
    }

    [Test]
    public void Unimodal_ValleyData_ProjectedToRiseThenFall()
    {
        double[] y = [0.5, 0.2, 0.6, 0.9, 0.7, 0.8, 0.1];
        var fit = ShapedProfileLearner.Unimodal(y, [1, 1, 1, 1, 1, 1, 1]);

        var peak = Array.IndexOf(fit, fit.Max());
        fit[..(peak + 1)].Should().BeInAscendingOrder();
        fit[peak..].Should().BeInDescendingOrder();
        ShapedProfileLearner.Isotonic([3, 1, 2], [1, 1, 1], rising: true).Should().Equal(2, 2, 2);
    }

    [Test]
    public void Learn_Profile_ScoresAsTheEngineAndIsItsOwnDocument()
    {
        var profile = Learned.Value.Profile;
        profile.HasShapes.Should().BeTrue();
        var json = JsonSerializer.Serialize(profile.ToDocument(), WeightProfileDocument.JsonOptions);
        var again = WeightProfile.Parse(json, out var errors)!;
        errors.IsEmpty.Should().BeTrue(errors.ToString());
        JsonSerializer.Serialize(again.ToDocument(), WeightProfileDocument.JsonOptions).Should().Be(json);
        Learned.Value.Curves.Should().OnlyContain(c => c.Y.All(y => y >= 0 && y <= 1));
    }

    [Test]
    public void ProfileRanker_ShapedProfile_SameScoresAsTheEngine()
    {
        // The harness scores a shaped profile from the replayed inputs; the engine from the offer: both must agree.
        var profile = Learned.Value.Profile;
        var world = HarnessTestData.World;
        foreach (var q in HarnessTestData.Queries.Take(20))
        {
            var engine = new Matching.Ranking.MatchingEngine(new FakeTimeProvider(new DateTimeOffset(q.Record.ProposedOn.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero)));
            engine.UpsertMany(world.Offers.Select(o => (o, 0)));
            var scores = new double[q.Count];
            ProfileRanker.Score(q, profile, scores);
            for (var c = 0; c < q.Count; c++)
            {
                if (double.IsNegativeInfinity(scores[c])) continue;
                var e = engine.Evaluate(q.Newcomer, q.OfferIds[c], profile, withReasons: false)!;
                e.Excluded.Should().BeNull();
                e.Score.Should().BeApproximately(scores[c], 1e-9, $"{q.Newcomer.Id} × {q.OfferIds[c]}");
            }
        }
    }

    [Test]
    public async Task Learn_Profile_FromPutToSuggestions()
    {
        using var factory = new ApiFactory();
        using var analyst = factory.Client(ApiFactory.AnalystKey);
        using var worker = factory.Client(ApiFactory.CaseWorkerKey);
        // Exactly what `learn` writes to learned-shaped.json.
        var body = JsonSerializer.Serialize(Learned.Value.Profile.ToDocument(), WeightProfileDocument.JsonOptions);
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var put = await analyst.PutAsync("/api/v1/weight-profiles/learned-shaped", content);
        put.StatusCode.Should().Be(HttpStatusCode.Created, await put.Content.ReadAsStringAsync());
        var stored = await (await analyst.GetAsync("/api/v1/weight-profiles/learned-shaped")).Json();
        stored.GetProperty("schema").GetInt32().Should().Be(2);
        stored.GetProperty("shapes").EnumerateObject().Should().NotBeEmpty();

        await factory.SeedPairAsync();
        var ranked = await (await worker.GetAsync("/api/v1/newcomers/nc-1/suggestions?profile=learned-shaped")).Json();

        ranked.GetProperty("profile").GetProperty("name").GetString().Should().Be("learned-shaped");
        var suggestion = ranked.GetProperty("suggestions")[0];
        var criteria = suggestion.GetProperty("criteria").EnumerateArray().ToList();
        criteria.Sum(c => c.GetProperty("contribution").GetDouble()).Should().BeApproximately(suggestion.GetProperty("score").GetDouble(), 1e-9);
        suggestion.GetProperty("reasons").GetArrayLength().Should().BeGreaterThan(0);
    }
}
