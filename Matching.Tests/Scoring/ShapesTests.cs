using System.Text.Json;
using Matching.Data;
using Matching.Model;
using Matching.Ranking;
using Matching.Reference;
using Matching.Scoring;
using Matching.Tests.Ranking;
using static Matching.Tests.TestData;

namespace Matching.Tests.Scoring;

/// <summary>Learned criterion shapes: validated once, stored identically, scored the same by the index and the reference.</summary>
public class ShapesTests
{
    private static WeightProfileDocument Document(Dictionary<string, ShapeDocument>? shapes, int? schema = null) => new()
    {
        Name = "p",
        Weights = new() { ["language"] = 1, ["interests"] = 2, ["distance"] = 1.5, ["availability"] = 1, ["bridgingLanguage"] = 0.7, ["goals"] = 0.3 },
        Schema = schema,
        Shapes = shapes,
    };

    [Test]
    public void Create_OfItsOwnDocument_ShapedProfile_SameJson_KnotsRoundedOnceToMillionths()
    {
        var first = WeightProfile.Create(Document(new()
        {
            ["distance"] = new() { Feature = "km", Knots = [[0, 1], [1.0 / 3, 0.123456789], [10, 0]] },
        }), out var errors)!;
        errors.IsEmpty.Should().BeTrue(errors.ToString());

        var json = JsonSerializer.Serialize(first.ToDocument(), WeightProfileDocument.JsonOptions);
        var second = WeightProfile.Parse(json, out _)!;

        JsonSerializer.Serialize(second.ToDocument(), WeightProfileDocument.JsonOptions).Should().Be(json);
        json.Should().Contain("\"schema\": 2").And.Contain("[0.333333, 0.123457]", "a knot reads on one line");
        second.Shapes!.Of(Criterion.Distance)!.Knots.Should().Equal(first.Shapes!.Of(Criterion.Distance)!.Knots);
    }

    [Test]
    public void ToDocument_ProfileWithoutShapes_NoSchemaNoShapes_AsBefore()
    {
        var json = JsonSerializer.Serialize(WeightProfile.Default.ToDocument(), WeightProfileDocument.JsonOptions);

        json.Should().NotContain("schema").And.NotContain("shapes");
        WeightProfile.Default.HasShapes.Should().BeFalse();
    }

    [TestCase("[[0, 0.2], [1, 0.8], [2, 0.3], [3, 0.9]]", "shapes.distance.knots", TestName = "Create_ValleyCurve_RefusedNamingTheKnots")]
    [TestCase("[[0, 1], [0, 0.5]]", "shapes.distance.knots[1]", TestName = "Create_RepeatedX_RefusedNamingTheKnot")]
    [TestCase("[[0, 1], [5, 1.2]]", "shapes.distance.knots[1]", TestName = "Create_ScoreAboveOne_RefusedNamingTheKnot")]
    [TestCase("[[0, 1]]", "shapes.distance.knots", TestName = "Create_OneKnot_Refused")]
    public void Create_BadKnots_RefusedNamingTheField(string knots, string field)
    {
        var doc = Document(new() { ["distance"] = new() { Feature = "km", Knots = JsonSerializer.Deserialize<List<double[]>>(knots) } });

        WeightProfile.Create(doc, out var errors).Should().BeNull();

        errors.ToDictionary().Keys.Should().Contain(field);
    }

    [Test]
    public void Create_FeatureOfAnotherCriterion_RefusedNamingTheFeature()
    {
        var doc = Document(new() { ["distance"] = new() { Feature = "timeRatio", Knots = [[0, 1], [5, 0]] } });

        WeightProfile.Create(doc, out var errors).Should().BeNull();

        errors.ToDictionary().Keys.Should().Contain("shapes.distance.feature");
    }

    [Test]
    public void Create_ShapesWithSchemaOne_Refused()
    {
        var doc = Document(new() { ["distance"] = new() { Feature = "km", Knots = [[0, 1], [5, 0]] } }, schema: 1);

        WeightProfile.Create(doc, out var errors).Should().BeNull();

        errors.ToDictionary().Keys.Should().Contain("shapes");
    }

    [Test]
    public void Evaluate_BetweenAndBeyondKnots_InterpolatesAndStaysFlat()
    {
        var shape = WeightProfile.Create(Document(new() { ["distance"] = new() { Feature = "km", Knots = [[2, 1], [4, 0.5], [8, 0.1]] } }), out _)!
            .Shapes!.Of(Criterion.Distance)!;

        shape.Evaluate(0).Should().Be(1);
        shape.Evaluate(3).Should().Be(0.75);
        shape.Evaluate(6).Should().BeApproximately(0.3, 1e-15);
        shape.Evaluate(100).Should().Be(0.1);
        shape.Evaluate(double.NaN).Should().Be(1);
    }

    [Test]
    public void Suggest_IdentityShapesOnTheFitFeatures_ExactlyTheScoresWithoutShapes()
    {
        // goalFit and interestFit are the formulas' own values: the identity curve over them must change no bit.
        var plain = WeightProfile.Create(Document(null), out _)!;
        var identity = WeightProfile.Create(Document(new()
        {
            ["goals"] = new() { Feature = "goalFit", Knots = [[0, 0], [1, 1]] },
            ["interests"] = new() { Feature = "interestFit", Knots = [[0, 0], [1, 1]] },
        }), out _)!;
        var data = new DemoDataGenerator(new DemoDataOptions { Seed = 21, Newcomers = 40, Offers = 800, Today = Today }).Generate();
        var engine = new MatchingEngine(Clock());
        foreach (var o in data.Offers) engine.Upsert(o, 0);

        foreach (var n in data.Newcomers)
        {
            var a = engine.Suggest(n, new RankingOptions { Limit = 20, Profile = plain });
            var b = engine.Suggest(n, new RankingOptions { Limit = 20, Profile = identity });
            b.Suggestions.Select(s => (s.OfferId, s.Score)).Should().Equal(a.Suggestions.Select(s => (s.OfferId, s.Score)), n.Id);
        }
    }

    [Test]
    public void Suggest_ShapedProfile_SameRankingAsReference_ContributionsSumToScore()
    {
        var explained = 0;
        foreach (var (_, _, actual) in RankedAsTheReference(ReferenceAgreementTests.Shaped, seed: 22))
        {
            foreach (var s in actual.Suggestions)
            {
                s.Criteria.Sum(c => c.Contribution).Should().BeApproximately(s.Score, 1e-12);
                s.Reasons.Should().NotBeEmpty();
                explained++;
            }
        }
        explained.Should().BeGreaterThan(100);
    }

    /// <summary>
    /// Ranks each newcomer of a generated world (40 newcomers, 1,000 offers) with the engine under the profile, asserts
    /// the same offers and scores as the reference scorer, and yields the engine's answer for further checks.
    /// </summary>
    private static IEnumerable<(MatchingEngine Engine, Newcomer Newcomer, SuggestionResult Actual)> RankedAsTheReference(WeightProfile profile, int seed)
    {
        var data = new DemoDataGenerator(new DemoDataOptions { Seed = seed, Newcomers = 40, Offers = 1000, Today = Today }).Generate();
        var engine = new MatchingEngine(Clock());
        foreach (var o in data.Offers) engine.Upsert(o, 0);
        var reference = new ReferenceScorer(engine.Taxonomy, engine.Languages);
        foreach (var n in data.Newcomers)
        {
            var expected = reference.Rank(n, data.Offers.Select(o => (o, 0)), profile, Today, null, 10);
            var actual = engine.Suggest(n, new RankingOptions { Limit = 10, Profile = profile });
            actual.Suggestions.Select(s => s.OfferId).Should().Equal(expected.Select(e => e.OfferId), n.Id);
            actual.Suggestions.Select(s => s.Score).Should().Equal(expected.Select(e => e.Score), (x, y) => Math.Abs(x - y) < 1e-12);
            yield return (engine, n, actual);
        }
    }

    [Test]
    public void Create_OfItsOwnDocument_EveryInteractionSlot_SameJsonAndCurves()
    {
        var first = ReferenceAgreementTests.Interacting;
        var json = JsonSerializer.Serialize(first.ToDocument(), WeightProfileDocument.JsonOptions);
        var second = WeightProfile.Parse(json, out var errors)!;

        errors.IsEmpty.Should().BeTrue(errors.ToString());
        JsonSerializer.Serialize(second.ToDocument(), WeightProfileDocument.JsonOptions).Should().Be(json);
        for (var k = 0; k < Shapes.Interactions.Length; k++)
        {
            json.Should().Contain($"\"{Shapes.Interactions[k].Name}\"");
            second.Shapes!.Interaction(k)!.Knots.Should().Equal(first.Shapes!.Interaction(k)!.Knots, Shapes.Interactions[k].Name);
        }
    }

    [Test]
    public void Create_InteractionSlotWithAnotherCriterionsFeature_RefusedNamingTheFeature()
    {
        var doc = Document(new() { ["distanceSharedInterest"] = new() { Feature = "timeRatio", Knots = [[0, 1], [5, 0]] } });

        WeightProfile.Create(doc, out var errors).Should().BeNull();

        errors.ToDictionary().Keys.Should().Contain("shapes.distanceSharedInterest.feature");
    }

    [Test]
    public void Apply_TwoSlotsCoverThePair_TheFirstInPrecedenceScores()
    {
        // Flat curves, one value per slot, so the score says which curve was used.
        static ShapeDocument Flat(string feature, double y) => new() { Feature = feature, Knots = [[0, y], [1, y]] };
        var shapes = WeightProfile.Create(Document(new()
        {
            ["distance"] = Flat("km", 0.1),
            ["distanceBeginner"] = Flat("km", 0.2),
            ["distanceSharedInterest"] = Flat("km", 0.3),
            ["availability"] = Flat("timeRatio", 0.4),
            ["availabilityInternship"] = Flat("timeRatio", 0.5),
            ["goals"] = Flat("goalFit", 0.6),
            ["goalsInternship"] = Flat("goalFit", 0.7),
        }), out _)!.Shapes!;
        double[] Scored(int level, int exact, OfferKind kind)
        {
            var s = new double[Criteria.Count];
            shapes.Apply(s, new PairInputs(5, false, level, 0, 6, kind, exact, 0.5, 2, false, 0.5));
            return s;
        }

        var beginnerWithInterest = Scored(level: 1, exact: 2, OfferKind.Buddy);
        var advancedWithInterest = Scored(level: 3, exact: 1, OfferKind.IntroductoryInternship);
        var advancedWithout = Scored(level: 3, exact: 0, OfferKind.Volunteering);

        beginnerWithInterest[(int)Criterion.Distance].Should().Be(0.2, "the beginners' curve comes first");
        advancedWithInterest[(int)Criterion.Distance].Should().Be(0.3);
        advancedWithout[(int)Criterion.Distance].Should().Be(0.1);
        advancedWithInterest[(int)Criterion.Availability].Should().Be(0.5);
        advancedWithInterest[(int)Criterion.Goals].Should().Be(0.7);
        beginnerWithInterest[(int)Criterion.Availability].Should().Be(0.4);
        beginnerWithInterest[(int)Criterion.Goals].Should().Be(0.6);
    }

    [Test]
    public void Suggest_EveryInteractionSlot_SameRankingAsReference_ExplainedByItsCriterionInDutchAndEnglish()
    {
        var profile = ReferenceAgreementTests.Interacting;
        var explained = 0;
        foreach (var (engine, n, actual) in RankedAsTheReference(profile, seed: 23))
        {
            var english = engine.Suggest(n, new RankingOptions { Limit = 10, Profile = profile, Language = ReasonLanguage.En });
            foreach (var (s, en) in actual.Suggestions.Zip(english.Suggestions))
            {
                s.Criteria.Select(c => c.Name).Should().Equal(Criteria.All.Select(Criteria.Name), "an interaction slot is explained as its criterion, not as a seventh");
                s.Criteria.Sum(c => c.Contribution).Should().BeApproximately(s.Score, 1e-12);
                s.Reasons.Should().NotBeEmpty();
                en.Reasons.Should().NotBeEmpty().And.NotIntersectWith(s.Reasons, "the English sentences are not the Dutch ones");
                explained++;
            }
        }
        explained.Should().BeGreaterThan(100);
    }
}
