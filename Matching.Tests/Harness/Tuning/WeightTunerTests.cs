using Matching.Harness.Replay;
using Matching.Harness.Tuning;
using Matching.Scoring;

namespace Matching.Tests.Harness.Tuning;

public class WeightTunerTests
{
    private static IReadOnlyList<ReplayQuery> Train => Splits.TrainTest(HarnessTestData.Queries, 3).Train;

    [Test]
    public void Tune_SameSeed_SameProfile()
    {
        var a = new WeightTuner(HarnessTestData.SmallTuner).Tune(Train);
        var b = new WeightTuner(HarnessTestData.SmallTuner).Tune(Train);
        a.Best.Weights.Should().Equal(b.Best.Weights);
        (a.Best with { Weights = [] }).Should().Be(b.Best with { Weights = [] });
        a.FoldObjectives.Should().Equal(b.FoldObjectives);
        a.TrainObjective.Should().Be(b.TrainObjective);
    }

    [Test]
    public void Tune_OtherSeed_SearchesOtherProfiles()
    {
        var a = new WeightTuner(HarnessTestData.SmallTuner).Tune(Train);
        var b = new WeightTuner(HarnessTestData.SmallTuner with { Seed = 4 }).Tune(Train);
        a.Best.Weights.Should().NotEqual(b.Best.Weights);
    }

    [Test]
    public void Tune_NeverWorseThanTheDefaultOnItsOwnData()
    {
        // The default profile is the search's first candidate.
        var result = new WeightTuner(HarnessTestData.SmallTuner).Tune(Train);
        result.TrainObjective.Should().BeGreaterThanOrEqualTo(result.DefaultObjective);
        result.FoldObjectives.Should().HaveCount(3);
        result.FoldDefaultObjectives.Should().HaveCount(3);
    }

    [Test]
    public void Tune_Profile_IsValidAndNormalised()
    {
        var profile = new WeightTuner(HarnessTestData.SmallTuner).Tune(Train).Best.ToProfile("tuned", "from a test");
        var document = profile.ToDocument();
        WeightProfile.Create(document, out var errors).Should().NotBeNull(errors.ToString());
        document.Weights!.Values.Sum().Should().BeApproximately(1, 1e-3);
        profile.LevelTolerance.Should().BeOneOf(0, 1);
    }

    [Test]
    public void Tune_OracleObjective_ReachesAtLeastTheDefault()
    {
        var train = Train;
        var objective = new TuningObjective(ObjectiveKind.Oracle, train);
        var (best, value) = new WeightTuner(HarnessTestData.SmallTuner with { Objective = ObjectiveKind.Oracle }).SearchAll(train);
        value.Should().BeGreaterThanOrEqualTo(objective.Value(WeightProfile.Default));
        objective.Value(best.ToProfile("x")).Should().BeApproximately(value, 1e-12);
    }
}
