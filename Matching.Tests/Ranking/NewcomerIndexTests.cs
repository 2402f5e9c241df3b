using Matching.Data;
using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;

namespace Matching.Tests.Ranking;

public class NewcomerIndexTests
{
    [Test]
    public void Candidates_FromTheIndex_EqualTheEvaluationOfEveryNewcomer([Values] bool bulk)
    {
        var data = new DemoDataGenerator(new DemoDataOptions { Seed = 7, Newcomers = 1_500, Offers = 120, Today = TestData.Today }).Generate();
        var engine = new MatchingEngine(TestData.Clock());
        // Every seventh offer full, so that the capacity exclusion is counted too.
        engine.UpsertMany(data.Offers.Select((o, i) => (o, i % 7 == 0 ? o.Capacity : 0)));
        var index = new NewcomerIndex();
        var states = data.Newcomers.Select((n, i) => (n, i % 10 == 0 ? 1 : 0, i % 10 == 0 ? 1 : 0)).ToList();
        if (bulk) index.Load(states); // slots in Z-order: blocks beyond an offer's reach are skipped
        else foreach (var (n, held, open) in states) index.Upsert(n, held, open);
        var unplaced = data.Newcomers.Where((_, i) => i % 10 != 0).ToList();

        foreach (var limit in new[] { 10, RankingOptions.MaxLimit })
        {
            foreach (var offer in data.Offers)
            {
                var options = new RankingOptions { Limit = limit, Language = ReasonLanguage.En };
                var fast = engine.Candidates(offer.Id, index, options)!;
                var plain = engine.Candidates(offer.Id, unplaced, options)!;

                fast.Excluded.Should().BeEquivalentTo(plain.Excluded, $"offer {offer.Id} excludes the same newcomers for the same reasons");
                fast.Candidates.Should().BeEquivalentTo(plain.Candidates, o => o.WithStrictOrdering(), $"offer {offer.Id} ranks the same candidates");
            }
        }
        engine.Candidates("no-such-offer", index).Should().BeNull();
        // A second round answers from the kept queries; a profile of its own compiles them again, with its tolerance.
        var tolerant = WeightProfile.Create(new WeightProfileDocument
        {
            Name = "tolerant",
            Weights = new() { ["language"] = 1, ["interests"] = 2, ["distance"] = 1.5, ["availability"] = 1, ["bridgingLanguage"] = 0.7, ["goals"] = 0.3 },
            LevelTolerance = 1,
        }, out _)!;
        foreach (var profile in new[] { tolerant, ReferenceAgreementTests.Shaped })
        foreach (var offer in data.Offers.Take(40))
        {
            var options = new RankingOptions { Limit = 10, Profile = profile };
            engine.Candidates(offer.Id, index, options).Should().BeEquivalentTo(engine.Candidates(offer.Id, unplaced, options),
                o => o.WithStrictOrdering(), $"offer {offer.Id} ranks the same candidates under profile {profile.Name}");
        }
    }

    [Test]
    public void UpsertRemoveSetMatchState_WaitingFollows()
    {
        var index = new NewcomerIndex();
        index.Upsert(TestData.Newcomer("nc-2"), 0, 0);
        index.Upsert(TestData.Newcomer("nc-1"), 0, 1);
        index.Upsert(TestData.Newcomer("nc-3"), 1, 1);

        index.Waiting(withoutAnyOpenMatch: false).Select(n => n.Id).Should().Equal("nc-1", "nc-2");
        index.Waiting(withoutAnyOpenMatch: true).Select(n => n.Id).Should().Equal("nc-2");

        index.Remove("nc-2").Should().BeTrue();
        index.SetMatchState("nc-3", 0, 0).Should().BeTrue();
        index.SetMatchState("nc-2", 0, 0).Should().BeFalse();
        index.Upsert(TestData.Newcomer("nc-4"), 0, 0); // takes nc-2's slot

        index.Waiting(withoutAnyOpenMatch: true).Select(n => n.Id).Should().Equal("nc-3", "nc-4");
        index.Get("nc-2").Should().BeNull();
        index.Count.Should().Be(3);
    }

    [Test]
    public void Adopt_AfterWritesWhileABuildWasMade_TakesTheBuildAndNamesWhomTheWritesTouched()
    {
        var index = new NewcomerIndex();
        index.Upsert(TestData.Newcomer("nc-1"), 0, 0);
        index.Upsert(TestData.Newcomer("nc-3"), 0, 0);
        index.StartRecording();
        var fresh = NewcomerIndex.Build([(TestData.Newcomer("nc-1"), 0, 0), (TestData.Newcomer("nc-3"), 0, 0)]); // read before the writes below

        index.Upsert(TestData.Newcomer("nc-2"), 0, 0);
        index.SetMatchState("nc-1", 1, 1);
        index.Remove("nc-3");
        var touched = index.Adopt(fresh);

        touched.Should().BeEquivalentTo(["nc-1", "nc-2", "nc-3"], "their writes may be missing from the build and must be read again");
        index.Ids().Should().BeEquivalentTo(["nc-1", "nc-3"]);
        index.Waiting(withoutAnyOpenMatch: true).Select(n => n.Id).Should().Equal("nc-1", "nc-3");
        index.Upsert(TestData.Newcomer("nc-4"), 0, 0);
        index.Adopt(NewcomerIndex.Build([])).Should().BeEmpty("recording stops at the adoption");
    }

    [Test]
    public void Waiting_AfterRandomWritesLoadsAndSlotReuse_IsTheLiveNewcomersSortedById()
    {
        // The plain model: every id with its match state; Waiting must equal it filtered and sorted by ordinal id, although
        // the index keeps its id order across writes instead of sorting on every call.
        var random = new Random(12);
        var index = new NewcomerIndex();
        var model = new Dictionary<string, (int Held, int Open)>(StringComparer.Ordinal);
        string Id() => random.Next(4) switch
        {
            0 => $"nc-{random.Next(400):D4}",
            1 => $"NC.{random.Next(400)}",
            2 => $"a{random.Next(50)}_{random.Next(9)}",
            _ => $"nc-{random.Next(400):D4}-{random.Next(3)}",
        };
        for (var step = 0; step < 3_000; step++)
        {
            var roll = random.Next(100);
            if (roll < 55)
            {
                var id = Id();
                var state = (random.Next(3) == 0 ? 1 : 0, random.Next(2));
                index.Upsert(TestData.Newcomer(id), state.Item1, state.Item2);
                model[id] = state;
            }
            else if (roll < 80)
            {
                var id = model.Count > 0 && random.Next(4) > 0 ? model.Keys.ElementAt(random.Next(model.Count)) : Id();
                index.Remove(id).Should().Be(model.Remove(id));
            }
            else if (roll < 92 && model.Count > 0)
            {
                var id = model.Keys.ElementAt(random.Next(model.Count));
                var state = (random.Next(2), random.Next(2));
                index.SetMatchState(id, state.Item1, state.Item2);
                model[id] = state;
            }
            else if (roll < 94)
            {
                index.Load(model.Select(e => (TestData.Newcomer(e.Key), e.Value.Held, e.Value.Open)).OrderBy(_ => random.Next()));
            }
            if (random.Next(5) > 0) continue; // several writes between two reads
            foreach (var withoutOpen in new[] { false, true })
            {
                var expected = model.Where(e => e.Value.Held == 0 && (!withoutOpen || e.Value.Open == 0)).Select(e => e.Key).ToList();
                expected.Sort(StringComparer.Ordinal);
                index.Waiting(withoutOpen).Select(n => n.Id).Should().Equal(expected, $"after step {step}");
            }
        }
    }
}
