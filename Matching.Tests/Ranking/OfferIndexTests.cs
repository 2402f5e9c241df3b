using Matching.Data;
using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;
using static Matching.Tests.TestData;

namespace Matching.Tests.Ranking;

public class OfferIndexTests
{
    [Test]
    public void Remove_RemovedOffer_NeverReturned()
    {
        var engine = new MatchingEngine(Clock());
        engine.Upsert(Offer("a"));
        engine.Upsert(Offer("b"));
        engine.Remove("a").Should().BeTrue();
        engine.Remove("a").Should().BeFalse();
        engine.Suggest(Newcomer()).Suggestions.Select(s => s.OfferId).Should().Equal("b");
        engine.OfferCount.Should().Be(1);
    }

    [Test]
    public void Upsert_AfterRemove_ReusesSlotWithNewData()
    {
        var engine = new MatchingEngine(Clock());
        engine.Upsert(Offer("a"));
        engine.Remove("a");
        engine.Upsert(Offer("c") with { Interests = ["football"] });
        var r = engine.Suggest(Newcomer());
        r.Suggestions.Select(s => s.OfferId).Should().Equal("c");
        r.Suggestions[0].Reasons.Should().Contain("Deelt interesse: voetbal");
    }

    [Test]
    public void Upsert_Update_ChangesWhatIsScored()
    {
        var engine = new MatchingEngine(Clock());
        engine.Upsert(Offer("a"));
        engine.Upsert(Offer("a") with { Location = new Location(North(Gent, 50), null) });
        var r = engine.Suggest(Newcomer());
        r.Suggestions.Should().BeEmpty();
        r.Excluded.ByReason.Should().ContainKey("distance");
        engine.OfferCount.Should().Be(1);
    }

    [Test]
    public void SetHeld_FullOffer_NeverReturned_UntilAPlaceFrees()
    {
        var engine = new MatchingEngine(Clock());
        engine.Upsert(Offer("a") with { Capacity = 1 });
        engine.SetHeld("a", 1).Should().BeTrue();
        engine.Suggest(Newcomer()).Suggestions.Should().BeEmpty();
        engine.SetHeld("a", 0);
        engine.Suggest(Newcomer()).Suggestions.Should().ContainSingle();
        engine.SetHeld("unknown", 1).Should().BeFalse();
    }

    [TestCase(10, TestName = "Rank_KeptWinnerFacts_EqualEvaluatePair_StackHeap")]
    [TestCase(400, TestName = "Rank_KeptWinnerFacts_EqualEvaluatePair_ArrayHeap")]
    public void Rank_KeptWinnerFacts_EqualEvaluatePair(int k)
    {
        var data = new Matching.Data.DemoDataGenerator(new Matching.Data.DemoDataOptions { Seed = 4, Offers = 3000, Newcomers = 25, Today = Today }).Generate();
        var engine = new MatchingEngine(Clock());
        engine.UpsertMany(data.Offers.Select(o => (o, 0)));
        var winners = new WinnerFacts[k];
        Span<double> criteria = stackalloc double[Criteria.Count];
        var compared = 0;
        foreach (var n in data.Newcomers)
        {
            var query = engine.Compile(n, WeightProfile.Default, null);
            var plain = engine.Index.Rank(query, k, new int[OfferIndex.OutcomeSlots]);
            var kept = engine.Index.Rank(query, k, new int[OfferIndex.OutcomeSlots], winners);
            kept.Should().Equal(plain, "keeping the facts must not change the ranking");
            for (var r = 0; r < kept.Count; r++)
            {
                var facts = engine.Index.EvaluatePair(query, kept[r].Offer.Id, criteria)!;
                facts.Reason.Should().Be(ExclusionReason.None);
                ((ReadOnlySpan<double>)winners[r].Criteria).ToArray().Should().Equal(criteria.ToArray(), $"{n.Id} × {kept[r].Offer.Id}");
                winners[r].Km.Should().Be(facts.Km);
                compared++;
            }
        }
        compared.Should().BeGreaterThan(data.Newcomers.Count * Math.Min(k, 10) / 2);
    }

    [TestCase(10)]
    [TestCase(50)]
    [TestCase(400)]
    public void TopFeasible_AfterRemovalsAndUpdates_EqualsRank(int k)
    {
        var data = new Matching.Data.DemoDataGenerator(new Matching.Data.DemoDataOptions { Seed = 7, Offers = 3000, Newcomers = 40, Today = Today }).Generate();
        var engine = new MatchingEngine(Clock());
        engine.UpsertMany(data.Offers.Select(o => (o, 0)));
        // After the bulk load's compaction: slots freed and reused, offers turned remote and back, places taken; the
        // blocks' remote bits must follow every write, or a block beyond the reach would lose a remote offer.
        var rng = new Random(7);
        foreach (var o in data.Offers.Where((_, i) => i % 7 == 0)) engine.Remove(o.Id);
        foreach (var o in data.Offers.Where((_, i) => i % 7 == 3)) engine.Upsert(o with { Remote = !o.Remote });
        foreach (var o in data.Offers.Where((_, i) => i % 11 == 5)) engine.Upsert(o with { Id = o.Id + "-new", Remote = rng.Next(3) == 0 });
        foreach (var o in data.Offers.Where((_, i) => i % 13 == 6)) engine.SetHeld(o.Id, o.Capacity);
        var scores = new double[k];
        var slots = new int[k];
        var offers = new Offer[k];
        var held = new int[k];
        var remoteSeen = 0;
        foreach (var n in data.Newcomers)
        {
            foreach (var (kinds, ignoreCapacity) in new (OfferKind[]?, bool)[] { (null, false), (null, true), ([OfferKind.Buddy], false) })
            {
                var query = engine.Compile(n, WeightProfile.Default, kinds, ignoreCapacity);
                var expected = engine.Index.Rank(query, k, new int[OfferIndex.OutcomeSlots]);
                var count = engine.Index.TopFeasible(query, scores, slots, offers, held);
                Enumerable.Range(0, count).Select(r => (scores[r], offers[r], held[r])).Should().Equal(expected, $"{n.Id}, kinds {kinds?.Length ?? 0}, ignoreCapacity {ignoreCapacity}");
                remoteSeen += expected.Count(e => e.Offer.Remote);
            }
        }
        remoteSeen.Should().BeGreaterThan(0, "the comparison must cover remote offers in blocks beyond the reach");
    }

    private static readonly WeightProfile LanguageFirst = WeightProfile.Create(new WeightProfileDocument
    {
        Name = "language-first",
        Weights = new() { ["language"] = 3, ["interests"] = 0.5, ["distance"] = 1, ["availability"] = 2, ["bridgingLanguage"] = 1, ["goals"] = 0.2 },
        LevelTolerance = 1,
        Distance = new DistanceDecayDocument { OffsetKm = 2, ScaleKm = 6, Decay = 0.3 },
    }, out _)!;

    private static readonly WeightProfile NoDistance = WeightProfile.Create(new WeightProfileDocument
    {
        Name = "no-distance",
        Weights = new() { ["language"] = 1, ["interests"] = 1, ["distance"] = 0, ["availability"] = 1, ["bridgingLanguage"] = 1, ["goals"] = 1 },
    }, out _)!;

    private static readonly WeightProfile DistanceOnly = WeightProfile.Create(new WeightProfileDocument
    {
        Name = "distance-only",
        Weights = new() { ["distance"] = 1 },
        Distance = new DistanceDecayDocument { OffsetKm = 0, ScaleKm = 3, Decay = 0.5 },
    }, out _)!;

    private static IEnumerable<TestCaseData> PruningCases()
    {
        yield return new TestCaseData(WeightProfile.Default, 10, 31).SetName("Rank_ScorePruning_DefaultProfile_ChangesNoRankingFactOrCount");
        yield return new TestCaseData(WeightProfile.Default, 1, 32).SetName("Rank_ScorePruning_TopOne_ChangesNoRankingFactOrCount");
        yield return new TestCaseData(LanguageFirst, 10, 33).SetName("Rank_ScorePruning_LanguageFirstTolerant_ChangesNoRankingFactOrCount");
        yield return new TestCaseData(NoDistance, 25, 34).SetName("Rank_ScorePruning_NoDistanceWeight_ChangesNoRankingFactOrCount");
        yield return new TestCaseData(DistanceOnly, 10, 35).SetName("Rank_ScorePruning_DistanceOnly_ChangesNoRankingFactOrCount");
        yield return new TestCaseData(WeightProfile.Default, 100, 36).SetName("Rank_ScorePruning_TopHundred_ChangesNoRankingFactOrCount");
    }

    /// <summary>
    /// Generated offers and newcomers with what the scan's fast paths must not get wrong: schedules off the half-hour
    /// grid beside those on it, age and gender limits, few hours, full offers, and churn after the bulk load.
    /// </summary>
    private static (MatchingEngine Engine, List<Newcomer> Newcomers) VariedWorld(int seed, int offers, int newcomers)
    {
        var data = new DemoDataGenerator(new DemoDataOptions { Seed = seed, Offers = offers, Newcomers = newcomers, Today = Today }).Generate();
        var rng = new Random(seed);
        WeeklySlots Shift(WeeklySlots slots, int minutes) =>
            WeeklySlots.Create(slots.Slots.Select(t => new TimeSlot(t.Day, Math.Min(t.FromMinute + minutes, 1400), Math.Min(t.ToMinute + minutes, 1440))));
        var varied = data.Offers.Select(o => o with
        {
            Schedule = rng.NextDouble() < 0.3 ? Shift(o.Schedule, rng.Next(1, 45)) : o.Schedule,
            AgeRange = rng.NextDouble() < 0.1 ? new AgeRange(18 + rng.Next(0, 20), 30 + rng.Next(0, 40)) : o.AgeRange,
            Genders = rng.NextDouble() < 0.05 ? [Gender.Male] : o.Genders,
            Hours = rng.NextDouble() < 0.1 ? rng.Next(1, 12) : o.Hours,
        }).ToList();
        var engine = new MatchingEngine(Clock());
        engine.UpsertMany(varied.Select(o => (o, rng.NextDouble() < 0.1 ? o.Capacity : 0)));
        foreach (var o in varied.Where((_, i) => i % 17 == 0)) engine.Remove(o.Id);
        foreach (var o in varied.Where((_, i) => i % 13 == 4)) engine.Upsert(o with { Id = o.Id + "-moved", Location = data.Offers[rng.Next(data.Offers.Count)].Location });
        var people = data.Newcomers.Select(n => rng.NextDouble() < 0.3 ? n with { Availability = Shift(n.Availability, 15) } : n).ToList();
        return (engine, people);
    }

    [TestCaseSource(nameof(PruningCases))]
    public void Rank_ScorePruning_ChangesNoRankingFactOrCount(WeightProfile profile, int k, int seed)
    {
        var (engine, newcomers) = VariedWorld(seed, 4000, 60);
        var prunedWinners = new WinnerFacts[k];
        var fullWinners = new WinnerFacts[k];
        var scores = new double[k];
        var slots = new int[k];
        var offers = new Offer[k];
        var held = new int[k];
        var rng = new Random(seed);
        foreach (var n in newcomers)
        {
            var kinds = rng.NextDouble() < 0.2 ? new[] { (OfferKind)rng.Next(0, 5) } : null;
            var query = engine.Compile(n, profile, kinds);
            var prunedExcluded = new int[OfferIndex.OutcomeSlots];
            var fullExcluded = new int[OfferIndex.OutcomeSlots];
            engine.Index.PruneByScore = true;
            var pruned = engine.Index.Rank(query, k, prunedExcluded, prunedWinners);
            var feasible = engine.Index.TopFeasible(query, scores, slots, offers, held);
            engine.Index.PruneByScore = false;
            var full = engine.Index.Rank(query, k, fullExcluded, fullWinners);

            pruned.Should().Equal(full, n.Id);
            prunedExcluded.Should().Equal(fullExcluded, n.Id);
            for (var r = 0; r < full.Count; r++)
            {
                ((ReadOnlySpan<double>)prunedWinners[r].Criteria).ToArray().Should().Equal(((ReadOnlySpan<double>)fullWinners[r].Criteria).ToArray(), n.Id);
                prunedWinners[r].Km.Should().Be(fullWinners[r].Km, n.Id);
            }
            Enumerable.Range(0, feasible).Select(r => (scores[r], offers[r], held[r])).Should().Equal(full, n.Id);
        }
    }

    [TestCase(41)]
    [TestCase(42)]
    public void ScoreBounds_EveryFeasiblePair_NeverBelowTheScore(int seed)
    {
        var (engine, newcomers) = VariedWorld(seed, 1500, 40);
        Span<double> criteria = stackalloc double[Criteria.Count];
        var feasible = 0;
        var belowTenth = 0;
        var refinedBelowTenth = 0;
        foreach (var profile in new[] { WeightProfile.Default, LanguageFirst, NoDistance, DistanceOnly })
        {
            foreach (var n in newcomers)
            {
                var query = engine.Compile(n, profile, null);
                var ranked = engine.Index.Rank(query, 10, new int[OfferIndex.OutcomeSlots]);
                foreach (var (offer, _) in engine.Offers())
                {
                    var facts = engine.Index.EvaluatePair(query, offer.Id, criteria)!;
                    if (facts.Reason != ExclusionReason.None) continue;
                    // The score as the scan sums it.
                    var score = 0.0;
                    for (var c = 0; c < criteria.Length; c++) score += query.Weights[c] * criteria[c];
                    var bounds = engine.Index.ScoreBounds(query, offer.Id)!.Value;
                    bounds.Refined.Should().BeGreaterThanOrEqualTo(score, $"{n.Id} × {offer.Id}, {profile.Name}");
                    bounds.AfterTime.Should().BeGreaterThanOrEqualTo(bounds.Refined, $"{n.Id} × {offer.Id}, {profile.Name}");
                    bounds.BeforeTime.Should().BeGreaterThanOrEqualTo(bounds.AfterTime, $"{n.Id} × {offer.Id}, {profile.Name}");
                    feasible++;
                    if (ranked.Count == 10 && bounds.AfterTime < ranked[^1].Score) belowTenth++;
                    if (ranked.Count == 10 && bounds.AfterTime >= ranked[^1].Score && bounds.Refined < ranked[^1].Score) refinedBelowTenth++;
                }
            }
        }
        feasible.Should().BeGreaterThan(5_000);
        belowTenth.Should().BeGreaterThan(feasible / 4, "the bound must be tight enough to prune, or the test proves nothing");
        refinedBelowTenth.Should().BeGreaterThan(feasible / 50, "the refined bound must prune what the first one let through");
    }

    [Test]
    public void ScoreBounds_LearnedShapes_NoPruning()
    {
        var engine = new MatchingEngine(Clock());
        engine.Upsert(Offer());
        engine.Index.ScoreBounds(engine.Compile(Newcomer(), ReferenceAgreementTests.Shaped, null), Offer().Id).Should().BeNull();
        engine.Index.ScoreBounds(engine.Compile(Newcomer(), WeightProfile.Default, null), Offer().Id).Should().NotBeNull();
    }

    [TestCase(10)]
    [TestCase(300)]
    public void Rank_EqualScores_OrderedByOrdinalId_BeforeAndAfterWritesSinceTheCompaction(int k)
    {
        // Offers alike but for their ids score alike: the order is the ids' ordinal one, whether a slot's place in that
        // order is known from the compaction, written since (a new id, a reused slot) or mixed.
        var rng = new Random(12);
        string Id() => new(Enumerable.Range(0, rng.Next(1, 9)).Select(_ => "aAbBzZ09._-"[rng.Next(11)]).ToArray());
        var ids = Enumerable.Range(0, 400).Select(_ => Id()).Distinct().ToList();
        var engine = new MatchingEngine(Clock());
        engine.UpsertMany(ids.Take(250).Select(id => (Offer(id), 0)));
        var query = engine.Compile(Newcomer(), WeightProfile.Default, null);
        var scores = new double[k];
        var slots = new int[k];
        var offers = new Offer[k];
        var held = new int[k];
        void Check(string when)
        {
            var expected = engine.Offers().Select(o => o.Offer.Id).Order(StringComparer.Ordinal).Take(k).ToList();
            var ranked = engine.Index.Rank(query, k, new int[OfferIndex.OutcomeSlots]);
            ranked.Select(r => r.Score).Distinct().Should().ContainSingle(when);
            ranked.Select(r => r.Offer.Id).Should().Equal(expected, when);
            var count = engine.Index.TopFeasible(query, scores, slots, offers, held);
            offers.Take(count).Select(o => o.Id).Should().Equal(expected, when);
        }
        Check("after the compaction");
        foreach (var id in ids.Take(250).Where((_, i) => i % 3 == 0)) engine.Remove(id);
        // A second compaction moves the offers down: the slots above them are free again, once numbered.
        engine.UpsertMany([]);
        Check("after a second compaction");
        foreach (var id in ids.Skip(250)) engine.Upsert(Offer(id));
        foreach (var id in ids.Take(250).Where((_, i) => i % 5 == 1)) engine.Upsert(Offer(id) with { Title = "again" });
        Check("after removals, new ids in reused and new slots, and updates");
    }

    [Test]
    public void EvaluatePair_AgeAndGenderLimits_InTheLineAndBeyondIt_AgreeWithTheReference()
    {
        // Limits from 0 to 126 are read from the scan's hot line, others (beyond what the API accepts) from the offer's
        // cold struct: both must exclude exactly as the plain reference does, age before gender.
        (int Min, int Max)?[] ranges = [null, (0, 0), (0, 126), (18, 30), (126, 126), (125, 127), (18, 200), (127, 300), (0, 127)];
        Gender[][] genders = [[], [Gender.Female], [Gender.Male, Gender.X], [Gender.Female, Gender.Male, Gender.X]];
        var engine = new MatchingEngine(Clock());
        var reference = new Matching.Reference.ReferenceScorer(engine.Taxonomy, engine.Languages);
        var offers = new List<Offer>();
        foreach (var range in ranges)
        {
            foreach (var g in genders)
            {
                var offer = Offer($"o-{offers.Count}") with { AgeRange = range is { } r ? new AgeRange(r.Min, r.Max) : null, Genders = g };
                offers.Add(offer);
                engine.Upsert(offer);
            }
        }
        Span<double> criteria = stackalloc double[Criteria.Count];
        var reasons = new HashSet<ExclusionReason>();
        foreach (var age in new int?[] { null, 0, 1, 17, 18, 30, 31, 125, 126, 127, 128, 200, 201 })
        {
            foreach (var gender in Enum.GetValues<Gender>())
            {
                var n = Newcomer() with { BirthYear = age is int a ? Today.Year - a : null, Gender = gender };
                var query = engine.Compile(n, WeightProfile.Default, null);
                foreach (var offer in offers)
                {
                    var expected = reference.Evaluate(n, offer, 0, WeightProfile.Default, Today, null).Reason;
                    engine.Index.EvaluatePair(query, offer.Id, criteria)!.Reason.Should().Be(expected, $"age {age}, {gender} × {offer.AgeRange}, {string.Join(",", offer.Genders)}");
                    reasons.Add(expected);
                }
            }
        }
        reasons.Order().Should().Equal(ExclusionReason.None, ExclusionReason.Age, ExclusionReason.Gender);
    }

    [Test]
    public void Rank_RemoteOffersTurnedLocalRemovedFilledAndBack_SameAsTheReference()
    {
        // The remote offers are scanned from a run of their own, kept by every write: flips both ways, removals, new
        // remote offers in reused and new slots, full ones, and a compaction that rebuilds the run.
        var data = new DemoDataGenerator(new DemoDataOptions { Seed = 21, Offers = 1500, Newcomers = 40, Today = Today }).Generate();
        var engine = new MatchingEngine(Clock());
        var rng = new Random(21);
        engine.UpsertMany(data.Offers.Select(o => (o with { Remote = o.Remote || rng.Next(8) == 0 }, 0)));
        var reference = new Matching.Reference.ReferenceScorer(engine.Taxonomy, engine.Languages);
        var remoteRanked = 0;
        void Check(string when)
        {
            var offers = engine.Offers();
            offers.Count(o => o.Offer.Remote).Should().BeGreaterThan(100, when);
            foreach (var n in data.Newcomers)
            {
                var expected = reference.Rank(n, offers, WeightProfile.Default, Today, null, 20);
                var expectedExcluded = new int[OfferIndex.OutcomeSlots];
                foreach (var (o, held) in offers) expectedExcluded[(int)reference.Evaluate(n, o, held, WeightProfile.Default, Today, null).Reason]++;
                expectedExcluded[(int)ExclusionReason.None] = 0;
                var excluded = new int[OfferIndex.OutcomeSlots];
                var ranked = engine.Index.Rank(engine.Compile(n, WeightProfile.Default, null), 20, excluded);
                ranked.Select(r => r.Offer.Id).Should().Equal(expected.Select(e => e.OfferId), $"{when}: {n.Id}");
                ranked.Select(r => r.Score).Should().Equal(expected.Select(e => e.Score), (a, b) => Math.Abs(a - b) < 1e-12, $"{when}: {n.Id}");
                excluded.Should().Equal(expectedExcluded, $"{when}: {n.Id}");
                remoteRanked += ranked.Count(r => r.Offer.Remote);
            }
        }
        Check("after the bulk load");
        for (var round = 0; round < 4; round++)
        {
            // Each round from the index's current offers, so that removals move the run's last entries into the holes
            // and the next round's updates and removals meet the moved ones.
            var live = engine.Offers().Select(o => o.Offer).ToList();
            foreach (var o in live.Where(o => o.Remote && rng.Next(6) == 0)) engine.Remove(o.Id);
            foreach (var o in live.Where(_ => rng.Next(12) == 0)) engine.Upsert(o with { Remote = !o.Remote });
            foreach (var o in live.Where(_ => rng.Next(25) == 0)) engine.Upsert(o with { Id = $"{o.Id}-r{round}", Remote = true });
            foreach (var o in live.Where(o => o.Remote && rng.Next(10) == 0)) engine.SetHeld(o.Id, o.Capacity);
            foreach (var o in live.Where(o => o.Remote && rng.Next(5) == 0))
            {
                engine.Upsert(o with { Schedule = live[rng.Next(live.Count)].Schedule, Hours = rng.Next(5, 60) });
            }
        }
        Check("after flips, removals, new remote offers, full ones and new schedules");
        engine.UpsertMany([]);
        Check("after a second compaction");
        remoteRanked.Should().BeGreaterThan(data.Newcomers.Count, "remote offers must be among the ranked");
    }

    [Test]
    public void Rank_TooLittleRoomForWinners_Throws()
    {
        var engine = new MatchingEngine(Clock());
        engine.Upsert(Offer());
        var query = engine.Compile(Newcomer(), WeightProfile.Default, null);
        var act = () => engine.Index.Rank(query, 10, new int[OfferIndex.OutcomeSlots], new WinnerFacts[9]);
        act.Should().Throw<ArgumentException>().WithParameterName("winners");
    }

    [Test]
    public void Grows_PastInitialCapacity()
    {
        var engine = new MatchingEngine(Clock());
        for (var i = 0; i < 1000; i++) engine.Upsert(Offer($"o-{i:D4}"));
        engine.OfferCount.Should().Be(1000);
        engine.Suggest(Newcomer(), new RankingOptions { Limit = 100 }).Suggestions.Should().HaveCount(100);
    }

    [Test]
    public async Task ConcurrentReadersAndOneWriter_NeverSeeRemovedOrFullOffers()
    {
        var engine = new MatchingEngine(Clock());
        // "stable-*" offers stay; "churn-*" offers are added, filled and removed by the writer all the time.
        for (var i = 0; i < 200; i++) engine.Upsert(Offer($"stable-{i:D3}"));
        using var cts = new CancellationTokenSource();
        var removed = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        using var readersStarted = new CountdownEvent(3);
        var writer = Task.Run(() =>
        {
            readersStarted.Wait();
            var n = 0;
            while (!cts.IsCancellationRequested && n < 20_000)
            {
                var id = $"churn-{n % 50:D2}";
                engine.Upsert(Offer(id) with { Capacity = 1 });
                engine.SetHeld(id, 1);
                engine.Remove(id);
                n++;
            }
            return n;
        });
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            var reads = 0;
            readersStarted.Signal();
            while (!writer.IsCompleted)
            {
                var r = engine.Suggest(Newcomer(), new RankingOptions { Limit = 100 });
                // A churn offer is only ever visible free between Upsert and SetHeld; it must then be complete and valid.
                r.Suggestions.Should().HaveCount(100);
                r.Suggestions.Select(s => s.OfferId).Should().OnlyHaveUniqueItems();
                r.Suggestions.Count(s => s.OfferId.StartsWith("stable-", StringComparison.Ordinal)).Should().BeGreaterThanOrEqualTo(99);
                reads++;
            }
            return reads;
        })).ToArray();
        var writes = await writer;
        var readCounts = await Task.WhenAll(readers);
        writes.Should().Be(20_000);
        readCounts.Sum().Should().BeGreaterThan(0);
        engine.OfferCount.Should().Be(200);
        engine.Suggest(Newcomer(), new RankingOptions { Limit = 100 }).Suggestions.Should().OnlyContain(s => s.OfferId.StartsWith("stable-", StringComparison.Ordinal));
    }
}
