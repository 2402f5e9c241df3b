using Matching.Data;
using Matching.Model;
using Matching.Ranking;
using Matching.Reference;
using Matching.Scoring;
using static Matching.Tests.TestData;

namespace Matching.Tests.Ranking;

/// <summary>The fast index and the plain reference scorer must agree on every pair and every ranking.</summary>
public class ReferenceAgreementTests
{
    private static readonly WeightProfile Tolerant = WeightProfile.Create(new WeightProfileDocument
    {
        Name = "tolerant",
        Weights = new() { ["language"] = 1, ["interests"] = 2, ["distance"] = 1.5, ["availability"] = 1, ["bridgingLanguage"] = 0.7, ["goals"] = 0.3 },
        LevelTolerance = 1,
        Distance = new DistanceDecayDocument { OffsetKm = 2, ScaleKm = 6, Decay = 0.3 },
    }, out _)!;

    /// <summary>A curve on every criterion, the taalstage language one included, with knots between the data's values.</summary>
    internal static readonly WeightProfile Shaped = WeightProfile.Create(new WeightProfileDocument
    {
        Name = "shaped",
        Weights = new() { ["language"] = 1, ["interests"] = 2, ["distance"] = 1.5, ["availability"] = 1, ["bridgingLanguage"] = 0.7, ["goals"] = 0.3 },
        LevelTolerance = 2,
        Shapes = new()
        {
            ["distance"] = new() { Feature = "km", Knots = [[0, 1], [3.3, 0.9], [11.7, 0.35], [27.1, 0.05]] },
            ["distanceBeginner"] = new() { Feature = "km", Knots = [[0, 1], [2, 0.6], [8, 0.1]] },
            ["language"] = new() { Feature = "levelGap", Knots = [[-2, 0.1], [-1, 0.55], [0, 1], [1.5, 0.6], [4, 0.2]] },
            ["languageInternship"] = new() { Feature = "levelGapLanguageInternship", Knots = [[-1, 0.3], [0, 1], [2, 0]] },
            ["interests"] = new() { Feature = "exactInterests", Knots = [[0, 0.2], [1, 0.7], [2.5, 1]] },
            ["availability"] = new() { Feature = "timeRatio", Knots = [[1, 0.4], [1.7, 0.8], [4.5, 1]] },
            ["bridgingLanguage"] = new() { Feature = "bridgingLevel", Knots = [[0, 1], [2, 0.7], [3.5, 0.1], [6, 0]] },
            ["goals"] = new() { Feature = "goalFit", Knots = [[0.3, 0], [0.6, 0.2], [1, 1]] },
        },
    }, out _)!;

    /// <summary>A curve on every criterion and on every interaction slot, so that each slot's precedence is exercised.</summary>
    internal static readonly WeightProfile Interacting = WeightProfile.Create(new WeightProfileDocument
    {
        Name = "interacting",
        Weights = new() { ["language"] = 1, ["interests"] = 2, ["distance"] = 1.5, ["availability"] = 1, ["bridgingLanguage"] = 0.7, ["goals"] = 0.3 },
        LevelTolerance = 2,
        Shapes = new()
        {
            ["distance"] = new() { Feature = "km", Knots = [[0, 1], [3.3, 0.9], [11.7, 0.35], [27.1, 0.05]] },
            ["distanceBeginner"] = new() { Feature = "km", Knots = [[0, 1], [2, 0.6], [8, 0.1]] },
            ["distanceSharedInterest"] = new() { Feature = "km", Knots = [[0, 1], [6, 0.8], [20, 0.3], [40, 0]] },
            ["language"] = new() { Feature = "levelGap", Knots = [[-2, 0.1], [-1, 0.55], [0, 1], [1.5, 0.6], [4, 0.2]] },
            ["languageInternship"] = new() { Feature = "levelGapLanguageInternship", Knots = [[-1, 0.3], [0, 1], [2, 0]] },
            ["interests"] = new() { Feature = "interestFit", Knots = [[0, 0.1], [0.5, 0.7], [1, 1]] },
            ["availability"] = new() { Feature = "timeRatio", Knots = [[1, 0.4], [1.7, 0.8], [4.5, 1]] },
            ["availabilityInternship"] = new() { Feature = "timeRatio", Knots = [[0.8, 0], [1.3, 0.9], [3, 1]] },
            ["bridgingLanguage"] = new() { Feature = "bridgingLevel", Knots = [[0, 1], [2, 0.7], [3.5, 0.1], [6, 0]] },
            ["goals"] = new() { Feature = "goalFit", Knots = [[0.3, 0], [0.6, 0.2], [1, 1]] },
            ["goalsInternship"] = new() { Feature = "goalFit", Knots = [[0.3, 0.1], [0.8, 0.5], [1, 0.9]] },
        },
    }, out _)!;

    private static IEnumerable<TestCaseData> Profiles()
    {
        yield return new TestCaseData(WeightProfile.Default, 11, false).SetName("Pairs_DefaultProfile_Agree");
        yield return new TestCaseData(Tolerant, 12, false).SetName("Pairs_TolerantProfile_Agree");
        yield return new TestCaseData(Shaped, 13, false).SetName("Pairs_ShapedProfile_ShapeInIndexEqualsReference");
        yield return new TestCaseData(Interacting, 14, false).SetName("Pairs_EveryInteractionSlot_ShapeInIndexEqualsReference");
        yield return new TestCaseData(WeightProfile.Default, 15, true).SetName("Pairs_RegisteredIntakes_EvaluatedAsOfTheirStart_Agree");
    }

    [TestCaseSource(nameof(Profiles))]
    public void EveryPair_SameExclusionAndScores(WeightProfile profile, int seed, bool intakes)
    {
        var data = new DemoDataGenerator(new DemoDataOptions { Seed = seed, Newcomers = 80, Offers = 400, Today = Today }).Generate();
        var engine = new MatchingEngine(Clock());
        var reference = new ReferenceScorer(engine.Taxonomy, engine.Languages);
        var rng = new Random(seed);
        var held = data.Offers.ToDictionary(o => o.Id, o => rng.Next(0, o.Capacity + 1));
        foreach (var o in data.Offers) engine.Upsert(o, held[o.Id]);

        var pairs = 0;
        var included = 0;
        Span<double> criteria = stackalloc double[Criteria.Count];
        // With intakes, half the newcomers start within the next 200 days (not after their trajectory's end), some in the past.
        var starts = new Random(seed + 1);
        foreach (var generated in data.Newcomers)
        {
            var n = intakes && starts.Next(2) == 0 ? WithStart(generated, Today.AddDays(starts.Next(-30, 200))) : generated;
            var kinds = rng.NextDouble() < 0.3 ? new[] { (OfferKind)rng.Next(0, 5) } : null;
            var query = engine.Compile(n, profile, kinds);
            foreach (var o in data.Offers)
            {
                var expected = reference.Evaluate(n, o, held[o.Id], profile, Today, kinds);
                var facts = engine.Index.EvaluatePair(query, o.Id, criteria)!;
                facts.Reason.Should().Be(expected.Reason, $"{n.Id} × {o.Id}");
                if (expected.Reason == ExclusionReason.None)
                {
                    criteria.ToArray().Should().Equal(expected.Criteria, (a, b) => Math.Abs(a - b) < 1e-12, $"{n.Id} × {o.Id}");
                    included++;
                }
                pairs++;
            }
        }
        pairs.Should().Be(32_000);
        included.Should().BeGreaterThan(300, "the data must exercise the scored path, not only exclusions");
    }

    private static Newcomer WithStart(Newcomer n, DateOnly start) =>
        n with { TrajectoryStart = n.TrajectoryEnd is { } end && end < start ? end : start };

    [TestCase(false, TestName = "Rankings_SingleUpserts_SameOrderScoresAndExclusions")]
    [TestCase(true, TestName = "Rankings_BulkLoadCompactedThenChurned_SameOrderScoresAndExclusions")]
    public void Rankings_SameOrderScoresAndExclusions(bool bulk)
    {
        var data = new DemoDataGenerator(new DemoDataOptions { Seed = 5, Newcomers = 100, Offers = 1500, Today = Today }).Generate();
        var engine = new MatchingEngine(Clock());
        var rng = new Random(3);
        var held = data.Offers.ToDictionary(o => o.Id, o => rng.Next(0, o.Capacity + 1));
        var offers = data.Offers.ToList();
        if (bulk)
        {
            engine.UpsertMany(offers.Select(o => (o, held[o.Id])));
            // Churn after the spatial layout: removals leave holes, new offers land anywhere and stretch block spheres.
            foreach (var o in offers.Where((_, i) => i % 7 == 0).ToList())
            {
                engine.Remove(o.Id);
                offers.Remove(o);
            }
            var extra = new DemoDataGenerator(new DemoDataOptions { Seed = 99, Newcomers = 0, Offers = 120, Today = Today }).Generate().Offers
                .Select(o => o with { Id = "extra-" + o.Id }).ToList();
            foreach (var o in extra) { engine.Upsert(o, 0); held[o.Id] = 0; offers.Add(o); }
        }
        else
        {
            foreach (var o in offers) engine.Upsert(o, held[o.Id]);
        }
        var reference = new ReferenceScorer(engine.Taxonomy, engine.Languages);
        foreach (var n in data.Newcomers)
        {
            var expected = reference.Rank(n, offers.Select(o => (o, held[o.Id])), WeightProfile.Default, Today, null, 10);
            var expectedExcluded = offers
                .Select(o => reference.Evaluate(n, o, held[o.Id], WeightProfile.Default, Today, null).Reason)
                .Where(r => r != ExclusionReason.None)
                .GroupBy(r => Matching.Model.WireNames.Of(r))
                .ToDictionary(g => g.Key, g => g.Count());
            var actual = engine.Suggest(n, new RankingOptions { Limit = 10 });
            actual.Suggestions.Select(s => s.OfferId).Should().Equal(expected.Select(e => e.OfferId), n.Id);
            actual.Suggestions.Select(s => s.Score).Should().Equal(expected.Select(e => e.Score), (a, b) => Math.Abs(a - b) < 1e-12);
            actual.Excluded.ByReason.Should().BeEquivalentTo(expectedExcluded, n.Id);
        }
    }
}
