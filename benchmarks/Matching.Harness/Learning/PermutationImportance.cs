using Matching.Harness.Evaluation;
using Matching.Harness.Replay;

namespace Matching.Harness.Learning;

/// <summary>How much a ranker's held-out metric drops when one feature's values are shuffled across all candidate pairs.</summary>
/// <param name="Feature">The feature's name.</param>
/// <param name="Drop">Metric without shuffling minus metric with it (larger: the ranker leans on it more).</param>
internal sealed record FeatureImportance(string Feature, double Drop);

/// <summary>
/// Permutation feature importance measured on the metric that matters (the held-out oracle NDCG@10, or the observed
/// NDCG@10 without hidden traits), model-agnostic: the ranker scores feature matrices, one per newcomer.
/// </summary>
/// <remarks>Deterministic for a seed. Stateless.</remarks>
internal static class PermutationImportance
{
    /// <summary>Scores feature matrices: one per query, <c>width</c> features per candidate.</summary>
    public delegate double[][] MatrixScorer(IReadOnlyList<ReplayQuery> queries, IReadOnlyList<float[]> matrices);

    /// <summary>The drop per feature, largest first (ties in feature order).</summary>
    public static IReadOnlyList<FeatureImportance> Compute(IReadOnlyList<ReplayQuery> queries, IReadOnlyList<float[]> matrices,
        IReadOnlyList<string> names, MatrixScorer score, int seed)
    {
        var width = names.Count;
        var baseline = Evaluator.Headline(queries, score(queries, matrices));
        var total = matrices.Sum(m => m.Length / width);
        var result = new List<FeatureImportance>();
        for (var j = 0; j < width; j++)
        {
            // One column gathered across every pair of every newcomer, shuffled, put back: the feature loses its link to
            // the rest of its row while keeping its distribution.
            var column = new float[total];
            var at = 0;
            foreach (var m in matrices) for (var r = 0; r < m.Length / width; r++) column[at++] = m[r * width + j];
            new Random(seed * 131 + j).Shuffle(column);
            var permuted = new List<float[]>(matrices.Count);
            at = 0;
            foreach (var m in matrices)
            {
                var copy = (float[])m.Clone();
                for (var r = 0; r < m.Length / width; r++) copy[r * width + j] = column[at++];
                permuted.Add(copy);
            }
            result.Add(new FeatureImportance(names[j], baseline - Evaluator.Headline(queries, score(queries, permuted))));
        }
        return result.OrderByDescending(f => f.Drop).ToList();
    }
}
