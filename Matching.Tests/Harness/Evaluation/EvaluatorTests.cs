using Matching.Harness.Evaluation;
using Matching.Harness.Replay;
using static Matching.Tests.Harness.HarnessTestData;

namespace Matching.Tests.Harness.Evaluation;

public class EvaluatorTests
{
    // A: three offers ranked 1, 2, 0 by language; the match (0) completed and lands third.
    private static readonly ReplayQuery A = Query("nc-a", [ByLanguage(0.2), ByLanguage(0.9), ByLanguage(0.5)],
        oracle: [0.3, 0.6, 0.9], matched: 0, completed: true, gender: "female");

    // B: the match (1) stopped and is one level below its offer's minimum, so tolerance 0 hides it.
    private static readonly ReplayQuery B = Query("nc-b", [ByLanguage(0.8), ByLanguage(0.4)],
        oracle: [0.7, 0.2], matched: 1, completed: false, levelsBelow: [0, 1], gender: "male");

    // C: the only offer is below the newcomer's level: tolerance 0 leaves nothing.
    private static readonly ReplayQuery C = Query("nc-c", [ByLanguage(0.5)],
        oracle: [0.5], matched: 0, completed: true, levelsBelow: [1], gender: "female");

    private static EvaluationResult Evaluate(int tolerance = 0) =>
        Evaluator.Evaluate(new ProfileRanker(LanguageOnly(tolerance)), [A, B, C], minGroupSize: 1);

    [Test]
    public void Evaluate_OneQuery_ObservedMetricsHandComputed()
    {
        var m = Evaluator.Evaluate(new ProfileRanker(LanguageOnly()), [A]).Overall;
        m.ObservedNdcg5.Should().BeApproximately(0.5, 1e-12, "the completed match is third: 1 / log2(4)");
        m.ObservedNdcg10.Should().BeApproximately(0.5, 1e-12);
        m.ObservedPrecision5.Should().BeApproximately(0.2, 1e-12);
        m.ObservedMrr.Should().BeApproximately(1.0 / 3, 1e-12);
        m.ObservedMrrStopped.Should().Be(double.NaN, "no match stopped");
    }

    [Test]
    public void Evaluate_OneQuery_OracleMetricsHandComputed()
    {
        var m = Evaluator.Evaluate(new ProfileRanker(LanguageOnly()), [A]).Overall;
        // Shown 1, 2, 0 with gains 0.6, 0.9, 0.3; ideal 0.9, 0.6, 0.3.
        var dcg = 0.6 + 0.9 / Math.Log2(3) + 0.3 / 2;
        var ideal = 0.9 + 0.6 / Math.Log2(3) + 0.3 / 2;
        m.OracleNdcg10.Should().BeApproximately(dcg / ideal, 1e-12);
        m.OraclePrecision5.Should().BeApproximately((0.6 + 0.9 + 0.3) / 5, 1e-12);
        m.OracleMrr.Should().BeApproximately(0.5, 1e-12, "the oracle's best offer (2) is second");
    }

    [Test]
    public void Evaluate_ToleranceZero_ExcludedMatchesCountAsNotShown()
    {
        var m = Evaluate(tolerance: 0).Overall;
        m.Newcomers.Should().Be(3);
        m.Coverage.Should().BeApproximately(2.0 / 3, 1e-12, "C has nothing left");
        m.CompletedMatches.Should().Be(2);
        m.ObservedMrr.Should().BeApproximately((1.0 / 3 + 0) / 2, 1e-12);
        m.ObservedNdcg10.Should().BeApproximately((0.5 + 0) / 2, 1e-12);
        m.ObservedMrrStopped.Should().Be(0, "B's stopped match is hidden");
        m.OutcomeAuc.Should().BeApproximately(0.75, 1e-12, "A beats B; C and B are both excluded, a tie");
        var b = 0.7 / (0.7 + 0.2 / Math.Log2(3));
        var a = (0.6 + 0.9 / Math.Log2(3) + 0.15) / (0.9 + 0.6 / Math.Log2(3) + 0.15);
        m.OracleNdcg10.Should().BeApproximately((a + b + 0) / 3, 1e-12);
    }

    [Test]
    public void Evaluate_ToleranceOne_ShowsTheOffersBelowTheLevel()
    {
        var m = Evaluate(tolerance: 1).Overall;
        m.Coverage.Should().Be(1);
        m.ObservedMrr.Should().BeApproximately((1.0 / 3 + 1) / 2, 1e-12);
        m.ObservedMrrStopped.Should().BeApproximately(0.5, 1e-12);
    }

    [Test]
    public void Evaluate_ByGender_GapBetweenBestAndWorst()
    {
        var gender = Evaluate().ByGroup.Single(d => d.Dimension == GroupDimension.Gender);
        gender.Groups.Select(g => (g.Group, g.Metrics.Newcomers)).Should().Equal(("female", 2), ("male", 1));
        var coverage = gender.Gaps.Single(g => g.Metric == "coverage");
        coverage.Best.Should().Be("male");
        coverage.Worst.Should().Be("female");
        coverage.Gap.Should().BeApproximately(0.5, 1e-12);
    }

    [Test]
    public void Evaluate_GroupsBelowTheMinimum_ShownButNotInTheGap()
    {
        var gender = Evaluator.Evaluate(new ProfileRanker(LanguageOnly()), [A, B, C], minGroupSize: 2).ByGroup.Single(d => d.Dimension == GroupDimension.Gender);
        gender.Groups.Should().HaveCount(2);
        gender.Groups.Single(g => g.Group == "male").InGap.Should().BeFalse();
        gender.Gaps.Should().BeEmpty("one group is left to compare");
    }

    [Test]
    public void Evaluate_RareHomeLanguages_PooledAsOther()
    {
        var queries = new[] { A, B, C }.Select((q, i) => Query(q.Newcomer.Id, [ByLanguage(0.5)], [0.5], language: i == 0 ? "ar" : i == 1 ? "ti" : "uk")).ToList();
        var languages = Evaluator.Evaluate(new ProfileRanker(LanguageOnly()), queries, minGroupSize: 2).ByGroup.Single(d => d.Dimension == GroupDimension.HomeLanguage);
        languages.Groups.Select(g => g.Group).Should().Equal("other");
        languages.Groups[0].Metrics.Newcomers.Should().Be(3);
    }

    [Test]
    public void Evaluate_Oracle_IsPerfectOnTheOracleMetrics()
    {
        var m = Evaluator.Evaluate(new OracleRanker(), [A, B, C]).Overall;
        m.OracleNdcg5.Should().BeApproximately(1, 1e-12);
        m.OracleNdcg10.Should().BeApproximately(1, 1e-12);
        m.OracleMrr.Should().Be(1);
    }

    [Test]
    public void Headline_WithOracle_IsTheMeanOracleNdcg10()
    {
        var scores = new ProfileRanker(LanguageOnly()).ScoreAll([A, B, C]);
        Evaluator.Headline([A, B, C], scores).Should().BeApproximately(Evaluate().Overall.OracleNdcg10, 1e-12);
    }
}
