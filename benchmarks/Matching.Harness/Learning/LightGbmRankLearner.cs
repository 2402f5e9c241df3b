using Matching.Harness.Evaluation;
using Matching.Harness.Replay;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace Matching.Harness.Learning;

/// <summary>How the LightGBM ranker is trained.</summary>
internal sealed record LightGbmOptions
{
    /// <summary>Seed of ML.NET and LightGBM.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Boosting rounds.</summary>
    public int Iterations { get; init; } = 300;
    /// <summary>Leaves per tree.</summary>
    public int Leaves { get; init; } = 4;
    /// <summary>Smallest leaf, in matches.</summary>
    public int MinLeaf { get; init; } = 100;
    /// <summary>Learning rate.</summary>
    public double LearningRate { get; init; } = 0.03;
    /// <summary>Matches per list at most: the matches of one day are cut into lists of this many.</summary>
    public int ListSize { get; init; } = 16;
}

/// <summary>
/// A LightGBM LambdaRank model of outcomes, through ML.NET, over every pair feature (<see cref="PairFeatures"/>): what a
/// non-linear model would add to a weight profile. LambdaRank needs lists with both outcomes in them, and a newcomer
/// has one match, so a list is the matches proposed on the same day: the model learns to put the ones that completed
/// above the ones that stopped. At evaluation it scores each held-out newcomer's whole candidate list.
/// </summary>
/// <remarks>Deterministic for a seed (one thread, LightGBM's deterministic mode). Not thread-safe.</remarks>
internal sealed class LightGbmRankLearner(LightGbmOptions options)
{
    private MLContext? _ml;
    private RankingPredictionTransformer<LightGbmRankingModelParameters>? _model;

    /// <summary>Trains on the training newcomers' historical matches; returns itself as a ranker.</summary>
    public IRanker Learn(IReadOnlyList<ReplayQuery> train)
    {
        var ml = new MLContext(options.Seed);
        var rows = train.Where(q => q.Matched >= 0)
            .GroupBy(q => q.Record.ProposedOn)
            .OrderBy(g => g.Key)
            .SelectMany(day => day.OrderBy(q => q.Record.MatchId, StringComparer.Ordinal).Select((q, i) => new PairRow
            {
                Label = q.Completed ? 1 : 0,
                Completed = q.Completed,
                Group = (uint)(day.Key.DayNumber * 1000 + i / options.ListSize),
                Features = q.Features.AsSpan(q.Matched * PairFeatures.Count, PairFeatures.Count).ToArray(),
            }))
            .ToList();
        // LightGBM wants the rows of a list together and the list id as a key.
        var data = ml.Transforms.Conversion.MapValueToKey(nameof(PairRow.Group)).Fit(MlRows.Load(ml, rows, PairFeatures.Count))
            .Transform(MlRows.Load(ml, rows, PairFeatures.Count));
        var trainer = ml.Ranking.Trainers.LightGbm(new LightGbmRankingTrainer.Options
        {
            LabelColumnName = nameof(PairRow.Label),
            FeatureColumnName = nameof(PairRow.Features),
            RowGroupColumnName = nameof(PairRow.Group),
            NumberOfIterations = options.Iterations,
            NumberOfLeaves = options.Leaves,
            MinimumExampleCountPerLeaf = options.MinLeaf,
            MinimumExampleCountPerGroup = 1,
            LearningRate = options.LearningRate,
            Seed = options.Seed,
            Deterministic = true,
            NumberOfThreads = 1,
            Silent = true,
            Verbose = false,
        });
        _model = trainer.Fit(data);
        _ml = ml;
        return new Ranker(this);
    }

    /// <summary>The trained model as a ranker of whole candidate lists.</summary>
    public IRanker AsRanker() => _model is null ? throw new InvalidOperationException("Learn first.") : new Ranker(this);

    /// <summary>Scores every candidate of every query from feature matrices (one per query, <see cref="PairFeatures.Count"/> per candidate).</summary>
    internal double[][] Score(IReadOnlyList<float[]> matrices)
    {
        if (_model is null || _ml is null) throw new InvalidOperationException("Learn first.");
        var rows = matrices.SelectMany(m => Enumerable.Range(0, m.Length / PairFeatures.Count)
            .Select(c => new PairRow { Features = m.AsSpan(c * PairFeatures.Count, PairFeatures.Count).ToArray() }));
        var scores = _model.Transform(MlRows.Load(_ml, rows, PairFeatures.Count)).GetColumn<float>("Score").ToArray();
        var result = new double[matrices.Count][];
        var at = 0;
        for (var i = 0; i < matrices.Count; i++)
        {
            result[i] = new double[matrices[i].Length / PairFeatures.Count];
            for (var c = 0; c < result[i].Length; c++) result[i][c] = scores[at++];
        }
        return result;
    }

    /// <summary>
    /// Each candidate's feature contributions (ML.NET's <c>CalculateFeatureContribution</c>, not normalised, every feature
    /// kept): for each feature, the change in the model's score from taking the other branch at every split on it along
    /// the candidate's paths, summed over the trees. Per query, <see cref="PairFeatures.Count"/> per candidate.
    /// </summary>
    internal float[][] Contributions(IReadOnlyList<float[]> matrices)
    {
        if (_model is null || _ml is null) throw new InvalidOperationException("Learn first.");
        var rows = matrices.SelectMany(m => Enumerable.Range(0, m.Length / PairFeatures.Count)
            .Select(c => new PairRow { Features = m.AsSpan(c * PairFeatures.Count, PairFeatures.Count).ToArray() }));
        var scored = _model.Transform(MlRows.Load(_ml, rows, PairFeatures.Count));
        var calculator = _ml.Transforms.CalculateFeatureContribution(_model, PairFeatures.Count, PairFeatures.Count, normalize: false).Fit(scored);
        var all = calculator.Transform(scored).GetColumn<float[]>("FeatureContributions").ToArray();
        var result = new float[matrices.Count][];
        var at = 0;
        for (var i = 0; i < matrices.Count; i++)
        {
            var n = matrices[i].Length / PairFeatures.Count;
            result[i] = new float[n * PairFeatures.Count];
            for (var c = 0; c < n; c++) all[at++].CopyTo(result[i], c * PairFeatures.Count);
        }
        return result;
    }

    /// <summary>
    /// Chooses the tree size by cross-validation on outcomes only: for each (leaves, smallest leaf) of the grid, the mean
    /// over folds by newcomer of the held-out AUC of completed against stopped matches. Outcomes are noisy, so small
    /// trees usually win; the oracle is never asked.
    /// </summary>
    public static (LightGbmOptions Best, IReadOnlyList<(LightGbmOptions Options, double Auc)> Trials) Select(
        IReadOnlyList<ReplayQuery> train, LightGbmOptions options, IReadOnlyList<(int Leaves, int MinLeaf)> grid, int folds, Action<string>? progress = null)
    {
        var split = Splits.Folds(train.Where(q => q.Matched >= 0).ToList(), folds, options.Seed);
        var trials = new List<(LightGbmOptions, double)>();
        foreach (var (leaves, minLeaf) in grid)
        {
            var candidate = options with { Leaves = leaves, MinLeaf = minLeaf };
            var auc = split.Average(f =>
            {
                var learner = new LightGbmRankLearner(candidate);
                learner.Learn(f.Train);
                var scores = learner.Score(f.Validate.Select(q => q.Features.AsSpan(q.Matched * PairFeatures.Count, PairFeatures.Count).ToArray()).ToList());
                return Evaluation.RankingMetrics.Auc(scores.Select(x => x[0]).ToArray(), f.Validate.Select(q => q.Completed).ToArray());
            });
            trials.Add((candidate, auc));
            progress?.Invoke($"learn lightgbm: {leaves} leaves, leaves of at least {minLeaf}: held-out AUC {auc:F4}");
        }
        return (trials.MaxBy(t => t.Item2).Item1, trials);
    }

    private sealed class Ranker(LightGbmRankLearner learner) : IRanker
    {
        public string Name => "lightgbm";

        public double[][] ScoreAll(IReadOnlyList<ReplayQuery> queries) => learner.Score(queries.Select(q => q.Features).ToList());
    }
}
