using System.Text.Json;
using System.Text.Json.Serialization;
using Matching.Api.Infrastructure;
using Matching.Data;
using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;
using static Matching.Tests.TestData;

namespace Matching.Tests.Api;

public class ApiJsonTests
{
    // What Ok<T> writes with the API's options: the web defaults with nulls left out, through the reflection-based converters.
    private static readonly JsonSerializerOptions Reflection = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    [Test]
    public void SourceGenerated_Rankings_WriteTheSameBytesAsTheReflectionWriter()
    {
        var data = new DemoDataGenerator(new DemoDataOptions { Seed = 31, Newcomers = 20, Offers = 600, Today = Today }).Generate();
        var engine = new MatchingEngine(Clock());
        foreach (var o in data.Offers) engine.Upsert(o, 0);
        var compared = 0;
        foreach (var n in data.Newcomers)
        {
            var result = engine.Suggest(n, new RankingOptions { Limit = 20, Language = compared % 2 == 0 ? ReasonLanguage.Nl : ReasonLanguage.En });
            // Half of them with a scarcity line and a wait advice (advised or not), so that the optional members are written both ways.
            if (compared % 2 == 1)
            {
                result = result with
                {
                    Suggestions = result.Suggestions.Select(s => s with { Scarcity = new ScarcityAdjustment(0.12, 1, -0.12, s.Score - 0.12, 2, 9.5) }).ToList(),
                    WaitAdvice = compared % 4 == 1
                        ? new WaitAdvice(true, 1, -0.05, 3, "Beter een week wachten: …")
                        : new WaitAdvice(false, 1, 0.4, null, null),
                };
            }
            JsonSerializer.Serialize(result, ApiJson.Default.SuggestionResult).Should().Be(JsonSerializer.Serialize(result, Reflection));
            compared++;
        }
        var candidates = new CandidateResult("o-1", new ProfileRef("default", 1),
            [new Candidate("nc-1", 1, 0.7, new CandidateSummary("A2", null, 3.4, ["work"]), [], [])], new ExclusionSummary(3, new Dictionary<string, int> { ["distance"] = 3 }));
        JsonSerializer.Serialize(candidates, ApiJson.Default.CandidateResult).Should().Be(JsonSerializer.Serialize(candidates, Reflection));
    }
}
