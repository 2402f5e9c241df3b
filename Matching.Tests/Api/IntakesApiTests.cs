using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Data.Sqlite;
using static Matching.Tests.Api.ImportRequests;

namespace Matching.Tests.Api;

/// <summary>
/// Registered intakes (issue 13): a newcomer whose trajectoryStart lies ahead is stored and imported like any other,
/// suggested as of their start, left out of a cohort until then, and counted by the price job as a known intake.
/// </summary>
public class IntakesApiTests
{
    private ApiFactory _factory = null!;
    private HttpClient _cms = null!;
    private HttpClient _worker = null!;
    private HttpClient _analyst = null!;

    [SetUp]
    public void SetUp()
    {
        _factory = new ApiFactory();
        _cms = _factory.Client(ApiFactory.CaseManagementKey);
        _worker = _factory.Client(ApiFactory.CaseWorkerKey);
        _analyst = _factory.Client(ApiFactory.AnalystKey);
    }

    [TearDown]
    public void TearDown()
    {
        _cms.Dispose();
        _worker.Dispose();
        _analyst.Dispose();
        _factory.Dispose();
    }

    /// <summary>The usual newcomer (trajectory end 2027-06-30), starting on <paramref name="start"/> when given.</summary>
    private static JsonObject Body(string? start, string? end = "2027-06-30")
    {
        var body = JsonSerializer.SerializeToNode(ApiFactory.NewcomerBody())!.AsObject();
        if (start is not null) body["trajectoryStart"] = start;
        if (end is null) body.Remove("trajectoryEnd"); else body["trajectoryEnd"] = end;
        return body;
    }

    private long Count(string sql)
    {
        using var db = new SqliteConnection($"Data Source={_factory.DatabaseFile}");
        return db.ExecuteScalar<long>(sql);
    }

    [TestCase("2027-07-01")]
    [TestCase("01/12/2026")]
    public async Task PutNewcomer_TrajectoryStartAfterEndOrNoDate_400NamingTrajectoryStart_NothingWritten(string start)
    {
        var response = await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-1", Body(start));

        var errors = await response.ShouldBeValidationProblem("trajectoryStart");
        errors.EnumerateObject().Should().HaveCount(1);
        Count("SELECT COUNT(*) FROM newcomers").Should().Be(0);
    }

    [Test]
    public async Task PutNewcomer_TrajectoryStart_ReadBack_StoredInItsColumn_OnTheEndDayAndWithoutAnEnd()
    {
        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-1", Body("2027-01-04"))).EnsureSuccessStatusCode();
        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-2", Body("2027-06-30"))).EnsureSuccessStatusCode();
        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-3", Body("2027-02-01", end: null))).EnsureSuccessStatusCode();
        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-4", Body(null))).EnsureSuccessStatusCode();

        var read = await (await _cms.GetAsync("/api/v1/newcomers/nc-1")).Json();
        read.GetProperty("trajectoryStart").GetString().Should().Be("2027-01-04");
        (await (await _cms.GetAsync("/api/v1/newcomers/nc-4")).Json()).TryGetProperty("trajectoryStart", out _).Should().BeFalse("absent: already in the fourth pillar");
        using var db = new SqliteConnection($"Data Source={_factory.DatabaseFile}");
        db.Query<(string Id, string? Start)>("SELECT id, trajectory_start FROM newcomers ORDER BY id").Should()
            .Equal(("nc-1", "2027-01-04"), ("nc-2", "2027-06-30"), ("nc-3", "2027-02-01"), ("nc-4", null));
    }

    [Test]
    public async Task ImportNewcomers_BadTrajectoryStart_400NamingLineAndField_AndNothingWritten()
    {
        var lines = new[]
        {
            Line("nc-1", Body("2027-01-04")),
            Line("nc-2", Body("2027-13-01")),
            Line("nc-3", Body("2027-08-01")),
        };
        var response = await _cms.PostAsync("/api/v1/newcomers:import", Ndjson(lines));

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("importErrors").EnumerateArray().Select(e => (e.GetProperty("line").GetInt32(), e.GetProperty("field").GetString())).ToList();
        errors.Should().Equal((2, "trajectoryStart"), (3, "trajectoryStart"));
        Count("SELECT COUNT(*) FROM newcomers").Should().Be(0, "an import with any error writes nothing");

        await ShouldCount(await _cms.PostAsync("/api/v1/newcomers:import", Ndjson([lines[0]])), 1, 0, 0);
        Count("SELECT COUNT(*) FROM newcomers WHERE trajectory_start = '2027-01-04'").Should().Be(1);
    }

    [Test]
    public async Task Suggestions_FutureStarter_AsOfTheirStart_AnOfferClosingBeforeIsExcluded()
    {
        // The tests' today is 2026-11-02. One offer closes on 2026-12-31, the other runs to mid 2027.
        var closing = JsonSerializer.SerializeToNode(ApiFactory.OfferBody())!.AsObject();
        closing["endsOn"] = "2026-12-31";
        closing["hours"] = 10; // at 3 hours a week, the 60 days left suffice
        (await _cms.PutAsJsonAsync("/api/v1/offers/closing", closing)).EnsureSuccessStatusCode();
        (await _cms.PutAsJsonAsync("/api/v1/offers/open", ApiFactory.OfferBody())).EnsureSuccessStatusCode();
        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-now", Body(null))).EnsureSuccessStatusCode();
        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-later", Body("2027-01-04"))).EnsureSuccessStatusCode();

        var now = await (await _worker.GetAsync("/api/v1/newcomers/nc-now/suggestions")).Json();
        var later = await (await _worker.GetAsync("/api/v1/newcomers/nc-later/suggestions")).Json();

        Offers(now).Should().BeEquivalentTo(["closing", "open"]);
        Offers(later).Should().Equal(["open"], "the case worker plans ahead; the closing offer has ended by their start");
        later.GetProperty("excluded").GetProperty("byReason").GetProperty("time").GetInt32().Should().Be(1);

        static List<string?> Offers(JsonElement answer) =>
            answer.GetProperty("suggestions").EnumerateArray().Select(s => s.GetProperty("offerId").GetString()).ToList();
    }

    [Test]
    public async Task Assignments_FutureStarter_LeftOutOfTheCohort_NamedOneListedNotStarted()
    {
        (await _cms.PutAsJsonAsync("/api/v1/offers/offer-1", ApiFactory.OfferBody(capacity: 5))).EnsureSuccessStatusCode();
        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-now", Body(null))).EnsureSuccessStatusCode();
        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-later", Body("2026-11-03"))).EnsureSuccessStatusCode();

        var cohort = await (await _cms.PostAsJsonAsync("/api/v1/assignments", new { mode = "optimal" })).Json(HttpStatusCode.Created);
        var named = await (await _cms.PostAsJsonAsync("/api/v1/assignments", new { mode = "greedy", newcomerIds = new[] { "nc-now", "nc-later" } })).Json(HttpStatusCode.Created);

        cohort.GetProperty("assignments").EnumerateArray().Select(a => a.GetProperty("newcomerId").GetString()).Should().Equal("nc-now");
        cohort.GetProperty("unassigned").GetArrayLength().Should().Be(0);
        named.GetProperty("assignments").EnumerateArray().Select(a => a.GetProperty("newcomerId").GetString()).Should().Equal("nc-now");
        var unassigned = named.GetProperty("unassigned")[0];
        (unassigned.GetProperty("newcomerId").GetString(), unassigned.GetProperty("reason").GetString()).Should().Be(("nc-later", "notStarted"));
    }

    [Test]
    public async Task Scarcity_KnownIntakes_InTheAnswer()
    {
        (await _cms.PutAsJsonAsync("/api/v1/offers/offer-1", ApiFactory.OfferBody(capacity: 1))).EnsureSuccessStatusCode();
        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-now", Body(null))).EnsureSuccessStatusCode();
        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-soon", Body("2026-11-20"))).EnsureSuccessStatusCode();
        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-next-year", Body("2027-06-01"))).EnsureSuccessStatusCode();

        (await _analyst.PostAsync("/api/v1/scarcity:recompute", null)).EnsureSuccessStatusCode();
        var inputs = (await (await _worker.GetAsync("/api/v1/scarcity")).Json()).GetProperty("inputs");

        inputs.GetProperty("knownIntakes").GetInt32().Should().Be(1, "only nc-soon starts within the horizon");
        inputs.GetProperty("recentNewcomers").GetInt32().Should().Be(1);
    }
}
