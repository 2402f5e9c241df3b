using System.Net;
using System.Net.Http.Json;

namespace Matching.Tests.Api;

/// <summary>ETag on every resource read, If-Match on every write: a stale version is a 412 and nothing changes.</summary>
public class ETagApiTests
{
    private ApiFactory _factory = null!;
    private HttpClient _cms = null!;
    private HttpClient _admin = null!;

    [SetUp]
    public async Task SetUp()
    {
        _factory = new ApiFactory();
        _cms = _factory.Client(ApiFactory.CaseManagementKey);
        _admin = _factory.Client(ApiFactory.AdminKey);
        await _factory.SeedPairAsync();
    }

    [TearDown]
    public void TearDown()
    {
        _cms.Dispose();
        _admin.Dispose();
        _factory.Dispose();
    }

    private static async Task<string> TagOf(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return response.Headers.ETag!.ToString();
    }

    private static HttpRequestMessage With(HttpMethod method, string url, string? ifMatch, object? body = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return request;
    }

    [Test]
    public async Task Newcomer_PutWithCurrentTag_Succeeds_WithStaleTag_412AndNothingChanges()
    {
        const string url = "/api/v1/newcomers/nc-1";
        var first = await TagOf(_cms, url);
        var put = await _cms.SendAsync(With(HttpMethod.Put, url, first, ApiFactory.NewcomerBody(place: "Brugge")));
        put.StatusCode.Should().Be(HttpStatusCode.OK);
        var second = put.Headers.ETag!.ToString();
        second.Should().NotBe(first).And.Be(await TagOf(_cms, url));

        await (await _cms.SendAsync(With(HttpMethod.Put, url, first, ApiFactory.NewcomerBody(place: "Gent")))).ShouldBeProblem(HttpStatusCode.PreconditionFailed);
        await (await _cms.SendAsync(With(HttpMethod.Delete, url, first))).ShouldBeProblem(HttpStatusCode.PreconditionFailed);
        (await TagOf(_cms, url)).Should().Be(second, "a stale write changes nothing");

        (await _cms.SendAsync(With(HttpMethod.Delete, url, second))).StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Test]
    public async Task Offer_PutAndDeleteWithStaleTag_412AndNothingChanges()
    {
        const string url = "/api/v1/offers/offer-1";
        var first = await TagOf(_cms, url);
        var put = await _cms.SendAsync(With(HttpMethod.Put, url, first, ApiFactory.OfferBody(capacity: 5)));
        put.StatusCode.Should().Be(HttpStatusCode.OK);
        var second = put.Headers.ETag!.ToString();

        await (await _cms.SendAsync(With(HttpMethod.Put, url, first, ApiFactory.OfferBody(capacity: 9)))).ShouldBeProblem(HttpStatusCode.PreconditionFailed);
        await (await _cms.SendAsync(With(HttpMethod.Delete, url, first))).ShouldBeProblem(HttpStatusCode.PreconditionFailed);
        (await (await _cms.GetAsync(url)).Json()).GetProperty("offer").GetProperty("capacity").GetInt32().Should().Be(5);
        (await TagOf(_cms, url)).Should().Be(second);

        (await _cms.SendAsync(With(HttpMethod.Delete, url, second))).StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Test]
    public async Task Match_PatchWithStaleTag_412AndNothingChanges()
    {
        var created = await (await _cms.PostAsJsonAsync("/api/v1/matches", new { newcomerId = "nc-1", offerId = "offer-1" })).Json(HttpStatusCode.Created);
        var url = $"/api/v1/matches/{created.GetProperty("id").GetString()}";
        var first = await TagOf(_cms, url);
        var accepted = await _cms.SendAsync(With(HttpMethod.Patch, url, first, new { status = "accepted" }));
        accepted.StatusCode.Should().Be(HttpStatusCode.OK);
        var second = accepted.Headers.ETag!.ToString();

        await (await _cms.SendAsync(With(HttpMethod.Patch, url, first, new { status = "started" }))).ShouldBeProblem(HttpStatusCode.PreconditionFailed);
        (await (await _cms.GetAsync(url)).Json()).GetProperty("status").GetString().Should().Be("accepted");
        (await TagOf(_cms, url)).Should().Be(second);

        (await _cms.SendAsync(With(HttpMethod.Patch, url, second, new { status = "started" }))).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task WeightProfile_PutWithStaleTag_412AndNothingChanges()
    {
        const string url = "/api/v1/weight-profiles/evening";
        var body = new { weights = new Dictionary<string, double> { ["distance"] = 1, ["interests"] = 1 } };
        (await _admin.PutAsJsonAsync(url, body)).StatusCode.Should().Be(HttpStatusCode.Created);
        var first = await TagOf(_admin, url);
        var put = await _admin.SendAsync(With(HttpMethod.Put, url, first, body));
        put.StatusCode.Should().Be(HttpStatusCode.OK);
        var second = put.Headers.ETag!.ToString();

        await (await _admin.SendAsync(With(HttpMethod.Put, url, first, body))).ShouldBeProblem(HttpStatusCode.PreconditionFailed);
        (await TagOf(_admin, url)).Should().Be(second);
        (await (await _admin.GetAsync(url)).Json()).GetProperty("version").GetInt32().Should().Be(2);
    }

    [Test]
    public async Task Put_IfMatchOnAResourceThatDoesNotExist_412AndNothingWritten()
    {
        await (await _cms.SendAsync(With(HttpMethod.Put, "/api/v1/newcomers/nc-new", "\"abc\"", ApiFactory.NewcomerBody()))).ShouldBeProblem(HttpStatusCode.PreconditionFailed);
        (await _cms.GetAsync("/api/v1/newcomers/nc-new")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
