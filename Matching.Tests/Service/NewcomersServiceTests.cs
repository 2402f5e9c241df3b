using Matching.Service;

namespace Matching.Tests.Service;

public class NewcomersServiceTests
{
    [Test]
    public void Put_NewThenSameId_CreatedThenOk_AndGetReturnsTheStoredDocument()
    {
        using var f = new ServiceFixture();
        f.Newcomers.Put("nc-1", ServiceFixture.NewcomerDocument(), "test").Outcome.Should().Be(Outcome.Created);
        var second = f.Newcomers.Put("nc-1", ServiceFixture.NewcomerDocument(), "test");

        second.Outcome.Should().Be(Outcome.Ok);
        f.Newcomers.Get("nc-1").Should().BeEquivalentTo(second.Value);
    }

    [Test]
    public void Put_InvalidDocument_InvalidAndNothingStored()
    {
        using var f = new ServiceFixture();
        var document = ServiceFixture.NewcomerDocument();
        document.DutchLevel = "Z9";

        var result = f.Newcomers.Put("nc-1", document, "test");

        result.Outcome.Should().Be(Outcome.Invalid);
        result.Errors!.ToDictionary().Should().ContainKey("dutchLevel");
        f.Newcomers.Get("nc-1").Should().BeNull();
    }

    [Test]
    public void Erase_WithAcceptedMatch_FreesThePlace_KeepsAnAnonymousMatch_AndRemovesTheIdFromTheAudit()
    {
        using var f = new ServiceFixture();
        f.SeedPair(capacity: 1);
        var matchId = f.Accept();

        f.Newcomers.Erase("nc-1", "test").Should().BeTrue();

        f.Newcomers.Get("nc-1").Should().BeNull();
        f.Offers.Get("offer-1")!.PlacesFree.Should().Be(1);
        f.Store.Engine.GetOffer("offer-1")!.Value.Held.Should().Be(0);
        var match = f.Matches.Get(matchId)!;
        match.NewcomerId.Should().BeNull();
        (match.Status, match.Reason).Should().Be(("stopped", "erased"));
        f.Audit.Read(100).Should().NotContain(e => e.SubjectId == "nc-1");
    }

    [Test]
    public void Erase_Unknown_FalseAndNothingAudited()
    {
        using var f = new ServiceFixture();
        var before = f.Audit.Read(100).Count;

        f.Newcomers.Erase("nobody", "test").Should().BeFalse();

        f.Audit.Read(100).Should().HaveCount(before);
    }

    [Test]
    public void EraseEndedTrajectories_EndedLongerAgoThanTheMonths_ErasesOnlyThose()
    {
        using var f = new ServiceFixture();
        var ended = ServiceFixture.NewcomerDocument("nc-old");
        ended.TrajectoryEnd = TestData.Today.AddMonths(-13).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        f.Newcomers.Put("nc-old", ended, "test").Outcome.Should().Be(Outcome.Created);
        f.Newcomers.Put("nc-new", ServiceFixture.NewcomerDocument("nc-new"), "test").Outcome.Should().Be(Outcome.Created);

        f.Newcomers.EraseEndedTrajectories(12).Should().Be(1);

        f.Newcomers.Get("nc-old").Should().BeNull();
        f.Newcomers.Get("nc-new").Should().NotBeNull();
    }

    [Test]
    public void Unplaced_And_WithoutOpenMatch_DifferOnProposedAndAcceptedMatches()
    {
        using var f = new ServiceFixture();
        f.SeedPair("nc-accepted");
        f.Newcomers.Put("nc-proposed", ServiceFixture.NewcomerDocument("nc-proposed"), "test");
        f.Newcomers.Put("nc-free", ServiceFixture.NewcomerDocument("nc-free"), "test");
        f.Accept("nc-accepted");
        f.Matches.Create("nc-proposed", "offer-1", null, null, "test").Outcome.Should().Be(Outcome.Created);

        f.Newcomers.Unplaced().Select(n => n.Id).Should().Equal("nc-free", "nc-proposed");
        f.Newcomers.WithoutOpenMatch().Select(n => n.Id).Should().Equal("nc-free");
    }
}
