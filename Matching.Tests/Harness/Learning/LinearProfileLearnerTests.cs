using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Matching.Harness.Learning;
using Matching.Harness.Replay;
using Matching.Scoring;
using Matching.Tests.Api;

namespace Matching.Tests.Harness.Learning;

public class LinearProfileLearnerTests
{
    private static readonly Lazy<LinearLearnResult> Learned = new(() => Learn());

    private static LinearLearnResult Learn() =>
        new LinearProfileLearner(HarnessTestData.SmallLinear).Learn(Splits.TrainTest(HarnessTestData.Queries, 3).Train);

    [Test]
    public void Learn_SameSeed_SameModelAndProfile()
    {
        var again = Learn();
        again.LogitWeights.Should().Equal(Learned.Value.LogitWeights);
        again.Bias.Should().Be(Learned.Value.Bias);
        JsonSerializer.Serialize(again.Profile.ToDocument()).Should().Be(JsonSerializer.Serialize(Learned.Value.Profile.ToDocument()));
    }

    [Test]
    public void Learn_Weights_NonNegativeAndValidAsAProfile()
    {
        var r = Learned.Value;
        r.LogitWeights.Should().OnlyContain(w => w >= 0, "the regression is constrained to non-negative weights");
        r.Trials.Should().HaveCount(4);
        var document = r.Profile.ToDocument();
        WeightProfile.Create(document, out var errors).Should().NotBeNull(errors.ToString());
        document.Weights!.Values.Sum().Should().BeApproximately(1, 1e-3);
        document.Distance!.OffsetKm!.Value.Should().BeOneOf(0.0, 2.0);
        document.Distance.ScaleKm!.Value.Should().BeOneOf(5.0, 12.0);
    }

    [Test]
    public void Learn_ProfileWeights_AreTheLogitWeightsNormalised()
    {
        var r = Learned.Value;
        var sum = r.LogitWeights.Sum();
        foreach (var c in Criteria.All) r.Profile.Weight(c).Should().BeApproximately(r.LogitWeights[(int)c] / sum, 1e-4);
    }

    [Test]
    public async Task Learn_Profile_AcceptedByThePutEndpoint()
    {
        using var factory = new ApiFactory();
        using var analyst = factory.Client(ApiFactory.AnalystKey);
        // Exactly what the harness writes to learned.json.
        var body = JsonSerializer.Serialize(Learned.Value.Profile.ToDocument(), WeightProfileDocument.JsonOptions);
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var put = await analyst.PutAsync("/api/v1/weight-profiles/learned-linear", content);
        put.StatusCode.Should().Be(HttpStatusCode.Created, await put.Content.ReadAsStringAsync());
        var stored = await analyst.GetFromJsonAsync<WeightProfileDocument>("/api/v1/weight-profiles/learned-linear", WeightProfileDocument.JsonOptions);
        foreach (var c in Criteria.All) stored!.Weights![Criteria.Name(c)].Should().BeApproximately(Learned.Value.Profile.Weight(c), 1e-6);
        stored!.LevelTolerance.Should().Be(Learned.Value.Profile.LevelTolerance);
    }
}
