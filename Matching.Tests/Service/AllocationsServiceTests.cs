using Matching.Allocation;
using Matching.Model;
using Matching.Scoring;
using Matching.Service;

namespace Matching.Tests.Service;

public class AllocationsServiceTests
{
    private static AllocationRequest Request => new() { Profile = WeightProfile.Default };

    [Test]
    public void Propose_ThenConfirm_AcceptsEveryAssignmentInOneGo()
    {
        using var f = new ServiceFixture();
        f.SeedPair("nc-1", "offer-1", capacity: 2);
        f.Newcomers.Put("nc-2", ServiceFixture.NewcomerDocument("nc-2"), "test");

        var plan = f.Allocations.Propose(null, Request, "test");
        plan.Outcome.Should().Be(Outcome.Created);
        plan.Value!.Placed.Should().Be(2);
        f.Offers.Get("offer-1")!.PlacesTaken.Should().Be(0, "a proposal holds nothing");

        var confirmed = f.Allocations.Confirm(plan.Value.Id, "test");

        confirmed.Outcome.Should().Be(Outcome.Ok);
        confirmed.Value!.Select(m => m.Status).Should().Equal("accepted", "accepted");
        f.Offers.Get("offer-1")!.PlacesTaken.Should().Be(2);
        f.Store.Engine.GetOffer("offer-1")!.Value.Held.Should().Be(2);
        f.Allocations.Get(plan.Value.Id)!.Value.Status.Should().Be("confirmed");
        f.Allocations.Confirm(plan.Value.Id, "test").Outcome.Should().Be(Outcome.Conflict);
    }

    [TestCase(AllocationMode.Optimal)]
    [TestCase(AllocationMode.Greedy)]
    [TestCase(AllocationMode.Stable)]
    [TestCase(AllocationMode.Dynamic)]
    public void Propose_NewcomerStartingAfterToday_LeftOutOfTheCohort_ListedNotStartedWhenNamed(AllocationMode mode)
    {
        using var f = new ServiceFixture();
        f.SeedPair("nc-1", "offer-1", capacity: 2);
        var later = ServiceFixture.NewcomerDocument("nc-later");
        later.TrajectoryStart = TestData.Today.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        f.Newcomers.Put("nc-later", later, "test").Outcome.Should().Be(Outcome.Created);
        var today = ServiceFixture.NewcomerDocument("nc-today");
        today.TrajectoryStart = TestData.Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        f.Newcomers.Put("nc-today", today, "test").Outcome.Should().Be(Outcome.Created);
        var request = Request with { Mode = mode };

        var cohort = f.Allocations.Propose(null, request, "test").Value!;
        var named = f.Allocations.Propose(["nc-later", "nc-1"], request, "test").Value!;

        cohort.Assignments.Select(a => a.NewcomerId).Should().BeEquivalentTo(["nc-1", "nc-today"], "one who starts today is in the cohort");
        cohort.Unassigned.Should().BeEmpty("one who starts later is not part of today's cohort");
        named.Assignments.Select(a => a.NewcomerId).Should().Equal("nc-1");
        named.Unassigned.Should().Equal(new Unassigned("nc-later", "notStarted"));
    }

    [Test]
    public void Confirm_AfterAPlaceWasTakenInBetween_ConflictAndNothingWritten()
    {
        using var f = new ServiceFixture();
        f.SeedPair("nc-1", "offer-1", capacity: 1);
        var plan = f.Allocations.Propose(["nc-1"], Request, "test").Value!;
        f.Newcomers.Put("nc-2", ServiceFixture.NewcomerDocument("nc-2"), "test");
        f.Accept("nc-2");

        var result = f.Allocations.Confirm(plan.Id, "test");

        result.Outcome.Should().Be(Outcome.Conflict);
        result.Detail.Should().Contain("offer offer-1 has 0 free places");
        f.Allocations.Get(plan.Id)!.Value.Status.Should().Be("proposed");
        f.Newcomers.Unplaced().Select(n => n.Id).Should().Equal("nc-1");
    }

    [Test]
    public void Propose_UnknownOrRepeatedIds_InvalidNamingTheField()
    {
        using var f = new ServiceFixture();
        f.SeedPair();

        var result = f.Allocations.Propose(["nc-1", "nobody", "nc-1"], Request, "test");

        result.Errors!.ToDictionary().Keys.Should().BeEquivalentTo("newcomerIds[1]", "newcomerIds");
        f.Allocations.Get("a-none").Should().BeNull();
    }

    [Test]
    public void GapReport_CountsOnlyNewcomersWithoutAPlace()
    {
        using var f = new ServiceFixture();
        f.SeedPair("nc-1", "offer-1", capacity: 1);
        f.Newcomers.Put("nc-2", ServiceFixture.NewcomerDocument("nc-2"), "test");
        f.Accept("nc-1");

        var report = f.Allocations.GapReport(GapGrouping.Municipality, OfferKind.LanguageInternship, WeightProfile.Default);

        report.Rows.Sum(r => r.NewcomersWaiting).Should().Be(1);
        report.Rows.Sum(r => r.PlacesTaken).Should().Be(1);
    }
}
