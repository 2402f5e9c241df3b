using Matching.Harness.Replay;

namespace Matching.Harness.Evaluation;

/// <summary>
/// The metrics of one ranker over a set of replayed newcomers. <c>Observed*</c> use the actual outcomes: the historical
/// match is the one relevant offer when it completed (one match per newcomer is known, so precision@5 is at most 0.2);
/// <c>Oracle*</c> use the generator's completion probability of every candidate as graded relevance. NaN where a
/// metric has nothing to average (no completed match in the set; no hidden traits).
/// </summary>
/// <param name="Newcomers">Newcomers in the set.</param>
/// <param name="Coverage">Share with at least one offer the ranker does not exclude.</param>
/// <param name="CompletedMatches">Newcomers whose historical match completed and was in the replayed candidates (the observed metrics' base).</param>
/// <param name="ObservedNdcg5">NDCG@5 with the completed match as the one relevant offer.</param>
/// <param name="ObservedNdcg10">NDCG@10, likewise.</param>
/// <param name="ObservedPrecision5">Precision@5, likewise (at most 0.2).</param>
/// <param name="ObservedMrr">Mean reciprocal rank of the completed match (0 when excluded).</param>
/// <param name="ObservedMrrStopped">The same for matches that stopped: a profile that knows what works ranks these lower.</param>
/// <param name="OutcomeAuc">Chance that a completed match scores above a stopped one (pooled over newcomers).</param>
/// <param name="OracleNdcg5">NDCG@5 with the oracle's probabilities as gains; the ideal over every candidate.</param>
/// <param name="OracleNdcg10">NDCG@10, likewise: the headline metric.</param>
/// <param name="OraclePrecision5">Expected share of the top 5 that would complete (mean oracle probability, ÷ 5).</param>
/// <param name="OracleMrr">Mean reciprocal rank of the oracle's best offer.</param>
internal sealed record MetricSet(
    int Newcomers, double Coverage, int CompletedMatches,
    double ObservedNdcg5, double ObservedNdcg10, double ObservedPrecision5, double ObservedMrr, double ObservedMrrStopped, double OutcomeAuc,
    double OracleNdcg5, double OracleNdcg10, double OraclePrecision5, double OracleMrr)
{
    /// <summary>Every metric by its name, for tables, gaps and JSON.</summary>
    public static IReadOnlyList<(string Name, Func<MetricSet, double> Value)> Metrics { get; } =
    [
        ("coverage", m => m.Coverage),
        ("observedNdcg5", m => m.ObservedNdcg5),
        ("observedNdcg10", m => m.ObservedNdcg10),
        ("observedPrecision5", m => m.ObservedPrecision5),
        ("observedMrr", m => m.ObservedMrr),
        ("observedMrrStopped", m => m.ObservedMrrStopped),
        ("outcomeAuc", m => m.OutcomeAuc),
        ("oracleNdcg5", m => m.OracleNdcg5),
        ("oracleNdcg10", m => m.OracleNdcg10),
        ("oraclePrecision5", m => m.OraclePrecision5),
        ("oracleMrr", m => m.OracleMrr),
    ];
}

/// <summary>One group's metrics.</summary>
/// <param name="Group">The group's name (e.g. "A1", "VAN", "ar").</param>
/// <param name="Metrics">Its metrics.</param>
/// <param name="InGap">Whether it is large enough to count in the gap.</param>
internal sealed record GroupMetrics(string Group, MetricSet Metrics, bool InGap);

/// <summary>The spread of one metric across the groups of a dimension: best, worst and the gap between them.</summary>
/// <param name="Metric">The metric's name.</param>
/// <param name="Best">The best group.</param>
/// <param name="BestValue">Its value.</param>
/// <param name="Worst">The worst group.</param>
/// <param name="WorstValue">Its value.</param>
internal sealed record GroupGap(string Metric, string Best, double BestValue, string Worst, double WorstValue)
{
    /// <summary>Best minus worst.</summary>
    public double Gap => BestValue - WorstValue;
}

/// <summary>The metrics of one dimension's groups and their gaps.</summary>
/// <param name="Dimension">The dimension.</param>
/// <param name="Groups">Every group: levels in order, other dimensions largest first.</param>
/// <param name="Gaps">Per metric, over the groups with at least the minimum size.</param>
internal sealed record DimensionReport(GroupDimension Dimension, IReadOnlyList<GroupMetrics> Groups, IReadOnlyList<GroupGap> Gaps);

/// <summary>What one ranker scored: overall and per group.</summary>
/// <param name="Ranker">The ranker's name.</param>
/// <param name="Overall">Over every newcomer of the set.</param>
/// <param name="ByGroup">Per dimension.</param>
internal sealed record EvaluationResult(string Ranker, MetricSet Overall, IReadOnlyList<DimensionReport> ByGroup);

/// <summary>Computes the metrics of a ranker over replayed newcomers, overall and by group.</summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal static class Evaluator
{
    /// <summary>The default smallest group that counts in a gap: smaller groups are shown but too noisy to compare.</summary>
    public const int DefaultMinGroupSize = 30;

    /// <summary>The metrics of one newcomer; NaN where it does not count.</summary>
    private readonly record struct QueryMetrics(
        int Shown, bool? Completed, double Ndcg5, double Ndcg10, double Precision5, double Rr, double MatchedScore,
        double OracleNdcg5, double OracleNdcg10, double OraclePrecision5, double OracleRr);

    /// <summary>Scores the ranker and computes every metric.</summary>
    public static EvaluationResult Evaluate(IRanker ranker, IReadOnlyList<ReplayQuery> queries, int minGroupSize = DefaultMinGroupSize) =>
        Evaluate(ranker.Name, queries, ranker.ScoreAll(queries), minGroupSize);

    /// <summary>Computes every metric from scores already made (one array per query, as <see cref="IRanker.ScoreAll"/>).</summary>
    public static EvaluationResult Evaluate(string name, IReadOnlyList<ReplayQuery> queries, double[][] scores, int minGroupSize = DefaultMinGroupSize)
    {
        var per = new QueryMetrics[queries.Count];
        for (var i = 0; i < queries.Count; i++) per[i] = Measure(queries[i], scores[i]);
        var all = Enumerable.Range(0, queries.Count).ToArray();
        var byGroup = new List<DimensionReport>();
        foreach (var dimension in Enum.GetValues<GroupDimension>())
        {
            var groups = all.GroupBy(i => queries[i].Group(dimension)).Select(g => (Name: g.Key, Members: g.ToArray())).ToList();
            if (dimension == GroupDimension.HomeLanguage)
            {
                // Twenty home languages, most of them rare: the small ones are pooled so that "other" can be compared too.
                var small = groups.Where(g => g.Members.Length < minGroupSize).SelectMany(g => g.Members).Order().ToArray();
                groups = groups.Where(g => g.Members.Length >= minGroupSize).ToList();
                if (small.Length > 0) groups.Add(("other", small));
            }
            // Levels read best in their own order; the other dimensions largest group first.
            var ordered = dimension == GroupDimension.DutchLevel
                ? groups.OrderBy(g => g.Name, StringComparer.Ordinal)
                : groups.OrderByDescending(g => g.Members.Length).ThenBy(g => g.Name, StringComparer.Ordinal);
            var reports = ordered
                .Select(g => new GroupMetrics(g.Name, Aggregate(queries, per, g.Members), g.Members.Length >= minGroupSize))
                .ToList();
            byGroup.Add(new DimensionReport(dimension, reports, Gaps(reports)));
        }
        return new EvaluationResult(name, Aggregate(queries, per, all), byGroup);
    }

    /// <summary>
    /// The headline metric of scores over queries: the mean oracle NDCG@10 when every query has the oracle, else the
    /// observed NDCG@10 of the completed matches.
    /// </summary>
    public static double Headline(IReadOnlyList<ReplayQuery> queries, double[][] scores)
    {
        var oracle = queries.All(q => q.Oracle is not null);
        var total = 0.0;
        var counted = 0;
        for (var i = 0; i < queries.Count; i++)
        {
            var m = Measure(queries[i], scores[i]);
            var value = oracle ? m.OracleNdcg10 : m.Ndcg10;
            if (double.IsNaN(value)) continue;
            total += value;
            counted++;
        }
        return counted == 0 ? double.NaN : total / counted;
    }

    private static List<GroupGap> Gaps(IReadOnlyList<GroupMetrics> groups)
    {
        var gaps = new List<GroupGap>();
        var counted = groups.Where(g => g.InGap).ToList();
        foreach (var (metric, value) in MetricSet.Metrics)
        {
            var valued = counted.Where(g => !double.IsNaN(value(g.Metrics))).ToList();
            if (valued.Count < 2) continue;
            var best = valued.MaxBy(g => value(g.Metrics))!;
            var worst = valued.MinBy(g => value(g.Metrics))!;
            gaps.Add(new GroupGap(metric, best.Group, value(best.Metrics), worst.Group, value(worst.Metrics)));
        }
        return gaps;
    }

    private static QueryMetrics Measure(ReplayQuery q, double[] scores)
    {
        var order = RankingMetrics.Order(scores);
        var shown = 0;
        while (shown < order.Length && !double.IsNegativeInfinity(scores[order[shown]])) shown++;
        var ranked = order.AsSpan(0, shown);

        bool? completed = null;
        double ndcg5 = double.NaN, ndcg10 = double.NaN, p5 = double.NaN, rr = double.NaN, matchedScore = double.NaN;
        if (q.Matched >= 0)
        {
            completed = q.Completed;
            matchedScore = scores[q.Matched];
            var relevance = new double[shown];
            for (var i = 0; i < shown; i++) relevance[i] = ranked[i] == q.Matched ? 1 : 0;
            rr = RankingMetrics.ReciprocalRank(relevance);
            if (q.Completed)
            {
                // The ideal list has the completed match first, whether or not the ranker shows it.
                ndcg5 = RankingMetrics.Ndcg(relevance, [1.0], 5);
                ndcg10 = RankingMetrics.Ndcg(relevance, [1.0], 10);
                p5 = RankingMetrics.PrecisionAt(relevance, 5);
            }
        }

        double ondcg5 = double.NaN, ondcg10 = double.NaN, op5 = double.NaN, orr = double.NaN;
        if (q.Oracle is { } oracle)
        {
            var gains = new double[shown];
            for (var i = 0; i < shown; i++) gains[i] = oracle[ranked[i]];
            ondcg5 = Zero(RankingMetrics.Ndcg(gains, oracle, 5));
            ondcg10 = Zero(RankingMetrics.Ndcg(gains, oracle, 10));
            op5 = RankingMetrics.PrecisionAt(gains, 5);
            var best = RankingMetrics.Order(oracle)[0];
            var isBest = new double[shown];
            for (var i = 0; i < shown; i++) isBest[i] = ranked[i] == best ? 1 : 0;
            orr = RankingMetrics.ReciprocalRank(isBest);
        }
        return new QueryMetrics(shown, completed, ndcg5, ndcg10, p5, rr, matchedScore, ondcg5, ondcg10, op5, orr);
    }

    // Every candidate has a positive probability, so the ideal DCG is positive; NaN only for an empty candidate list.
    private static double Zero(double x) => double.IsNaN(x) ? 0 : x;

    private static MetricSet Aggregate(IReadOnlyList<ReplayQuery> queries, QueryMetrics[] per, int[] members)
    {
        var completed = new List<int>();
        var stopped = new List<int>();
        var matched = new List<int>();
        foreach (var i in members)
        {
            if (per[i].Completed is true) completed.Add(i);
            if (per[i].Completed is false) stopped.Add(i);
            if (per[i].Completed is not null) matched.Add(i);
        }
        var auc = RankingMetrics.Auc(
            matched.Select(i => per[i].MatchedScore).ToArray(),
            matched.Select(i => per[i].Completed == true).ToArray());
        var withOracle = members.Where(i => queries[i].Oracle is not null).ToArray();
        return new MetricSet(
            members.Length,
            RankingMetrics.Coverage(members.Select(i => per[i].Shown).ToArray()),
            completed.Count,
            Mean(completed, i => per[i].Ndcg5), Mean(completed, i => per[i].Ndcg10), Mean(completed, i => per[i].Precision5),
            Mean(completed, i => per[i].Rr), Mean(stopped, i => per[i].Rr), auc,
            Mean(withOracle, i => per[i].OracleNdcg5), Mean(withOracle, i => per[i].OracleNdcg10),
            Mean(withOracle, i => per[i].OraclePrecision5), Mean(withOracle, i => per[i].OracleRr));
    }

    private static double Mean(IReadOnlyCollection<int> items, Func<int, double> value) =>
        items.Count == 0 ? double.NaN : items.Sum(value) / items.Count;
}
