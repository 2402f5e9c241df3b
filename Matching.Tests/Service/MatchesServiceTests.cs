using Matching.Service;

namespace Matching.Tests.Service;

public class MatchesServiceTests
{
    [Test]
    public void Create_ThenAccept_HoldsAPlaceInTheDatabaseAndTheIndex()
    {
        using var f = new ServiceFixture();
        f.SeedPair(capacity: 2);

        var id = f.Accept();

        var match = f.Matches.Get(id)!;
        match.Status.Should().Be("accepted");
        match.AcceptedAt.Should().Be(f.Clock.GetUtcNow());
        f.Offers.Get("offer-1")!.PlacesTaken.Should().Be(1);
        f.Store.Engine.GetOffer("offer-1")!.Value.Held.Should().Be(1);
    }

    [Test]
    public void Move_AcceptOnAFullOffer_Conflict()
    {
        using var f = new ServiceFixture();
        f.SeedPair(capacity: 1);
        f.Newcomers.Put("nc-2", ServiceFixture.NewcomerDocument("nc-2"), "test");
        var second = f.Matches.Create("nc-2", "offer-1", null, null, "test").Value!;
        f.Accept();

        var result = f.Matches.Move(second.Id, MatchStatus.Accepted, null, null, "test");

        result.Outcome.Should().Be(Outcome.Conflict);
        f.Matches.Get(second.Id)!.Status.Should().Be("proposed");
    }

    [Test]
    public void Create_SamePairWhileOpen_Conflict()
    {
        using var f = new ServiceFixture();
        f.SeedPair();
        f.Matches.Create("nc-1", "offer-1", null, null, "test").Outcome.Should().Be(Outcome.Created);

        f.Matches.Create("nc-1", "offer-1", null, null, "test").Outcome.Should().Be(Outcome.Conflict);
    }

    [Test]
    public void Create_UnknownNewcomerOrOffer_NotFound_BadIds_Invalid()
    {
        using var f = new ServiceFixture();
        f.SeedPair();

        f.Matches.Create("nobody", "offer-1", null, null, "test").Outcome.Should().Be(Outcome.NotFound);
        f.Matches.Create("nc-1", "nothing", null, null, "test").Outcome.Should().Be(Outcome.NotFound);
        f.Matches.Create("nc-1", "offer-1", null, "no-such-profile", "test").Errors!.ToDictionary().Should().ContainKey("profile");
    }

    [Test]
    public void Move_IllegalTransition_Conflict_AndCompletingWithoutHours_Invalid()
    {
        using var f = new ServiceFixture();
        f.SeedPair();
        var proposal = f.Matches.Create("nc-1", "offer-1", null, null, "test").Value!;

        f.Matches.Move(proposal.Id, MatchStatus.Completed, 40, null, "test").Outcome.Should().Be(Outcome.Conflict);
        f.Matches.Move(proposal.Id, MatchStatus.Completed, null, null, "test").Errors!.ToDictionary().Should().ContainKey("hoursDone");
        f.Matches.Move("m-none", MatchStatus.Accepted, null, null, "test").Outcome.Should().Be(Outcome.NotFound);
    }

    [Test]
    public void Move_StartedToCompleted_FreesThePlace()
    {
        using var f = new ServiceFixture();
        f.SeedPair(capacity: 1);
        var id = f.Accept();
        f.Matches.Move(id, MatchStatus.Started, null, null, "test").Outcome.Should().Be(Outcome.Ok);

        f.Matches.Move(id, MatchStatus.Completed, 40, null, "test").Value!.HoursDone.Should().Be(40);

        f.Offers.Get("offer-1")!.PlacesFree.Should().Be(1);
        f.Store.Engine.GetOffer("offer-1")!.Value.Held.Should().Be(0);
    }
}
