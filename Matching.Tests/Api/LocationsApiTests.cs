using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Matching.Tests.Api;

/// <summary>Locations on the wire: postcode, postcode and place, place, coordinates; the municipality on reads.</summary>
public class LocationsApiTests
{
    private ApiFactory _factory = null!;
    private HttpClient _cms = null!;

    [SetUp]
    public void SetUp()
    {
        _factory = new ApiFactory();
        _cms = _factory.Client(ApiFactory.CaseManagementKey);
    }

    [TearDown]
    public void TearDown()
    {
        _cms.Dispose();
        _factory.Dispose();
    }

    private static StringContent Newcomer(string location) => new($$"""
        { "dutchLevel": "A2", "location": {{location}}, "availability": [ { "day": "tue", "from": "18:00", "to": "21:00" } ] }
        """, Encoding.UTF8, "application/json");

    private static StringContent Offer(string location) => new($$"""
        { "kind": "buddy", "setting": "organisation", "title": "Buddy", "location": {{location}},
          "schedule": [ { "day": "tue", "from": "18:00", "to": "21:00" } ], "capacity": 1 }
        """, Encoding.UTF8, "application/json");

    private async Task<JsonElement> PutAndGetLocation(string location)
    {
        var put = await _cms.PutAsync("/api/v1/newcomers/nc-1", Newcomer(location));
        var written = (await put.Json(HttpStatusCode.Created)).GetProperty("location");
        var read = (await (await _cms.GetAsync("/api/v1/newcomers/nc-1")).Json()).GetProperty("location");
        read.GetRawText().Should().Be(written.GetRawText(), "the PUT answers what a GET reads");
        return read;
    }

    private static void ShouldBeIn(JsonElement location, string nis, string name)
    {
        location.GetProperty("municipality").GetProperty("nis").GetString().Should().Be(nis);
        location.GetProperty("municipality").GetProperty("name").GetString().Should().Be(name);
    }

    [Test]
    public async Task PutNewcomer_Postcode_ReadsPostcodePointAndMunicipality()
    {
        var location = await PutAndGetLocation("""{ "postcode": "9050" }""");
        location.GetProperty("postcode").GetString().Should().Be("9050");
        location.TryGetProperty("place", out _).Should().BeFalse("only a place the caller gave is returned");
        location.GetProperty("lat").GetDouble().Should().BeApproximately(51.0378, 0.001);
        location.GetProperty("lon").GetDouble().Should().BeApproximately(3.7548, 0.001);
        ShouldBeIn(location, "44021", "Gent");
    }

    [Test]
    public async Task PutNewcomer_PostcodeAndPlace_ReadsBothAtThePlacesPoint()
    {
        var location = await PutAndGetLocation("""{ "postcode": "9050", "place": "LEDEBERG" }""");
        location.GetProperty("postcode").GetString().Should().Be("9050");
        location.GetProperty("place").GetString().Should().Be("Ledeberg");
        location.GetProperty("lat").GetDouble().Should().Be(51.03859);
        location.GetProperty("lon").GetDouble().Should().Be(3.74458);
        ShouldBeIn(location, "44021", "Gent");
    }

    [Test]
    public async Task PutNewcomer_PlaceAlone_ReadsTheGazetteersPoint()
    {
        var location = await PutAndGetLocation("""{ "place": "Ledeberg" }""");
        location.TryGetProperty("postcode", out _).Should().BeFalse();
        location.GetProperty("place").GetString().Should().Be("Ledeberg");
        location.GetProperty("lat").GetDouble().Should().Be(51.03859);
        ShouldBeIn(location, "44021", "Gent");
    }

    [Test]
    public async Task PutNewcomer_Coordinates_ReadsTheNearestMunicipality()
    {
        var location = await PutAndGetLocation("""{ "lat": 51.21979, "lon": 4.32664 }""");
        location.TryGetProperty("place", out _).Should().BeFalse();
        location.GetProperty("lat").GetDouble().Should().Be(51.21979);
        ShouldBeIn(location, "46030", "Beveren-Kruibeke-Zwijndrecht");
    }

    [Test]
    public async Task PutNewcomer_CoordinatesAbroad_HaveNoMunicipality()
    {
        var location = await PutAndGetLocation("""{ "lat": 48.85, "lon": 2.35 }""");
        location.TryGetProperty("municipality", out _).Should().BeFalse();
    }

    [Test]
    public async Task PutNewcomer_PostcodeWithCoordinates_KeepsTheCoordinatesAndThePostcodesMunicipality()
    {
        var location = await PutAndGetLocation("""{ "postcode": "2150", "lat": 51.2, "lon": 4.49 }""");
        location.GetProperty("lat").GetDouble().Should().Be(51.2);
        location.GetProperty("postcode").GetString().Should().Be("2150");
        ShouldBeIn(location, "11002", "Antwerpen");
    }

    [Test]
    public async Task PutNewcomer_MunicipalityOnInput_IsIgnored()
    {
        var location = await PutAndGetLocation("""{ "postcode": "9050", "municipality": { "nis": "11002", "name": "Antwerpen" } }""");
        ShouldBeIn(location, "44021", "Gent");
    }

    [TestCase("""{ "postcode": "2150" }""", "11002", "Antwerpen")]
    [TestCase("""{ "place": "Borsbeek" }""", "11002", "Antwerpen")]
    [TestCase("""{ "postcode": "9150", "place": "Kruibeke" }""", "46030", "Beveren-Kruibeke-Zwijndrecht")]
    [TestCase("""{ "postcode": "2070" }""", "46030", "Beveren-Kruibeke-Zwijndrecht")]
    [TestCase("""{ "place": "De Pinte" }""", "44086", "Nazareth-De Pinte")]
    [TestCase("""{ "postcode": "3720" }""", "71072", "Hasselt")]
    [TestCase("""{ "postcode": "1050" }""", "21009", "Elsene")]
    [TestCase("""{ "postcode": "1050", "place": "Bruxelles" }""", "21004", "Brussel")]
    public async Task PutNewcomer_MergedOrSharedPostcode_ReadsThe2025Municipality(string location, string nis, string name)
    {
        ShouldBeIn(await PutAndGetLocation(location), nis, name);
    }

    [Test]
    public async Task PutOffer_Postcode_ReadsTheMunicipality()
    {
        (await _cms.PutAsync("/api/v1/offers/offer-1", Offer("""{ "postcode": "9840", "place": "Zevergem" }"""))).StatusCode.Should().Be(HttpStatusCode.Created);
        var location = (await (await _cms.GetAsync("/api/v1/offers/offer-1")).Json()).GetProperty("offer").GetProperty("location");
        location.GetProperty("place").GetString().Should().Be("Zevergem");
        ShouldBeIn(location, "44086", "Nazareth-De Pinte");
    }

    [Test]
    public async Task PutNewcomer_PostcodeAndPlaceApart_400NamingLocationWithSuggestions_AndNothingStored()
    {
        var errors = await (await _cms.PutAsync("/api/v1/newcomers/nc-1", Newcomer("""{ "postcode": "9050", "place": "Borgerhout" }""")))
            .ShouldBeValidationProblem("location");
        errors.GetProperty("location")[0].GetString().Should().Contain("Bedoelde u").And.Contain("9050 Ledeberg").And.Contain("2140 Borgerhout");
        await (await _cms.GetAsync("/api/v1/newcomers/nc-1")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [TestCase("905")]
    [TestCase("90500")]
    [TestCase("9O50")]
    [TestCase("")]
    public async Task PutNewcomer_MalformedPostcode_400NamingPostcode(string postcode)
    {
        var errors = await (await _cms.PutAsync("/api/v1/newcomers/nc-1", Newcomer($$"""{ "postcode": "{{postcode}}" }""")))
            .ShouldBeValidationProblem("location.postcode");
        errors.GetProperty("location.postcode")[0].GetString().Should().Contain("4 digits");
    }

    [Test]
    public async Task PutNewcomer_PostcodeAsNumber_400NamingPostcode()
    {
        await (await _cms.PutAsync("/api/v1/newcomers/nc-1", Newcomer("""{ "postcode": 9050 }"""))).ShouldBeValidationProblem("location.postcode");
    }

    [Test]
    public async Task PutNewcomer_UnknownPostcode_400WithTheNearestPostcodes()
    {
        var errors = await (await _cms.PutAsync("/api/v1/newcomers/nc-1", Newcomer("""{ "postcode": "9053" }""")))
            .ShouldBeValidationProblem("location.postcode");
        errors.GetProperty("location.postcode")[0].GetString().Should().Contain("Bedoelde u").And.Contain("9052 Gent");
    }

    [Test]
    public async Task PutNewcomer_WalloonPlaceWithoutCentre_400AskingForCoordinates_ThenAcceptsThem()
    {
        var errors = await (await _cms.PutAsync("/api/v1/newcomers/nc-1", Newcomer("""{ "place": "Huy" }"""))).ShouldBeValidationProblem("location");
        errors.GetProperty("location")[0].GetString().Should().Contain("lat and lon");
        var location = await PutAndGetLocation("""{ "place": "Huy", "lat": 50.5193, "lon": 5.2397 }""");
        ShouldBeIn(location, "61031", "Hoei");
    }

    [Test]
    public async Task GetNewcomer_StoredBeforeMunicipalities_ResolvesItsMunicipality()
    {
        (await _cms.PutAsync("/api/v1/newcomers/nc-1", Newcomer("""{ "place": "Borsbeek" }"""))).EnsureSuccessStatusCode();
        (await _cms.PutAsync("/api/v1/newcomers/nc-2", Newcomer("""{ "lat": 51.21979, "lon": 4.32664 }"""))).EnsureSuccessStatusCode();
        using (var db = new SqliteConnection($"Data Source={_factory.DatabaseFile}"))
        {
            db.Execute("UPDATE newcomers SET document = json_remove(document, '$.location.municipality')").Should().Be(2);
        }
        var stored = await (await _cms.GetAsync("/api/v1/newcomers/nc-1")).Json();
        ShouldBeIn(stored.GetProperty("location"), "11002", "Antwerpen");
        ShouldBeIn((await (await _cms.GetAsync("/api/v1/newcomers/nc-2")).Json()).GetProperty("location"), "46030", "Beveren-Kruibeke-Zwijndrecht");
    }

    [Test]
    public async Task GetOffer_StoredBeforeMunicipalities_ResolvesItsMunicipalityAfterARestart()
    {
        (await _cms.PutAsync("/api/v1/offers/offer-1", Offer("""{ "place": "Kortessem" }"""))).EnsureSuccessStatusCode();
        _cms.Dispose();
        _factory.Dispose();
        using (var db = new SqliteConnection($"Data Source={_factory.DatabaseFile}"))
        {
            db.Execute("UPDATE offers SET document = json_remove(document, '$.location.municipality')").Should().Be(1);
            db.QuerySingle<string>("SELECT document FROM offers").Should().NotContain("municipality");
        }
        _factory = new ApiFactory(_factory.DatabaseFile);
        _cms = _factory.Client(ApiFactory.CaseManagementKey);
        var location = (await (await _cms.GetAsync("/api/v1/offers/offer-1")).Json()).GetProperty("offer").GetProperty("location");
        location.GetProperty("place").GetString().Should().Be("Kortessem");
        ShouldBeIn(location, "71072", "Hasselt");
    }
}
