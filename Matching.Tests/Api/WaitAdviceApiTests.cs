using System.Net.Http.Json;
using System.Text.Json;

namespace Matching.Tests.Api;

/// <summary>
/// The wait advice over HTTP: six newcomers in Gent price the one place of a taalstage there; a B2 speaker in Merelbeke
/// who likes music fits it less well and is told to wait, unless a roomy offer is within reach.
/// </summary>
public class WaitAdviceApiTests
{
    private static object Asker() => new
    {
        dutchLevel = "B2",
        languages = new[] { "ar", "en" },
        interests = new[] { "music" },
        location = new { place = "Merelbeke" },
        maxTravelKm = 15,
        availability = new[] { new { day = "wed", from = "14:00", to = "17:00" } },
        birthYear = 1994,
        gender = "female",
        goals = new[] { "work" },
        trajectoryEnd = "2027-06-30",
    };

    private static async Task<(ApiFactory Factory, HttpClient Cms, HttpClient Worker)> PricedAsync(bool roomyNearby)
    {
        var factory = new ApiFactory();
        var cms = factory.Client(ApiFactory.CaseManagementKey);
        using var analyst = factory.Client(ApiFactory.AnalystKey);
        foreach (var id in Enumerable.Range(1, 6).Select(i => $"nc-{i}")) (await cms.PutAsJsonAsync($"/api/v1/newcomers/{id}", ApiFactory.NewcomerBody())).EnsureSuccessStatusCode();
        (await cms.PutAsJsonAsync("/api/v1/offers/offer-1", ApiFactory.OfferBody(capacity: 1))).EnsureSuccessStatusCode();
        if (roomyNearby) (await cms.PutAsJsonAsync("/api/v1/offers/offer-roomy", ApiFactory.OfferBody(capacity: 100, place: "Merelbeke"))).EnsureSuccessStatusCode();
        (await analyst.PutAsJsonAsync("/api/v1/weight-profiles/scarce", new { weights = new { language = 1, interests = 1, distance = 1, availability = 1 }, scarcityWeight = 1 })).EnsureSuccessStatusCode();
        (await analyst.PostAsync("/api/v1/scarcity:recompute", null)).EnsureSuccessStatusCode();
        return (factory, cms, factory.Client(ApiFactory.CaseWorkerKey));
    }

    private static IEnumerable<string?> OfferIds(JsonElement answer) => answer.GetProperty("suggestions").EnumerateArray().Select(s => s.GetProperty("offerId").GetString());

    [Test]
    public async Task Suggestions_ScarcityTrue_EveryPlacePricedOut_WaitAdvice_DutchByDefault_EnglishOnAsk_ListUnchanged()
    {
        var (factory, cms, worker) = await PricedAsync(roomyNearby: false);
        using (factory) using (cms) using (worker)
        {
            (await cms.PutAsJsonAsync("/api/v1/newcomers/asker", Asker())).EnsureSuccessStatusCode();

            var nl = await (await worker.GetAsync("/api/v1/newcomers/asker/suggestions?scarcity=true&profile=scarce")).Json();
            var en = await (await worker.PostAsJsonAsync("/api/v1/suggestions?scarcity=true&profile=scarce&lang=en", new { newcomer = Asker() })).Json();
            var off = await (await worker.GetAsync("/api/v1/newcomers/asker/suggestions?scarcity=false&profile=scarce")).Json();
            var unasked = await (await worker.PostAsJsonAsync("/api/v1/suggestions?profile=scarce", new { newcomer = Asker() })).Json();

            var advice = nl.GetProperty("waitAdvice");
            advice.GetProperty("advised").GetBoolean().Should().BeTrue();
            advice.GetProperty("placementValue").GetDouble().Should().Be(1, "the value the prices were computed with (Scarcity:PlacementValue)");
            var line = nl.GetProperty("suggestions")[0].GetProperty("scarcity");
            advice.GetProperty("bestValue").GetDouble().Should().BeApproximately(1 + line.GetProperty("orderingValue").GetDouble(), 1e-9).And.BeNegative();
            advice.GetProperty("offersOpenNextWeek").GetInt32().Should().Be(1);
            advice.GetProperty("sentence").GetString().Should().StartWith("Beter een week wachten: het enige passende project is nu meer gevraagd dan deze match waard is (1 vrije plaats voor naar schatting");
            en.GetProperty("waitAdvice").GetProperty("sentence").GetString().Should().StartWith("Better to wait a week: the only fitting offer is in more demand now");

            OfferIds(nl).Should().Equal("offer-1");
            OfferIds(en).Should().Equal(OfferIds(off), "the advice only adds: the list keeps every offer");
            off.TryGetProperty("waitAdvice", out _).Should().BeFalse("scarcity=false gives no advice");
            unasked.TryGetProperty("waitAdvice", out _).Should().BeFalse("without scarcity=true nothing changes");
        }
    }

    [Test]
    public async Task Suggestions_ScarcityTrue_AFreePlaceWorthItsPrice_NotAdvised_NoSentence()
    {
        var (factory, cms, worker) = await PricedAsync(roomyNearby: true);
        using (factory) using (cms) using (worker)
        {
            var answer = await (await worker.PostAsJsonAsync("/api/v1/suggestions?scarcity=true&profile=scarce", new { newcomer = Asker() })).Json();

            var advice = answer.GetProperty("waitAdvice");
            advice.GetProperty("advised").GetBoolean().Should().BeFalse();
            advice.GetProperty("bestValue").GetDouble().Should().BeGreaterThan(1, "the roomy place costs nothing: V + its score");
            advice.TryGetProperty("sentence", out _).Should().BeFalse();
            advice.TryGetProperty("offersOpenNextWeek", out _).Should().BeFalse();
            OfferIds(answer).Should().BeEquivalentTo(["offer-roomy", "offer-1"], "the priced offer is still listed");
        }
    }

    [Test]
    public async Task CaseWorkerScreen_ScarceProfile_ShowsTheAdviceAboveTheList()
    {
        var (factory, cms, worker) = await PricedAsync(roomyNearby: false);
        using (factory) using (cms) using (worker)
        {
            (await cms.PutAsJsonAsync("/api/v1/newcomers/asker", Asker())).EnsureSuccessStatusCode();
            using var page = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true });
            var fields = new Dictionary<string, string>
            {
                ["_handler"] = "login", ["Form.Key"] = ApiFactory.CaseWorkerKey,
                ["__RequestVerificationToken"] = Matching.Tests.App.PageHost.Token(await page.GetStringAsync("/app/login")),
            };
            (await page.PostAsync("/app/login", new FormUrlEncodedContent(fields))).EnsureSuccessStatusCode();

            var scarce = await page.GetStringAsync("/app/newcomers?id=asker&profile=scarce");
            var plain = await page.GetStringAsync("/app/newcomers?id=asker");

            scarce.Should().Contain("<p class=\"wait-advice\" role=\"note\">Beter een week wachten: het enige passende project");
            scarce.Should().Contain("offer-1", "the offer is still on the screen");
            plain.Should().NotContain("wait-advice", "the default profile does not price places");
        }
    }

    [Test]
    public async Task OpenApi_SuggestionResult_DescribesTheWaitAdvice()
    {
        using var factory = new ApiFactory();
        using var anonymous = factory.Client(null);

        var schemas = (await (await anonymous.GetAsync("/swagger/v1/swagger.json")).Json()).GetProperty("components").GetProperty("schemas");

        schemas.GetProperty("SuggestionResult").GetProperty("properties").GetProperty("waitAdvice").GetRawText().Should().Contain("#/components/schemas/WaitAdvice");
        var advice = schemas.GetProperty("WaitAdvice");
        advice.GetProperty("description").GetString().Should().Contain("better off waiting a week");
        advice.GetProperty("properties").EnumerateObject().Select(p => p.Name)
            .Should().BeEquivalentTo(["advised", "placementValue", "bestValue", "offersOpenNextWeek", "sentence"]);
    }
}
