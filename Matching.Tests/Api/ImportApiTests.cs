using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Data.Sqlite;
using static Matching.Tests.Api.ImportRequests;

namespace Matching.Tests.Api;

/// <summary>The integrators' contract: bulk import, reconciliation lists, and the summaries on ranked answers.</summary>
public class ImportApiTests
{
    private ApiFactory _factory = null!;
    private HttpClient _cms = null!;
    private HttpClient _worker = null!;

    [SetUp]
    public void SetUp()
    {
        _factory = new ApiFactory(settings: new Dictionary<string, string?> { ["Import:MaxBytes"] = "65536" });
        _cms = _factory.Client(ApiFactory.CaseManagementKey);
        _worker = _factory.Client(ApiFactory.CaseWorkerKey);
    }

    [TearDown]
    public void TearDown()
    {
        _cms.Dispose();
        _worker.Dispose();
        _factory.Dispose();
    }

    private static StringContent Array(IEnumerable<string> lines) => new("[" + string.Join(",\n", lines) + "]", Encoding.UTF8, "application/json");

    private long Count(string sql)
    {
        using var db = new SqliteConnection($"Data Source={_factory.DatabaseFile}");
        return db.ExecuteScalar<long>(sql);
    }

    [Test]
    public async Task ImportOffers_NdjsonTwiceThenOneChanged_CountsCreatedUnchangedUpdated_AndSuggestionsSeeThemAtOnce()
    {
        var lines = Enumerable.Range(1, 5).Select(i => Line($"o-{i}", ApiFactory.OfferBody(capacity: i))).ToList();
        await ShouldCount(await _cms.PostAsync("/api/v1/offers:import", Ndjson(lines)), created: 5, updated: 0, unchanged: 0);
        await ShouldCount(await _cms.PostAsync("/api/v1/offers:import", Array(lines)), created: 0, updated: 0, unchanged: 5);
        lines[2] = Line("o-3", ApiFactory.OfferBody(capacity: 9));
        await ShouldCount(await _cms.PostAsync("/api/v1/offers:import", Ndjson(lines)), created: 0, updated: 1, unchanged: 4);

        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-1", ApiFactory.NewcomerBody())).EnsureSuccessStatusCode();
        var suggestions = (await (await _worker.GetAsync("/api/v1/newcomers/nc-1/suggestions?limit=10")).Json()).GetProperty("suggestions");
        suggestions.EnumerateArray().Select(s => s.GetProperty("offerId").GetString()).Should().BeEquivalentTo(["o-1", "o-2", "o-3", "o-4", "o-5"]);
        suggestions.EnumerateArray().Single(s => s.GetProperty("offerId").GetString() == "o-3").GetProperty("offer").GetProperty("placesFree").GetInt32().Should().Be(9);
        Count("SELECT COUNT(*) FROM audit WHERE action = 'offers.imported'").Should().Be(3, "one audit row per batch");
    }

    [Test]
    public async Task ImportNewcomers_NdjsonWithBadLines_400NamingLineAndField_AndNothingWritten()
    {
        var lines = new[]
        {
            Line("nc-1", ApiFactory.NewcomerBody()),
            "",
            Line("nc-2", ApiFactory.NewcomerBody(level: "Z9")),
            Line("nc-3", ApiFactory.NewcomerBody(place: "Nergensdorp")),
            """{"id":"nc-4","name":"Jan"}""",
            Line("nc-1", ApiFactory.NewcomerBody()),
        };
        var response = await _cms.PostAsync("/api/v1/newcomers:import", Ndjson(lines));

        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("importErrors").EnumerateArray().Select(e => (e.GetProperty("line").GetInt32(), e.GetProperty("field").GetString())).ToList();
        errors.Should().Contain((3, "dutchLevel")).And.Contain((4, "location.place")).And.Contain((5, "name")).And.Contain((6, "id"));
        problem.GetProperty("errors").TryGetProperty("line 3: dutchLevel", out _).Should().BeTrue(problem.ToString());
        Count("SELECT COUNT(*) FROM newcomers").Should().Be(0, "an import with any error writes nothing");
    }

    [Test]
    public async Task ImportNewcomers_ArrayWithBadElement_400NamingItsPosition_AndNothingWritten()
    {
        var response = await _cms.PostAsync("/api/v1/newcomers:import",
            Array([Line("nc-1", ApiFactory.NewcomerBody()), Line("nc-2", ApiFactory.NewcomerBody(level: "Z9"))]));

        var errors = await response.ShouldBeValidationProblem("line 2: dutchLevel");
        errors.EnumerateObject().Should().HaveCount(1);
        Count("SELECT COUNT(*) FROM newcomers").Should().Be(0);

        await ShouldCount(await _cms.PostAsync("/api/v1/newcomers:import", Array([Line("nc-1", ApiFactory.NewcomerBody())])), 1, 0, 0);
    }

    [Test]
    public async Task Import_BodyOverTheLimit_413_AndOtherTypes415()
    {
        var lines = Enumerable.Range(1, 400).Select(i => Line($"nc-{i}", ApiFactory.NewcomerBody()));
        await (await _cms.PostAsync("/api/v1/newcomers:import", Ndjson(lines))).ShouldBeProblem(HttpStatusCode.RequestEntityTooLarge);
        await (await _cms.PostAsync("/api/v1/newcomers:import", new StringContent("id,x", Encoding.UTF8, "text/csv"))).ShouldBeProblem(HttpStatusCode.UnsupportedMediaType);
        Count("SELECT COUNT(*) FROM newcomers").Should().Be(0);
    }

    [Test]
    public async Task ImportOffers_CapacityBelowHeldPlaces_409NamingTheLine_AndNothingWritten()
    {
        await _factory.SeedPairAsync(capacity: 2);
        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-2", ApiFactory.NewcomerBody())).EnsureSuccessStatusCode();
        foreach (var newcomerId in new[] { "nc-1", "nc-2" })
        {
            var match = await (await _worker.PostAsJsonAsync("/api/v1/matches", new { newcomerId, offerId = "offer-1" })).Json(HttpStatusCode.Created);
            (await _worker.PatchAsJsonAsync($"/api/v1/matches/{match.GetProperty("id").GetString()}", new { status = "accepted" })).EnsureSuccessStatusCode();
        }

        var response = await _cms.PostAsync("/api/v1/offers:import",
            Ndjson([Line("o-new", ApiFactory.OfferBody()), "", Line("offer-1", ApiFactory.OfferBody(capacity: 1))]));

        var problem = await response.ShouldBeProblem(HttpStatusCode.Conflict);
        problem.GetProperty("detail").GetString().Should().StartWith("Line 3, capacity: offer 'offer-1'");
        Count("SELECT COUNT(*) FROM offers").Should().Be(1, "nothing of the batch was written");
        var ok = await _cms.PostAsync("/api/v1/offers:import", Ndjson([Line("o-new", ApiFactory.OfferBody()), Line("offer-1", ApiFactory.OfferBody(capacity: 3))]));
        await ShouldCount(ok, created: 1, updated: 1, unchanged: 0);
    }

    private async Task<List<JsonElement>> ReadAllAsync(string list, int pageSize)
    {
        var items = new List<JsonElement>();
        long since = 0;
        while (true)
        {
            var page = await (await _cms.GetAsync($"/api/v1/{list}?changedSince={since}&pageSize={pageSize}")).Json();
            items.AddRange(page.GetProperty("items").EnumerateArray());
            since = page.GetProperty("next").GetInt64();
            if (!page.GetProperty("hasMore").GetBoolean()) return items;
        }
    }

    [Test]
    public async Task ListNewcomers_ChangedSince_PagesInChangeOrder_AndAnErasureIsOnlyItsId()
    {
        await ShouldCount(await _cms.PostAsync("/api/v1/newcomers:import", Ndjson(Enumerable.Range(1, 7).Select(i => Line($"nc-{i}", ApiFactory.NewcomerBody())))), 7, 0, 0);
        var before = await ReadAllAsync("newcomers", pageSize: 3);
        before.Select(i => i.GetProperty("id").GetString()).Should().Equal(Enumerable.Range(1, 7).Select(i => $"nc-{i}"));
        var last = before[^1].GetProperty("changeSeq").GetInt64();

        (await _cms.PutAsJsonAsync("/api/v1/newcomers/nc-2", ApiFactory.NewcomerBody(level: "B1"))).EnsureSuccessStatusCode();
        (await _cms.DeleteAsync("/api/v1/newcomers/nc-5")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        var since = await (await _cms.GetAsync($"/api/v1/newcomers?changedSince={last}")).Json();
        var items = since.GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("id").GetString()).Should().Equal("nc-2", Matching.Service.NewcomersService.ErasedId("nc-5"));
        items[1].GetProperty("id").GetString().Should().Be("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("nc-5"u8)));
        items[0].GetProperty("document").GetProperty("dutchLevel").GetString().Should().Be("B1");
        items[1].GetProperty("deleted").GetBoolean().Should().BeTrue();
        items[1].TryGetProperty("document", out _).Should().BeFalse("an erasure carries only the hash of its id");
        since.GetProperty("hasMore").GetBoolean().Should().BeFalse();
        await (await _cms.GetAsync("/api/v1/newcomers?changedSince=-1")).ShouldBeValidationProblem("changedSince");
        await (await _cms.GetAsync("/api/v1/newcomers?pageSize=0")).ShouldBeValidationProblem("pageSize");
    }

    [Test]
    public async Task ListOffers_ChangedSince_ShowsWritesAndDeletions()
    {
        await ShouldCount(await _cms.PostAsync("/api/v1/offers:import", Ndjson([Line("o-1", ApiFactory.OfferBody()), Line("o-2", ApiFactory.OfferBody())])), 2, 0, 0);
        (await _cms.DeleteAsync("/api/v1/offers/o-1")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        var items = await ReadAllAsync("offers", pageSize: 1);

        items.Select(i => (i.GetProperty("id").GetString(), i.GetProperty("deleted").GetBoolean())).Should().Equal(("o-2", false), ("o-1", true));
        items[0].GetProperty("document").GetProperty("location").GetProperty("municipality").GetProperty("nis").GetString().Should().Be("44021");
    }

    [Test]
    public async Task ListNewcomers_PagingWhileOthersWrite_MissesNoEarlierRow_AndReturnsEveryLaterWrite()
    {
        await ShouldCount(await _cms.PostAsync("/api/v1/newcomers:import", Ndjson(Enumerable.Range(0, 120).Select(i => Line($"nc-{i}", ApiFactory.NewcomerBody())))), 120, 0, 0);
        var written = new List<string>();
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            using var other = _factory.Client(ApiFactory.CaseManagementKey);
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                // Rewrites of rows already listed (they move to the end) and new rows.
                var id = i % 2 == 0 ? $"nc-{(i * 7) % 120}" : $"new-{i}";
                (await other.PutAsJsonAsync($"/api/v1/newcomers/{id}", ApiFactory.NewcomerBody(level: i % 3 == 0 ? "B1" : "A2"))).EnsureSuccessStatusCode();
                lock (written) written.Add(id);
            }
        });

        var seen = new List<string>();
        long since = 0;
        var pages = 0;
        while (true)
        {
            var page = await (await _cms.GetAsync($"/api/v1/newcomers?changedSince={since}&pageSize=7")).Json();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            since = page.GetProperty("next").GetInt64();
            if (++pages == 15) await stop.CancelAsync();
            if (!page.GetProperty("hasMore").GetBoolean() && stop.IsCancellationRequested && writer.IsCompleted) break;
            if (!page.GetProperty("hasMore").GetBoolean()) await Task.Yield();
        }
        await writer;

        seen.Should().Contain(Enumerable.Range(0, 120).Select(i => $"nc-{i}"), "every row written before the listing started");
        written.Should().NotBeEmpty();
        seen.Should().Contain(written, "every row written while paging, once the client reaches the end");
    }

    [Test]
    public async Task Suggestions_CarryAnOfferSummary_AndCandidatesOnlyTheListedAttributes()
    {
        await _factory.SeedPairAsync();

        var suggestion = (await (await _worker.GetAsync("/api/v1/newcomers/nc-1/suggestions")).Json()).GetProperty("suggestions")[0];
        var offer = suggestion.GetProperty("offer");
        offer.GetProperty("title").GetString().Should().Be("Taalstage in woonzorgcentrum");
        offer.GetProperty("kind").GetString().Should().Be("languageInternship");
        offer.GetProperty("setting").GetString().Should().Be("careHome");
        offer.GetProperty("organisation").GetString().Should().Be("WZC De Linde");
        offer.GetProperty("remote").GetBoolean().Should().BeFalse();
        offer.GetProperty("place").GetString().Should().Be("Gent");
        offer.GetProperty("municipality").GetProperty("nis").GetString().Should().Be("44021");
        offer.GetProperty("municipality").GetProperty("name").GetString().Should().Be("Gent");
        offer.GetProperty("distanceKm").GetDouble().Should().Be(0);
        offer.GetProperty("placesFree").GetInt32().Should().Be(2);
        offer.GetProperty("startsOn").GetString().Should().Be("2026-10-01");
        offer.GetProperty("endsOn").GetString().Should().Be("2027-06-30");

        var candidate = (await (await _worker.GetAsync("/api/v1/offers/offer-1/candidates")).Json()).GetProperty("candidates")[0];
        candidate.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(["newcomerId", "rank", "score", "newcomer", "criteria", "reasons"]);
        var newcomer = candidate.GetProperty("newcomer");
        newcomer.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(["dutchLevel", "municipality", "distanceKm", "goals"],
            "an organisation sees no other personal attribute");
        newcomer.GetProperty("dutchLevel").GetString().Should().Be("A2");
        newcomer.GetProperty("municipality").GetProperty("nis").GetString().Should().Be("44021");
        newcomer.GetProperty("goals").EnumerateArray().Select(g => g.GetString()).Should().Equal("work");
    }
}
