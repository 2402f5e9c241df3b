using Matching.Data;
using Matching.Model;
using Matching.Reference;
using Matching.Scoring;

namespace Matching.Tests.Demo;

public class OutcomeHistoryGeneratorTests
{
    private static readonly OutcomeHistoryOptions Options = new() { Seed = 11, Matches = 1_500 };

    // Generated once: the statistical checks below share it (about half a second).
    private static readonly Lazy<OutcomeHistory> Shared = new(() => new OutcomeHistoryGenerator(Options).Generate());

    private static OutcomeHistory History => Shared.Value;

    private static string Text(OutcomeHistory h) =>
        JsonLines.ToText(w => JsonLines.WriteHistory(w, h.Records)) + JsonLines.ToText(w => JsonLines.WriteNewcomers(w, h.Newcomers))
        + JsonLines.ToText(w => JsonLines.WriteOffers(w, h.Offers)) + JsonLines.ToText(w => HiddenTraitsCsv.Write(w, h.Hidden));

    [Test]
    public void Generate_SameOptions_SameHistory()
    {
        var small = Options with { Matches = 200 };
        Text(new OutcomeHistoryGenerator(small).Generate()).Should().Be(Text(new OutcomeHistoryGenerator(small).Generate()));
    }

    [Test]
    public void Generate_DifferentSeed_DifferentHistory()
    {
        var small = Options with { Matches = 200 };
        Text(new OutcomeHistoryGenerator(small).Generate()).Should().NotBe(Text(new OutcomeHistoryGenerator(small with { Seed = 12 }).Generate()));
    }

    [Test]
    public void Generate_Sizes_AreTheAskedOnes()
    {
        History.Records.Should().HaveCount(1_500);
        History.Newcomers.Should().HaveCount(1_500, "each newcomer of the history has one match");
        History.Hidden.Select(h => h.NewcomerId).Should().Equal(History.Newcomers.Select(n => n.Id));
        History.Offers.Should().HaveCount(500, "Matches ÷ 3 by default");
        History.Records.Select(r => r.MatchId).Should().OnlyHaveUniqueItems();
        History.Records.Select(r => r.NewcomerId).Should().Equal(History.Newcomers.Select(n => n.Id));
    }

    [Test]
    public void Generate_CompletionRate_IsPlausible() => History.CompletionRate.Should().BeInRange(0.35, 0.80);

    [Test]
    public void Generate_ProposalDays_LieInTheIntakeWindow()
    {
        var start = Options.Today.AddDays(-Options.PeriodDays);
        History.Records.Should().OnlyContain(r => r.ProposedOn >= start && r.ProposedOn < start.AddDays(Options.IntakeDays));
    }

    [Test]
    public void Generate_Outcomes_AreConsistentFacts()
    {
        var offers = History.Offers.ToDictionary(o => o.Id);
        foreach (var r in History.Records)
        {
            var hours = offers[r.OfferId].Hours;
            if (r.Outcome == HistoryOutcome.Completed)
            {
                r.HoursDone.Should().Be(hours);
                r.StopReason.Should().BeNull();
            }
            else
            {
                r.HoursDone.Should().BeInRange(0, hours - 1);
                r.StopReason.Should().NotBeNull();
            }
        }
        History.Records.Where(r => r.StopReason is not null).Select(r => r.StopReason!.Value).Distinct().Should().HaveCountGreaterThan(6);
    }

    [Test]
    public void Generate_EveryMatch_IsFeasibleOnItsProposalDayWithinOneLevel()
    {
        var document = WeightProfile.Default.ToDocument();
        document.LevelTolerance = 1;
        var profile = WeightProfile.Create(document, out _)!;
        var reference = new ReferenceScorer(InterestTaxonomy.Default, LanguageRegistry.Default);
        var newcomers = History.Newcomers.ToDictionary(n => n.Id);
        var offers = History.Offers.ToDictionary(o => o.Id);
        foreach (var r in History.Records.Take(300))
        {
            var (reason, _, _) = reference.Evaluate(newcomers[r.NewcomerId], offers[r.OfferId], 0, profile, r.ProposedOn, null);
            reason.Should().Be(ExclusionReason.None, r.MatchId);
        }
    }

    [Test]
    public void Generate_CapacityOverTheIntake_IsRespected()
    {
        var counts = History.Records.GroupBy(r => r.OfferId).ToDictionary(g => g.Key, g => g.Count());
        History.Offers.Should().OnlyContain(o => counts.GetValueOrDefault(o.Id) <= o.Capacity * Options.PlacesTurnover);
    }

    [Test]
    public void Generate_CloserPairs_CompleteMoreOftenInAggregate()
    {
        var newcomers = History.Newcomers.ToDictionary(n => n.Id);
        var offers = History.Offers.ToDictionary(o => o.Id);
        var byDistance = History.Records
            .Select(r => (Km: GeoPoint.DistanceKm(newcomers[r.NewcomerId].Location.Point, offers[r.OfferId].Location.Point), Done: r.Outcome == HistoryOutcome.Completed))
            .OrderBy(x => x.Km)
            .ToList();
        var third = byDistance.Count / 3;
        var near = byDistance.Take(third).Average(x => x.Done ? 1.0 : 0);
        var far = byDistance.Skip(2 * third).Average(x => x.Done ? 1.0 : 0);
        // With 500 pairs a side the standard error of the difference is about 0.03; the truth gives about 0.2.
        (near - far).Should().BeGreaterThan(0.1, $"near {near:F3}, far {far:F3}");
    }

    [Test]
    public void Generate_TheOracle_IsCalibratedAndRanksOutcomes()
    {
        var newcomers = History.Newcomers.ToDictionary(n => n.Id);
        var offers = History.Offers.ToDictionary(o => o.Id);
        var hidden = History.Hidden.ToDictionary(h => h.NewcomerId);
        var scored = History.Records
            .Select(r => (P: GroundTruthModel.CompletionProbability(newcomers[r.NewcomerId], hidden[r.NewcomerId], offers[r.OfferId], r.ProposedOn),
                Done: r.Outcome == HistoryOutcome.Completed))
            .ToList();

        scored.Average(x => x.P).Should().BeApproximately(History.CompletionRate, 0.04);
        var ordered = scored.OrderBy(x => x.P).ToList();
        var low = ordered.Take(ordered.Count / 4).Average(x => x.Done ? 1.0 : 0);
        var high = ordered.Skip(3 * ordered.Count / 4).Average(x => x.Done ? 1.0 : 0);
        (high - low).Should().BeGreaterThan(0.3, $"the oracle's top quarter completes {high:F3}, its bottom {low:F3}");
    }

    [Test]
    public void Generate_TooFewOffersForTheNewcomersDrawn_FailsClearly() =>
        FluentActions.Invoking(() => new OutcomeHistoryGenerator(new OutcomeHistoryOptions { Seed = 1, Matches = 50, Offers = 1, MaxNewcomersDrawn = 60 }).Generate())
            .Should().Throw<InvalidOperationException>().WithMessage("*too few feasible offers*");

    [TestCase(0, 120, 0.8)]
    [TestCase(100, 0, 0.8)]
    [TestCase(100, 500, 0.8)]
    [TestCase(100, 120, 1.5)]
    public void Constructor_OptionOutOfRange_Throws(int matches, int intakeDays, double share) =>
        FluentActions.Invoking(() => new OutcomeHistoryGenerator(new OutcomeHistoryOptions { Matches = matches, IntakeDays = intakeDays, CaseWorkerShare = share }))
            .Should().Throw<ArgumentOutOfRangeException>();
}
