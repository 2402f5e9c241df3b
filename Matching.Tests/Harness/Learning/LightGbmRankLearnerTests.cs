using Matching.Harness.Evaluation;
using Matching.Harness.Learning;
using Matching.Harness.Replay;

namespace Matching.Tests.Harness.Learning;

public class LightGbmRankLearnerTests
{
    private static (IReadOnlyList<ReplayQuery> Train, IReadOnlyList<ReplayQuery> Test) Split => Splits.TrainTest(HarnessTestData.Queries, 3);

    [Test]
    public void Learn_SameSeed_SameScores()
    {
        var (train, test) = Split;
        var a = new LightGbmRankLearner(HarnessTestData.SmallLightGbm).Learn(train).ScoreAll(test);
        var b = new LightGbmRankLearner(HarnessTestData.SmallLightGbm).Learn(train).ScoreAll(test);
        a.Should().HaveCount(test.Count);
        for (var i = 0; i < a.Length; i++) a[i].Should().Equal(b[i]);
        a.SelectMany(x => x).Distinct().Count().Should().BeGreaterThan(1, "a model that learned something tells candidates apart");
    }

    [Test]
    public void Learn_Ranker_ScoresEveryCandidateOfEveryNewcomer()
    {
        var (train, test) = Split;
        var ranker = new LightGbmRankLearner(HarnessTestData.SmallLightGbm).Learn(train);
        ranker.Name.Should().Be("lightgbm");
        var scores = ranker.ScoreAll(test);
        scores.Select(s => s.Length).Should().Equal(test.Select(q => q.Count));
        scores.SelectMany(s => s).Should().OnlyContain(s => double.IsFinite(s));
        Evaluator.Evaluate(ranker, test).Overall.OracleNdcg10.Should().BeInRange(0, 1);
    }

    [Test]
    public void Select_TreeSize_ByCrossValidatedAuc()
    {
        var (best, trials) = LightGbmRankLearner.Select(Split.Train, HarnessTestData.SmallLightGbm, [(4, 20), (8, 40)], folds: 2);
        trials.Should().HaveCount(2);
        trials.Should().OnlyContain(t => t.Auc > 0 && t.Auc < 1);
        best.Should().Be(trials.MaxBy(t => t.Auc).Options);
    }
}
