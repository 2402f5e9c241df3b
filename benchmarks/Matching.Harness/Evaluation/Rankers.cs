using Matching.Harness.Replay;
using Matching.Scoring;

namespace Matching.Harness.Evaluation;

/// <summary>Something that ranks each replayed newcomer's candidates: a weight profile, a model, chance or the oracle.</summary>
internal interface IRanker
{
    /// <summary>The name in tables and charts.</summary>
    string Name { get; }

    /// <summary>A score per candidate of each query, higher first; −∞ for a candidate the ranker excludes.</summary>
    double[][] ScoreAll(IReadOnlyList<ReplayQuery> queries);
}

/// <summary>Ranks as the engine does under a weight profile: its hard level tolerance, its distance decay, its weights.</summary>
/// <param name="Profile">The profile.</param>
/// <param name="Name">The name shown; the profile's name by default.</param>
internal sealed record ProfileRanker(WeightProfile Profile, string? Name = null) : IRanker
{
    string IRanker.Name => Name ?? Profile.Name;

    /// <inheritdoc />
    public double[][] ScoreAll(IReadOnlyList<ReplayQuery> queries)
    {
        var result = new double[queries.Count][];
        for (var i = 0; i < queries.Count; i++)
        {
            result[i] = new double[queries[i].Count];
            Score(queries[i], Profile, result[i]);
        }
        return result;
    }

    /// <summary>
    /// The engine's score of every candidate under <paramref name="profile"/>: Σ weight × criterion, the distance criterion
    /// recomputed from km with the profile's decay; −∞ for a candidate more levels below its minimum than the profile allows.
    /// </summary>
    public static void Score(ReplayQuery q, WeightProfile profile, Span<double> scores)
    {
        var w = profile.Weights;
        Span<double> criteria = stackalloc double[Criteria.Count];
        for (var c = 0; c < q.Count; c++)
        {
            if (!CriterionScores(q, profile, c, criteria))
            {
                scores[c] = double.NegativeInfinity;
                continue;
            }
            var s = 0.0;
            for (var k = 0; k < Criteria.Count; k++) s += w[k] * criteria[k];
            scores[c] = s;
        }
    }

    /// <summary>
    /// One candidate's criterion scores under <paramref name="profile"/> as the engine computes them (the distance with the
    /// profile's decay, then a shaped profile's curves over the pair's raw features); false when the level tolerance
    /// excludes the candidate. The criterion's contribution is its weight times this score.
    /// </summary>
    public static bool CriterionScores(ReplayQuery q, WeightProfile profile, int candidate, Span<double> into)
    {
        if (q.LevelsBelow[candidate] > profile.LevelTolerance) return false;
        var baseProfile = BaseDecay;
        var sameDecay = profile.DistanceOffsetKm == baseProfile.DistanceOffsetKm && profile.GaussSigmaSquared == baseProfile.GaussSigmaSquared;
        q.Criteria.AsSpan(candidate * Criteria.Count, Criteria.Count).CopyTo(into);
        if (!sameDecay) into[(int)Criterion.Distance] = Formulas.DistanceFit(q.Km[candidate], q.Remote[candidate], profile.DistanceOffsetKm, profile.GaussSigmaSquared);
        // A shaped profile scores as the engine does: the formulas, then each shape over the pair's raw feature.
        profile.Shapes?.Apply(into, q.Inputs[candidate]);
        return true;
    }

    private static readonly WeightProfile BaseDecay = ReplayBuilder.BaseProfile();
}

/// <summary>Chance: a uniform random order of the whole candidate set, seeded per run.</summary>
/// <param name="Seed">The seed.</param>
internal sealed record RandomRanker(int Seed) : IRanker
{
    /// <inheritdoc />
    public string Name => "random";

    /// <inheritdoc />
    public double[][] ScoreAll(IReadOnlyList<ReplayQuery> queries)
    {
        var rng = new Random(Seed);
        return queries.Select(q => Enumerable.Range(0, q.Count).Select(_ => rng.NextDouble()).ToArray()).ToArray();
    }
}

/// <summary>The oracle: the generator's true completion probability, from the hidden traits no engine sees. The ceiling.</summary>
internal sealed class OracleRanker : IRanker
{
    /// <inheritdoc />
    public string Name => "oracle";

    /// <inheritdoc />
    public double[][] ScoreAll(IReadOnlyList<ReplayQuery> queries) =>
        queries.Select(q => (double[])(q.Oracle ?? throw new InvalidOperationException("The oracle needs hidden.csv.")).Clone()).ToArray();
}
