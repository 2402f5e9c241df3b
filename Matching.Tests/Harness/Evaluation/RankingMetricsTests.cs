using Matching.Harness.Evaluation;

namespace Matching.Tests.Harness.Evaluation;

public class RankingMetricsTests
{
    // The textbook case: six documents graded 3, 2, 3, 0, 1, 2 in ranked order, linear gains.
    private static readonly double[] Graded = [3, 2, 3, 0, 1, 2];

    [Test]
    public void Dcg_KnownRanking_HandComputed()
    {
        // 3 + 2/log2(3) + 3/log2(4) + 0 + 1/log2(6) + 2/log2(7)
        RankingMetrics.Dcg(Graded, 6).Should().BeApproximately(3 + 1.261860 + 1.5 + 0 + 0.386853 + 0.712414, 1e-5);
    }

    [Test]
    public void Ndcg_KnownRanking_HandComputed()
    {
        // Ideal order 3, 3, 2, 2, 1, 0: 3 + 1.892789 + 1 + 0.861353 + 0.386853 = 7.140995; 6.861127 / 7.140995.
        RankingMetrics.Ndcg(Graded, 6).Should().BeApproximately(0.960808, 1e-5);
        // Cut at 3: (3 + 1.261860 + 1.5) / (3 + 1.892789 + 1).
        RankingMetrics.Ndcg(Graded, 3).Should().BeApproximately(5.761860 / 5.892789, 1e-5);
    }

    [Test]
    public void Ndcg_IdealOrder_IsOne()
    {
        RankingMetrics.Ndcg([0.9, 0.5, 0.5, 0.1], 10).Should().BeApproximately(1, 1e-12);
    }

    [Test]
    public void Ndcg_ExcludedRelevantItem_IdealCountsIt()
    {
        // Only one of two equally good items is shown: 1 / (1 + 1/log2(3)).
        RankingMetrics.Ndcg([1.0], [1.0, 1.0], 2).Should().BeApproximately(1 / (1 + 1 / Math.Log2(3)), 1e-12);
    }

    [Test]
    public void Ndcg_NothingRelevant_IsNaN()
    {
        RankingMetrics.Ndcg([0.0, 0.0], 5).Should().Be(double.NaN);
    }

    [Test]
    public void Ndcg_SingleRelevantAtRankThree_IsOneOverLogFour()
    {
        RankingMetrics.Ndcg([0.0, 0.0, 1.0], 5).Should().BeApproximately(0.5, 1e-12);
        RankingMetrics.Ndcg([0.0, 0.0, 1.0], 2).Should().Be(0, "the relevant item lies below the cut-off");
    }

    [Test]
    public void PrecisionAt_CountsTheTopK_DividedByK()
    {
        RankingMetrics.PrecisionAt([1.0, 0, 1, 0, 0, 1], 5).Should().BeApproximately(0.4, 1e-12);
        RankingMetrics.PrecisionAt([1.0, 1], 5).Should().BeApproximately(0.4, 1e-12, "a short list still divides by k");
        RankingMetrics.PrecisionAt([0.5, 0.7, 0.2], 5).Should().BeApproximately(0.28, 1e-12, "graded: the expected share");
    }

    [Test]
    public void ReciprocalRank_FirstRelevant_OneOverItsPosition()
    {
        RankingMetrics.ReciprocalRank([0.0, 0, 1, 1]).Should().BeApproximately(1.0 / 3, 1e-12);
        RankingMetrics.ReciprocalRank([1.0]).Should().Be(1);
        RankingMetrics.ReciprocalRank([0.0, 0]).Should().Be(0);
        RankingMetrics.ReciprocalRank([]).Should().Be(0);
    }

    [Test]
    public void Coverage_ShareWithAFeasibleOffer()
    {
        RankingMetrics.Coverage([0, 3, 1, 0]).Should().Be(0.5);
        RankingMetrics.Coverage([]).Should().Be(double.NaN);
    }

    [Test]
    public void Auc_KnownScores_HandComputed()
    {
        // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: three of four pairs ordered right.
        RankingMetrics.Auc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]).Should().BeApproximately(0.75, 1e-12);
        RankingMetrics.Auc([0.5, 0.5], [true, false]).Should().Be(0.5, "a tie counts half");
        RankingMetrics.Auc([0.5, 0.6], [true, true]).Should().Be(double.NaN);
    }

    [Test]
    public void Order_TiesKeepItemOrder_ExcludedLast()
    {
        RankingMetrics.Order([0.5, 0.9, 0.5, double.NegativeInfinity, 0.9]).Should().Equal(1, 4, 0, 2, 3);
    }

    [Test]
    public void Top_SameAsTheHeadOfOrder()
    {
        double[] scores = [0.5, 0.9, 0.5, double.NegativeInfinity, 0.9, 0.1];
        var top = new int[3];
        RankingMetrics.Top(scores, top).Should().Be(3);
        top.Should().Equal(RankingMetrics.Order(scores).Take(3));
        RankingMetrics.Top(scores, Span<int>.Empty).Should().Be(0);
        var wide = new int[10];
        RankingMetrics.Top(scores, wide).Should().Be(6);
        wide.Take(6).Should().Equal(RankingMetrics.Order(scores));
    }
}
