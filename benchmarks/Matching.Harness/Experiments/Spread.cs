using Matching.Harness.Evaluation;
using Matching.Harness.Learning;
using Matching.Harness.Replay;
using Matching.Scoring;

namespace Matching.Harness.Experiments;

/// <summary>One learner's held-out result on one split of one history size.</summary>
/// <param name="Size">The matches asked for.</param>
/// <param name="Matches">The matches taken (whole newcomers, so a few more than asked, or all there are).</param>
/// <param name="Seed">The seed of the subsample, the split and the learners.</param>
/// <param name="Ranker">The ranker.</param>
/// <param name="OracleNdcg10">Its held-out oracle NDCG@10.</param>
/// <param name="GapClosed">Its share of the default→oracle gap.</param>
internal sealed record SpreadCell(int Size, int Matches, int Seed, string Ranker, double OracleNdcg10, double GapClosed);

/// <summary>Mean, smallest and largest of one quantity over the seeds.</summary>
/// <param name="Mean">The mean.</param>
/// <param name="Min">The smallest.</param>
/// <param name="Max">The largest.</param>
internal readonly record struct Range3(double Mean, double Min, double Max)
{
    /// <summary>The three of a non-empty list.</summary>
    public static Range3 Of(IReadOnlyCollection<double> values) => new(values.Average(), values.Min(), values.Max());
}

/// <summary>One learner at one history size over every seed.</summary>
/// <param name="Size">The matches asked for.</param>
/// <param name="Ranker">The ranker.</param>
/// <param name="GapClosed">Its gap closed over the seeds.</param>
/// <param name="OracleNdcg10">Its held-out oracle NDCG@10 over the seeds.</param>
internal sealed record SpreadSummary(int Size, string Ranker, Range3 GapClosed, Range3 OracleNdcg10);

/// <summary>What a spread run found: every cell and the summary per size and ranker.</summary>
/// <param name="Source">The history.</param>
/// <param name="Seeds">The seeds.</param>
/// <param name="Cells">One per size, seed and ranker.</param>
internal sealed record SpreadResult(string Source, IReadOnlyList<int> Seeds, IReadOnlyList<SpreadCell> Cells)
{
    /// <summary>Per size (ascending) and ranker (in learner order): mean, min and max over the seeds.</summary>
    public IReadOnlyList<SpreadSummary> Summary => Cells
        .GroupBy(c => (c.Size, c.Ranker))
        .OrderBy(g => g.Key.Size).ThenBy(g => Array.IndexOf(Spread.Rankers, g.Key.Ranker))
        .Select(g => new SpreadSummary(g.Key.Size, g.Key.Ranker, Range3.Of(g.Select(c => c.GapClosed).ToList()), Range3.Of(g.Select(c => c.OracleNdcg10).ToList())))
        .ToList();
}

/// <summary>
/// How robust the learners are: for each history size and seed, a subsample of that many matches (whole newcomers,
/// shuffled by the seed), split by newcomer, the three learners fitted on the training part without the oracle, and each
/// scored on the held-out part by the oracle. No tuning and no oracle-tuned ceiling: only what <c>learn</c> deploys.
/// </summary>
/// <remarks>Deterministic for the seeds. The oracle is used only to score, never to learn.</remarks>
internal static class Spread
{
    /// <summary>The rankers reported, in table order.</summary>
    public static readonly string[] Rankers = [Experiment.Default, Experiment.Learned, Experiment.Shaped, Experiment.LightGbm];

    /// <summary>The seeds a spread uses unless told: the five of the earlier loops and the harness's default.</summary>
    public static readonly int[] DefaultSeeds = [1, 2, 3, 4, 5, 42];

    /// <summary>Runs every size and seed.</summary>
    /// <exception cref="InvalidDataException">The history has no oracle (no hidden.csv): the spread is measured by it.</exception>
    public static SpreadResult Run(IReadOnlyList<ReplayQuery> queries, string source, IReadOnlyList<int> sizes, IReadOnlyList<int> seeds,
        ExperimentOptions options, Action<string>? progress = null)
    {
        if (queries.Count == 0 || queries.Any(q => q.Oracle is null))
            throw new InvalidDataException("The spread is scored by the oracle: it needs hidden.csv beside the history (the learners never see it).");
        var cells = new List<SpreadCell>();
        foreach (var size in sizes.Order())
        {
            foreach (var seed in seeds)
            {
                // A different subsample per seed, so that the spread covers the history drawn as well as the split.
                var sub = Splits.FirstMatches(queries, size, seed + 1000);
                var run = options with { Seed = seed };
                var (train, test) = Splits.TrainTest(sub, seed, options.TestShare);
                progress?.Invoke($"spread: {sub.Count} matches, seed {seed}: learn on {train.Count}, score on {test.Count}");
                var blind = train.Select(q => q.WithoutOracle()).ToList();
                IRanker[] rankers;
                if (options.ShapedOnly)
                {
                    var alone = new ShapedProfileLearner(run.Shaped with { Seed = seed, Folds = run.Folds }, progress).Learn(blind, Experiment.Shaped);
                    rankers = [new ProfileRanker(WeightProfile.Default, Experiment.Default), new ProfileRanker(alone.Profile, Experiment.Shaped)];
                }
                else
                {
                    var (linear, shaped, lgb, _, _) = Experiment.Learn(blind, run, progress);
                    rankers = [new ProfileRanker(WeightProfile.Default, Experiment.Default), new ProfileRanker(linear.Profile, Experiment.Learned),
                        new ProfileRanker(shaped.Profile, Experiment.Shaped), lgb.AsRanker()];
                }
                var oracle = Evaluator.Evaluate(new OracleRanker(), test, options.MinGroupSize);
                var evaluations = rankers.Select(r => Evaluator.Evaluate(r, test, options.MinGroupSize)).ToList();
                foreach (var e in evaluations)
                    cells.Add(new SpreadCell(size, sub.Count, seed, e.Ranker, e.Overall.OracleNdcg10, Experiment.GapClosed(e, evaluations[0], oracle)));
                progress?.Invoke("spread: " + string.Join(", ", cells.TakeLast(rankers.Length).Select(c => $"{c.Ranker} {100 * c.GapClosed:F1} %")));
            }
        }
        return new SpreadResult(source, seeds, cells);
    }
}
