using Matching.Harness.Evaluation;
using Matching.Harness.Replay;
using Matching.Scoring;

namespace Matching.Harness.Tuning;

/// <summary>What the tuner maximises.</summary>
internal enum ObjectiveKind
{
    /// <summary>
    /// Observed outcomes only: the chance that a completed historical match scores above a stopped one (AUC). What an
    /// analyst has in real life; no hidden trait is used.
    /// </summary>
    Outcomes = 0,
    /// <summary>
    /// The oracle's NDCG@10 over the candidate lists. Needs hidden.csv, which only a generated history has: the ceiling of
    /// what a weight profile can reach, not something to tune a live profile with.
    /// </summary>
    Oracle = 1,
}

/// <summary>
/// An objective over a fixed set of replayed newcomers, laid out flat for speed: the tuner calls it a few thousand
/// times per search.
/// </summary>
internal sealed class TuningObjective
{
    private readonly ObjectiveKind _kind;
    private readonly IReadOnlyList<ReplayQuery> _queries;
    private readonly double[] _idealDcg; // per query, oracle objective only

    /// <summary>Prepares the objective over <paramref name="queries"/>.</summary>
    public TuningObjective(ObjectiveKind kind, IReadOnlyList<ReplayQuery> queries)
    {
        _kind = kind;
        if (kind == ObjectiveKind.Oracle)
        {
            if (queries.Any(q => q.Oracle is null)) throw new InvalidOperationException("The oracle objective needs hidden.csv.");
            _queries = queries;
            _idealDcg = queries.Select(q =>
            {
                var ideal = (double[])q.Oracle!.Clone();
                Array.Sort(ideal, (a, b) => b.CompareTo(a));
                return RankingMetrics.Dcg(ideal, K);
            }).ToArray();
        }
        else
        {
            // Only the historical match of each newcomer is scored; one whose match fell outside the replay has no say.
            _queries = queries.Where(q => q.Matched >= 0).ToList();
            _idealDcg = [];
        }
    }

    /// <summary>The cut-off of the oracle objective.</summary>
    public const int K = 10;

    /// <summary>The kind.</summary>
    public ObjectiveKind Kind => _kind;

    /// <summary>The objective of a profile: higher is better.</summary>
    public double Value(WeightProfile profile) => _kind == ObjectiveKind.Oracle ? OracleNdcg(profile) : OutcomeAuc(profile);

    private double OutcomeAuc(WeightProfile profile)
    {
        var scores = new double[_queries.Count];
        var positive = new bool[_queries.Count];
        for (var i = 0; i < _queries.Count; i++)
        {
            var q = _queries[i];
            scores[i] = MatchedScore(q, profile);
            positive[i] = q.Completed;
        }
        return RankingMetrics.Auc(scores, positive);
    }

    private static double MatchedScore(ReplayQuery q, WeightProfile profile)
    {
        var c = q.Matched;
        if (q.LevelsBelow[c] > profile.LevelTolerance) return double.NegativeInfinity;
        var row = c * Criteria.Count;
        var s = 0.0;
        for (var k = 0; k < Criteria.Count; k++)
        {
            s += profile.Weight((Criterion)k) * (k == (int)Criterion.Distance
                ? Formulas.DistanceFit(q.Km[c], q.Remote[c], profile.DistanceOffsetKm, profile.GaussSigmaSquared)
                : q.Criteria[row + k]);
        }
        return s;
    }

    private double OracleNdcg(WeightProfile profile)
    {
        var total = 0.0;
        var scores = new double[_queries.Max(q => q.Count)];
        Span<int> top = stackalloc int[K];
        for (var i = 0; i < _queries.Count; i++)
        {
            var q = _queries[i];
            var s = scores.AsSpan(0, q.Count);
            ProfileRanker.Score(q, profile, s);
            var filled = RankingMetrics.Top(s, top);
            var dcg = 0.0;
            for (var r = 0; r < filled && !double.IsNegativeInfinity(s[top[r]]); r++) dcg += q.Oracle![top[r]] / Math.Log2(r + 2);
            total += _idealDcg[i] > 0 ? dcg / _idealDcg[i] : 0;
        }
        return _queries.Count == 0 ? double.NaN : total / _queries.Count;
    }
}
