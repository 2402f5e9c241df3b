using Matching.Ranking;
using Matching.Scoring;
using Matching.Service;

namespace Matching.Tests.Service;

public class SuggestionsServiceTests
{
    private static RankingOptions Options => new() { Profile = WeightProfile.Default };

    [Test]
    public void SuggestFor_StoredNewcomer_RanksTheStoredOffer_Unknown_NotFound()
    {
        using var f = new ServiceFixture();
        f.SeedPair();

        f.Suggestions.SuggestFor("nc-1", Options).Value!.Suggestions.Select(s => s.OfferId).Should().Equal("offer-1");
        f.Suggestions.SuggestFor("nobody", Options).Outcome.Should().Be(Outcome.NotFound);
    }

    [Test]
    public void SuggestInline_StoresNothing_InvalidNamesTheField()
    {
        using var f = new ServiceFixture();
        f.SeedPair("nc-stored");
        var inline = ServiceFixture.NewcomerDocument("nc-inline");

        f.Suggestions.SuggestInline(inline, Options).Value!.Suggestions.Should().ContainSingle();

        f.Newcomers.Get("nc-inline").Should().BeNull();
        inline.DutchLevel = "Z9";
        f.Suggestions.SuggestInline(inline, Options).Errors!.ToDictionary().Should().ContainKey("dutchLevel");
    }

    [Test]
    public void Candidates_LeaveOutNewcomersWhoHoldAPlace()
    {
        using var f = new ServiceFixture();
        f.SeedPair("nc-1");
        f.Newcomers.Put("nc-2", ServiceFixture.NewcomerDocument("nc-2"), "test");
        f.Accept("nc-1");

        f.Suggestions.Candidates("offer-1", Options).Value!.Candidates.Select(c => c.NewcomerId).Should().Equal("nc-2");
        f.Suggestions.Candidates("nothing", Options).Outcome.Should().Be(Outcome.NotFound);
    }
}
