namespace Matching.Harness.Evaluation;

/// <summary>
/// The ranking metrics of the harness, on one ranked list at a time. Relevance is graded in [0, 1] (an oracle's
/// completion probability) or binary (1 for the match that completed); gains are linear (DCG = Σ rel_i / log2(i + 1)).
/// </summary>
/// <remarks>Pure functions; thread-safe.</remarks>
internal static class RankingMetrics
{
    /// <summary>
    /// NDCG@k of a ranking: DCG@k of the relevances in ranked order over the DCG@k of the same relevances sorted best
    /// first. NaN when no item is relevant (the ideal DCG is 0), so that callers skip such lists instead of counting a 0 or a 1.
    /// </summary>
    public static double Ndcg(ReadOnlySpan<double> relevanceInRankOrder, int k) => Ndcg(relevanceInRankOrder, relevanceInRankOrder, k);

    /// <summary>
    /// NDCG@k of a ranking that shows only some of the items (a profile's hard constraints exclude the rest): the ideal
    /// DCG comes from every item in <paramref name="allRelevances"/>, so that excluding a good item costs what it should.
    /// NaN when no item is relevant.
    /// </summary>
    public static double Ndcg(ReadOnlySpan<double> relevanceInRankOrder, ReadOnlySpan<double> allRelevances, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var ideal = allRelevances.ToArray();
        Array.Sort(ideal, (a, b) => b.CompareTo(a));
        var idcg = Dcg(ideal, k);
        return idcg <= 0 ? double.NaN : Dcg(relevanceInRankOrder, k) / idcg;
    }

    /// <summary>DCG@k with linear gains: Σ over the first k of rel_i / log2(i + 1), i counted from 1.</summary>
    public static double Dcg(ReadOnlySpan<double> relevanceInRankOrder, int k)
    {
        var dcg = 0.0;
        var n = Math.Min(k, relevanceInRankOrder.Length);
        for (var i = 0; i < n; i++) dcg += relevanceInRankOrder[i] / Math.Log2(i + 2);
        return dcg;
    }

    /// <summary>
    /// Precision@k: the relevance summed over the first k, divided by k (also when the list is shorter, as in IR).
    /// With binary relevance the share of relevant items; with probabilities the expected share that completes.
    /// </summary>
    public static double PrecisionAt(ReadOnlySpan<double> relevanceInRankOrder, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var sum = 0.0;
        var n = Math.Min(k, relevanceInRankOrder.Length);
        for (var i = 0; i < n; i++) sum += relevanceInRankOrder[i];
        return sum / k;
    }

    /// <summary>Reciprocal rank: 1 / the 1-based position of the first relevant (non-zero) item; 0 when none is.</summary>
    public static double ReciprocalRank(ReadOnlySpan<double> relevanceInRankOrder)
    {
        for (var i = 0; i < relevanceInRankOrder.Length; i++)
        {
            if (relevanceInRankOrder[i] > 0) return 1.0 / (i + 1);
        }
        return 0;
    }

    /// <summary>Coverage: the share of newcomers with at least one feasible offer; NaN for no newcomers.</summary>
    public static double Coverage(ReadOnlySpan<int> feasibleCounts)
    {
        if (feasibleCounts.Length == 0) return double.NaN;
        var covered = 0;
        foreach (var c in feasibleCounts) if (c > 0) covered++;
        return covered / (double)feasibleCounts.Length;
    }

    /// <summary>
    /// The ranking of scores: indices best first, ties by the given order of the items (the replay lists offers in
    /// ordinal id order, so ties break by offer id as in the engine). Excluded items (−∞) come last.
    /// </summary>
    public static int[] Order(ReadOnlySpan<double> scores)
    {
        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        var keys = scores.ToArray();
        Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[b].CompareTo(keys[a]) : a.CompareTo(b));
        return order;
    }

    /// <summary>
    /// The first <paramref name="top"/>.Length items of <see cref="Order"/> without sorting the rest (insertion into a
    /// short buffer: the tuner asks for the top 10 of about a hundred, millions of times). Returns how many were filled.
    /// </summary>
    public static int Top(ReadOnlySpan<double> scores, Span<int> top)
    {
        if (top.IsEmpty) return 0;
        var filled = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var s = scores[i];
            // Ties keep the earlier item ahead: a later item enters only with a strictly higher score.
            if (filled == top.Length && !(s > scores[top[filled - 1]])) continue;
            var j = filled < top.Length ? filled++ : filled - 1;
            while (j > 0 && s > scores[top[j - 1]])
            {
                top[j] = top[j - 1];
                j--;
            }
            top[j] = i;
        }
        return filled;
    }

    /// <summary>
    /// Area under the ROC curve of scores for positives against negatives (the Mann–Whitney statistic, ties counted
    /// half): the chance that a random completed match scores above a random stopped one. NaN without both classes.
    /// </summary>
    public static double Auc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive)
    {
        if (scores.Length != positive.Length) throw new ArgumentException("One label per score.", nameof(positive));
        var idx = new int[scores.Length];
        for (var i = 0; i < idx.Length; i++) idx[i] = i;
        var s = scores.ToArray();
        Array.Sort(idx, (a, b) => s[a].CompareTo(s[b]));
        // Mid-ranks for ties, then the rank-sum of the positives.
        double rankSum = 0;
        long positives = 0;
        var i0 = 0;
        while (i0 < idx.Length)
        {
            var i1 = i0;
            while (i1 + 1 < idx.Length && s[idx[i1 + 1]] == s[idx[i0]]) i1++;
            var midRank = (i0 + i1) / 2.0 + 1;
            for (var j = i0; j <= i1; j++)
            {
                if (positive[idx[j]]) { rankSum += midRank; positives++; }
            }
            i0 = i1 + 1;
        }
        long negatives = idx.Length - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        return (rankSum - positives * (positives + 1) / 2.0) / (positives * (double)negatives);
    }
}
