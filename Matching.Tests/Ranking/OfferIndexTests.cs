using Matching.Model;
using Matching.Ranking;
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
