using System.Globalization;
using Matching.Data;
using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;
using static Matching.Tests.TestData;

namespace Matching.Tests.Scoring;

public class ExplainerTests
{
    private static Offer FootballOffer() => Offer() with
    {
        Interests = ["football"],
        Languages = ["ar"],
        Location = new Location(North(Gent, 3.2), null),
        Schedule = WeeklySlots.Create([Slot(DayOfWeek.Tuesday, "19:00", "22:00")]),
    };

    [Test]
    public void Reasons_Dutch_NameConcreteFacts()
    {
        var engine = new MatchingEngine(Clock());
        engine.Upsert(FootballOffer());
        var reasons = engine.Suggest(Newcomer() with { DutchLevel = CefrLevel.A1 }).Suggestions.Single().Reasons;
        reasons.Should().HaveCountGreaterThanOrEqualTo(1).And.HaveCountLessThanOrEqualTo(4);
        reasons.Should().Contain("Woont op 3,2 km");
        reasons.Should().Contain("Deelt interesse: voetbal");
        reasons.Should().Contain("Samen beschikbaar: dinsdag 19:00–21:00");
        reasons.Should().HaveCount(4, "at most four reasons, the strongest contributions first");
    }

    [Test]
    public void Reasons_SharedLanguage_NamedWhenAmongTheStrongest()
    {
        var engine = new MatchingEngine(Clock());
        engine.Upsert(FootballOffer() with { Interests = ["music"], Location = new Location(North(Gent, 14), null) });
        var reasons = engine.Suggest(Newcomer() with { DutchLevel = CefrLevel.A1 }).Suggestions.Single().Reasons;
        reasons.Should().Contain("Spreekt ook Arabisch");
        reasons.Should().NotContain(r => r.StartsWith("Woont", StringComparison.Ordinal), "a weak criterion is not given as a reason");
    }

    [Test]
    public void Reasons_English_WhenAsked()
    {
        var engine = new MatchingEngine(Clock());
        engine.Upsert(FootballOffer());
        var reasons = engine.Suggest(Newcomer() with { DutchLevel = CefrLevel.A1 }, new RankingOptions { Language = ReasonLanguage.En }).Suggestions.Single().Reasons;
        reasons.Should().Contain("Lives 3.2 km away").And.Contain("Shares interest: football")
            .And.Contain("Both available: Tuesday 19:00–21:00");
    }

    [Test]
    public void Reasons_RelatedInterest_NamesTheDomain()
    {
        var engine = new MatchingEngine(Clock());
        engine.Upsert(Offer() with { Interests = ["swimming"] });
        var profile = Matching.Scoring.WeightProfile.Create(new() { Name = "i", Weights = new() { ["interests"] = 1 } }, out _)!;
        var s = engine.Suggest(Newcomer() with { Interests = ["football"] }, new RankingOptions { Profile = profile }).Suggestions.Single();
        s.Score.Should().Be(0.5);
        s.Reasons.Should().Equal("Verwante interesse: sport");
    }

    [Test]
    public void CommonTimes_SplitAtMidnight()
    {
        var a = WeeklySlots.Create([Slot(DayOfWeek.Monday, "22:00", "24:00"), Slot(DayOfWeek.Tuesday, "00:00", "01:00")]);
        Matching.Scoring.Explainer.CommonTimes(a, a, ReasonLanguage.Nl).Should().Equal("maandag 22:00–24:00", "dinsdag 00:00–01:00");
    }

    [Test]
    public void Reasons_GeneratedPairs_EqualTheReadableFormulation()
    {
        // The explainer builds its sentences without LINQ or temporary sets (it runs for every suggestion of every
        // answer); the readable formulation below is what it must still say, word for word, in both languages.
        var data = new DemoDataGenerator(new DemoDataOptions { Seed = 23, Newcomers = 60, Offers = 1500, Today = Today }).Generate();
        var engine = new MatchingEngine(Clock());
        foreach (var o in data.Offers) engine.Upsert(o, 0);
        var explainer = new Explainer(engine.Taxonomy, engine.Languages);
        var offers = data.Offers.ToDictionary(o => o.Id);
        var profile = WeightProfile.Default;
        var compared = 0;
        var criteriaSeen = new HashSet<string>();

        foreach (var n in data.Newcomers)
        {
            foreach (var s in engine.Suggest(n, new RankingOptions { Limit = 30 }).Suggestions)
            {
                var o = offers[s.OfferId];
                var scores = s.Criteria.Select(c => c.Score).ToArray();
                var km = GeoPoint.DistanceKm(n.Location.Point, o.Location.Point);
                foreach (var lang in new[] { ReasonLanguage.Nl, ReasonLanguage.En })
                {
                    var expected = ReadableReasons(engine, n, o, scores, profile, km, lang);
                    explainer.Reasons(n, o, scores, profile, km, lang).Should().Equal(expected, $"{n.Id} × {o.Id} ({lang})");
                    compared++;
                }
                foreach (var reason in s.Reasons) criteriaSeen.Add(reason.Split(' ')[0]);
            }
        }
        compared.Should().BeGreaterThan(1000);
        criteriaSeen.Should().Contain(["Woont", "Deelt", "Samen", "Past"], "the pairs exercise the usual sentences");
    }

    private static List<string> ReadableReasons(MatchingEngine engine, Newcomer n, Offer o, double[] scores, WeightProfile profile, double km, ReasonLanguage lang)
    {
        var order = Enumerable.Range(0, Criteria.Count)
            .Where(c => scores[c] >= 0.5 && profile.Weights[c] > 0)
            .Select(c => (Contribution: profile.Weights[c] * scores[c], Criterion: (Criterion)c))
            .OrderByDescending(x => x.Contribution).ThenBy(x => x.Criterion);
        var reasons = order.Select(x => ReadableSentence(engine, x.Criterion, n, o, km, lang)).OfType<string>().Take(4).ToList();
        if (reasons.Count == 0) reasons.Add(ReadableSentence(engine, Criterion.Availability, n, o, km, lang) ?? ReadableSentence(engine, Criterion.Distance, n, o, km, lang)!);
        return reasons;
    }

    private static string? ReadableSentence(MatchingEngine engine, Criterion criterion, Newcomer n, Offer o, double km, ReasonLanguage lang)
    {
        var en = lang == ReasonLanguage.En;
        var taxonomy = engine.Taxonomy;
        switch (criterion)
        {
            case Criterion.Distance:
                if (o.Remote) return en ? "Can be done remotely" : "Kan op afstand";
                var text = km.ToString("0.0", CultureInfo.InvariantCulture);
                return en ? $"Lives {text} km away" : $"Woont op {text.Replace('.', ',')} km";
            case Criterion.Interests:
            {
                var mine = n.Interests.ToHashSet(StringComparer.Ordinal);
                var exact = o.Interests.Where(mine.Contains).Select(c => taxonomy.Label(c, lang)).ToList();
                if (exact.Count > 0) return (en ? "Shares interest: " : "Deelt interesse: ") + string.Join(", ", exact);
                var myDomains = mine.Select(c => taxonomy.ParentOf(c) ?? c).ToHashSet(StringComparer.Ordinal);
                var related = o.Interests.Select(c => taxonomy.ParentOf(c) ?? c).Where(myDomains.Contains).Distinct()
                    .Select(d => taxonomy.Label(d, lang)).ToList();
                return related.Count == 0 ? null : (en ? "Related interest: " : "Verwante interesse: ") + string.Join(", ", related);
            }
            case Criterion.Availability:
            {
                var common = Explainer.CommonTimes(n.Availability, o.Schedule, lang);
                return common.Count == 0 ? null : (en ? "Both available: " : "Samen beschikbaar: ") + string.Join(", ", common.Take(2));
            }
            case Criterion.BridgingLanguage:
            {
                var theirs = o.Languages.Select(l => l.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
                var shared = n.Languages.Select(l => l.ToLowerInvariant()).FirstOrDefault(l => l != "nl" && theirs.Contains(l));
                return shared is null ? null : (en ? "Also speaks " : "Spreekt ook ") + engine.Languages.Name(shared, lang);
            }
            case Criterion.Language:
            {
                var range = $"{o.DutchLevel.Min}–{o.DutchLevel.Max}";
                return en ? $"Fits Dutch level {n.DutchLevel} (offer {range})" : $"Past bij ERK-niveau {n.DutchLevel} (aanbod {range})";
            }
            case Criterion.Goals:
            {
                var goal = n.Goals.OrderByDescending(g => Formulas.GoalValue(g, o.Kind, o.Setting)).ThenBy(g => g).Cast<Goal?>().FirstOrDefault();
                if (goal is null) return null;
                var label = (goal.Value, en) switch
                {
                    (Goal.Work, true) => "work", (Goal.Work, false) => "werk",
                    (Goal.Language, true) => "practising Dutch", (Goal.Language, false) => "Nederlands oefenen",
                    (Goal.Network, true) => "a social network", (Goal.Network, false) => "een sociaal netwerk",
                    (Goal.Volunteering, true) => "volunteering", (Goal.Volunteering, false) => "vrijwilligerswerk",
                    (_, true) => "leisure", _ => "vrije tijd",
                };
                return (en ? "Fits the goal: " : "Past bij het doel: ") + label;
            }
            default:
                return null;
        }
    }
}
