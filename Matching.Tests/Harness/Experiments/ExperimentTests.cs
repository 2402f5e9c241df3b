using Matching.Harness.Experiments;
using Matching.Harness.Learning;

namespace Matching.Tests.Harness.Experiments;

public class ExperimentTests
{
    /// <summary>The whole protocol on the small history with small budgets: seconds, not minutes.</summary>
    internal static ExperimentOptions Small => new()
    {
        Seed = 3,
        Folds = 3,
        Tuner = HarnessTestData.SmallTuner,
        Linear = HarnessTestData.SmallLinear,
        Shaped = new ShapedLearnOptions { Seed = 3, Folds = 2, Iterations = [200], MinLeaves = [20] },
        LightGbm = HarnessTestData.SmallLightGbm,
        LightGbmGrid = [(4, 20)],
        LightGbmFolds = 2,
        ImportanceNewcomers = 40,
    };

    private static readonly Lazy<ExperimentResult> Shared = new(() => Experiment.Run(HarnessTestData.Queries, "test", Small));

    /// <summary>One run shared by the tests that only read it.</summary>
    internal static ExperimentResult Result => Shared.Value;

    [Test]
    public void Run_Rows_EveryRankerInOrder()
    {
        Result.Rows.Select(r => r.Name).Should().Equal(
            Experiment.Random, Experiment.Default, Experiment.Tuned, Experiment.Learned, Experiment.Shaped, Experiment.LightGbm, Experiment.Ceiling, Experiment.Oracle);
        Result.Row(Experiment.Default).GapClosed.Should().Be(0);
        Result.Row(Experiment.Oracle).GapClosed.Should().Be(1);
        Result.TrainNewcomers.Should().Be(280);
        Result.TestNewcomers.Should().Be(120);
    }

    [Test]
    public void Run_GapClosed_IsTheShareOfTheDefaultToOracleGap()
    {
        var d = Result.Row(Experiment.Default).Evaluation.Overall.OracleNdcg10;
        var o = Result.Row(Experiment.Oracle).Evaluation.Overall.OracleNdcg10;
        var l = Result.Row(Experiment.Learned);
        l.GapClosed.Should().BeApproximately((l.Evaluation.Overall.OracleNdcg10 - d) / (o - d), 1e-12);
    }

    [Test]
    public void Run_SameSeed_SameFigures()
    {
        var again = Experiment.Run(HarnessTestData.Queries, "test", Small);
        again.Rows.Select(r => r.Evaluation.Overall).Should().Equal(Result.Rows.Select(r => r.Evaluation.Overall));
        again.LightGbmImportance.Should().Equal(Result.LightGbmImportance);
    }

    [Test]
    public void Run_Importance_OneEntryPerFeature()
    {
        Result.LinearImportance.Should().HaveCount(6);
        Result.LightGbmImportance.Select(f => f.Feature).Should().BeEquivalentTo(Matching.Harness.Replay.PairFeatures.Names);
    }
}
