using Matching.Harness.Evaluation;
using Matching.Harness.Learning;
using Matching.Harness.Replay;
using Matching.Harness.Tuning;
using Matching.Scoring;

namespace Matching.Harness.Experiments;

/// <summary>Everything one run of the harness does, with its seed.</summary>
internal sealed record ExperimentOptions
{
    /// <summary>Seed of the split, the search, ML.NET and LightGBM.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Share of newcomers held out for the figures.</summary>
    public double TestShare { get; init; } = Splits.DefaultTestShare;
    /// <summary>Folds of every cross-validation by newcomer.</summary>
    public int Folds { get; init; } = 5;
    /// <summary>The tuner's settings (its seed and folds are taken from here).</summary>
    public TunerOptions Tuner { get; init; } = new();
    /// <summary>The linear learner's settings (seed and folds from here).</summary>
    public LinearLearnOptions Linear { get; init; } = new();
    /// <summary>The shaped learner's settings (seed and folds from here).</summary>
    public ShapedLearnOptions Shaped { get; init; } = new();
    /// <summary>LightGBM's settings (seed from here; tree size chosen from <see cref="LightGbmGrid"/>).</summary>
    public LightGbmOptions LightGbm { get; init; } = new();
    /// <summary>Tree sizes (leaves, smallest leaf) the LightGBM cross-validation chooses from.</summary>
    public IReadOnlyList<(int Leaves, int MinLeaf)> LightGbmGrid { get; init; } = [(4, 50), (4, 100), (8, 200), (16, 40)];
    /// <summary>Folds of the LightGBM selection (each fold trains a model: fewer than the others).</summary>
    public int LightGbmFolds { get; init; } = 3;
    /// <summary>Held-out newcomers at most for permutation importance (a deterministic subsample).</summary>
    public int ImportanceNewcomers { get; init; } = 500;
    /// <summary>Also search the profile that is best by the oracle itself (the ceiling of any weight profile); needs hidden traits.</summary>
    public bool Ceiling { get; init; } = true;
    /// <summary>A tuned profile to use instead of tuning.</summary>
    public WeightProfile? Tuned { get; init; }
    /// <summary>The smallest group counted in the gaps.</summary>
    public int MinGroupSize { get; init; } = Evaluator.DefaultMinGroupSize;
    /// <summary>The spread with the shaped learner alone beside the default (how its variants are compared on other worlds).</summary>
    public bool ShapedOnly { get; init; }
}

/// <summary>One ranker's held-out result.</summary>
/// <param name="Name">The ranker.</param>
/// <param name="Evaluation">Its metrics, overall and by group.</param>
/// <param name="GapClosed">(its oracle NDCG@10 − the default's) ÷ (the oracle's − the default's); NaN without the oracle.</param>
internal sealed record RankerRow(string Name, EvaluationResult Evaluation, double GapClosed);

/// <summary>The scores a profile gave the held-out newcomers' historical matches, split by outcome.</summary>
/// <param name="Profile">The profile's name.</param>
/// <param name="Completed">Scores of matches that completed.</param>
/// <param name="Stopped">Scores of matches that stopped (excluded ones left out).</param>
internal sealed record ScoreDistribution(string Profile, IReadOnlyList<double> Completed, IReadOnlyList<double> Stopped);

/// <summary>Everything a run found.</summary>
internal sealed record ExperimentResult
{
    /// <summary>The history it ran on.</summary>
    public required string Source { get; init; }
    /// <summary>The options.</summary>
    public required ExperimentOptions Options { get; init; }
    /// <summary>Matches in the history (one replayed query each).</summary>
    public required int Matches { get; init; }
    /// <summary>Distinct newcomers among them.</summary>
    public required int Newcomers { get; init; }
    /// <summary>Share of the history's matches that completed.</summary>
    public required double CompletionRate { get; init; }
    /// <summary>Mean candidates (feasible offers at tolerance 1) per newcomer.</summary>
    public required double MeanCandidates { get; init; }
    /// <summary>Training newcomers.</summary>
    public required int TrainNewcomers { get; init; }
    /// <summary>Held-out newcomers.</summary>
    public required int TestNewcomers { get; init; }
    /// <summary>Whether the oracle was available.</summary>
    public required bool HasOracle { get; init; }
    /// <summary>The tuner's result (null when a tuned profile was given).</summary>
    public required TuningResult? Tuning { get; init; }
    /// <summary>The tuned profile.</summary>
    public required WeightProfile Tuned { get; init; }
    /// <summary>The linear model and its profile.</summary>
    public required LinearLearnResult Linear { get; init; }
    /// <summary>The shaped (GAM) model and its profile.</summary>
    public required ShapedLearnResult Shaped { get; init; }
    /// <summary>The LightGBM settings chosen and every trial with its held-out AUC.</summary>
    public required IReadOnlyList<(LightGbmOptions Options, double Auc)> LightGbmTrials { get; init; }
    /// <summary>The LightGBM settings used.</summary>
    public required LightGbmOptions LightGbm { get; init; }
    /// <summary>The oracle-tuned profile (the ceiling of a weight profile), or null.</summary>
    public required WeightProfile? CeilingProfile { get; init; }
    /// <summary>Held-out results: random, default, tuned, learned-linear, lightgbm, [ceiling], oracle.</summary>
    public required IReadOnlyList<RankerRow> Rows { get; init; }
    /// <summary>Permutation importance of the learned profile's criteria.</summary>
    public required IReadOnlyList<FeatureImportance> LinearImportance { get; init; }
    /// <summary>Permutation importance of LightGBM's features.</summary>
    public required IReadOnlyList<FeatureImportance> LightGbmImportance { get; init; }
    /// <summary>LightGBM's feature contributions beside the shaped profile's per-criterion contributions, on the importance sample.</summary>
    public required ContributionReport Contributions { get; init; }
    /// <summary>Score distributions of the held-out matches under default, tuned and learned.</summary>
    public required IReadOnlyList<ScoreDistribution> Distributions { get; init; }

    /// <summary>A row by ranker name.</summary>
    public RankerRow Row(string name) => Rows.Single(r => r.Name == name);
}

/// <summary>
/// The harness's whole protocol on one history: split by newcomer, tune on the training part (or take a tuned profile),
/// learn the linear profile and the LightGBM ranker on it, and score every ranker on the held-out newcomers.
/// </summary>
/// <remarks>Deterministic for a seed.</remarks>
internal static class Experiment
{
    /// <summary>The names of the rows, in table order.</summary>
    public const string Random = "random", Default = "default", Tuned = "tuned", Learned = "learned-linear", Shaped = "learned-shaped", LightGbm = "lightgbm",
        Ceiling = "oracle-tuned profile", Oracle = "oracle";

    /// <summary>Runs the protocol on replayed queries.</summary>
    public static ExperimentResult Run(IReadOnlyList<ReplayQuery> queries, string source, ExperimentOptions options, Action<string>? progress = null)
    {
        var hasOracle = queries.Count > 0 && queries.All(q => q.Oracle is not null);
        var (train, test) = Splits.TrainTest(queries, options.Seed, options.TestShare);
        progress?.Invoke($"split: {train.Count} newcomers to learn from, {test.Count} held out");

        // Tuning and learning see only outcomes: the oracle is taken off their queries, so none can read it by mistake.
        var blind = train.Select(q => q.WithoutOracle()).ToList();
        TuningResult? tuning = null;
        var tuned = options.Tuned;
        if (tuned is null)
        {
            var tuner = new WeightTuner(options.Tuner with { Seed = options.Seed, Folds = options.Folds, Objective = ObjectiveKind.Outcomes }, progress);
            tuning = tuner.Tune(blind);
            tuned = tuning.Best.ToProfile(Tuned, TuneDescription(tuning, options.Seed));
        }

        var (linear, shaped, lgbLearner, lgbOptions, lgbTrials) = Learn(blind, options, progress);
        var lgb = lgbLearner.AsRanker();

        WeightProfile? ceiling = null;
        if (options.Ceiling && hasOracle)
        {
            var (best, _) = new WeightTuner(options.Tuner with { Seed = options.Seed, Objective = ObjectiveKind.Oracle }, progress).SearchAll(train);
            ceiling = best.ToProfile("oracle-tuned", "The best weight profile by the oracle itself: a ceiling, not a profile to deploy.");
        }

        var rankers = new List<IRanker>
        {
            new RandomRanker(options.Seed),
            new ProfileRanker(WeightProfile.Default, Default),
            new ProfileRanker(tuned, Tuned),
            new ProfileRanker(linear.Profile, Learned),
            new ProfileRanker(shaped.Profile, Shaped),
            lgb,
        };
        if (ceiling is not null) rankers.Add(new ProfileRanker(ceiling, Ceiling));
        if (hasOracle) rankers.Add(new OracleRanker());
        var evaluations = new List<EvaluationResult>();
        foreach (var r in rankers)
        {
            progress?.Invoke($"evaluate {r.Name} on {test.Count} held-out newcomers");
            evaluations.Add(Evaluator.Evaluate(r, test, options.MinGroupSize));
        }
        var byName = evaluations.ToDictionary(e => e.Ranker);
        var rows = evaluations.Select(e => new RankerRow(e.Ranker, e, hasOracle ? GapClosed(e, byName[Default], byName[Oracle]) : double.NaN)).ToList();

        progress?.Invoke("permutation importance");
        var sample = test.Count <= options.ImportanceNewcomers ? test : Splits.TrainTest(test, options.Seed + 17, options.ImportanceNewcomers / (double)test.Count).Test;
        var linearImportance = PermutationImportance.Compute(sample, sample.Select(q => CriteriaMatrix(q, linear.Profile)).ToList(),
            Criteria.All.Select(Criteria.Name).ToList(), (qs, ms) => ScoreLinear(qs, ms, linear.Profile), options.Seed);
        var lgbImportance = PermutationImportance.Compute(sample, sample.Select(q => q.Features).ToList(), PairFeatures.Names,
            (_, ms) => lgbLearner.Score(ms), options.Seed);

        progress?.Invoke("feature contributions: lightgbm beside the shaped profile");
        var matrices = sample.Select(q => q.Features).ToList();
        var contributions = ContributionComparison.Compare(sample, shaped.Profile, lgbLearner.Score(matrices), lgbLearner.Contributions(matrices));

        var distributions = new[] { (Default, WeightProfile.Default), (Tuned, tuned), (Learned, linear.Profile), (Shaped, shaped.Profile) }
            .Select(p => Distribution(p.Item1, p.Item2, test)).ToList();

        return new ExperimentResult
        {
            Source = source,
            Options = options,
            Matches = queries.Count,
            Newcomers = queries.Select(q => q.Newcomer.Id).Distinct(StringComparer.Ordinal).Count(),
            CompletionRate = queries.Count == 0 ? double.NaN : queries.Count(q => q.Completed) / (double)queries.Count,
            MeanCandidates = queries.Count == 0 ? 0 : queries.Average(q => q.Count),
            TrainNewcomers = train.Count,
            TestNewcomers = test.Count,
            HasOracle = hasOracle,
            Tuning = tuning,
            Tuned = tuned,
            Linear = linear,
            Shaped = shaped,
            LightGbmTrials = lgbTrials,
            LightGbm = lgbOptions,
            CeilingProfile = ceiling,
            Rows = rows,
            LinearImportance = linearImportance,
            LightGbmImportance = lgbImportance,
            Contributions = contributions,
            Distributions = distributions,
        };
    }

    /// <summary>
    /// The three learners on the training newcomers (queries without the oracle): the linear profile, the shaped profile,
    /// and the LightGBM ranker with its tree size chosen by cross-validated outcome AUC.
    /// </summary>
    public static (LinearLearnResult Linear, ShapedLearnResult Shaped, LightGbmRankLearner LightGbm, LightGbmOptions LightGbmOptions,
        IReadOnlyList<(LightGbmOptions Options, double Auc)> LightGbmTrials) Learn(IReadOnlyList<ReplayQuery> train, ExperimentOptions options, Action<string>? progress = null)
    {
        if (train.Any(q => q.Oracle is not null)) throw new ArgumentException("The learners must not see the oracle: pass queries WithoutOracle().", nameof(train));
        var linear = new LinearProfileLearner(options.Linear with { Seed = options.Seed, Folds = options.Folds }, progress).Learn(train, Learned);
        var shaped = new ShapedProfileLearner(options.Shaped with { Seed = options.Seed, Folds = options.Folds }, progress).Learn(train, Shaped);
        var (lgbOptions, lgbTrials) = LightGbmRankLearner.Select(train, options.LightGbm with { Seed = options.Seed }, options.LightGbmGrid, options.LightGbmFolds, progress);
        var lgb = new LightGbmRankLearner(lgbOptions);
        lgb.Learn(train);
        progress?.Invoke($"learn lightgbm: trained with {lgbOptions.Leaves} leaves");
        return (linear, shaped, lgb, lgbOptions, lgbTrials);
    }

    /// <summary>The share of the default→oracle gap in oracle NDCG@10 that a ranker closes.</summary>
    public static double GapClosed(EvaluationResult x, EvaluationResult defaults, EvaluationResult oracle)
    {
        var gap = oracle.Overall.OracleNdcg10 - defaults.Overall.OracleNdcg10;
        return gap <= 0 ? double.NaN : (x.Overall.OracleNdcg10 - defaults.Overall.OracleNdcg10) / gap;
    }

    /// <summary>The description a tuned profile carries: how it was made and what the cross-validation said.</summary>
    public static string TuneDescription(TuningResult t, int seed) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Tuned by the harness (random search + refinement, seed {seed}) on observed outcomes: cross-validated AUC {t.FoldObjectives.Average():F3} against the default's {t.FoldDefaultObjectives.Average():F3}.");

    /// <summary>The six criteria of every candidate with the profile's distance decay, as a feature matrix.</summary>
    private static float[] CriteriaMatrix(ReplayQuery q, WeightProfile profile)
    {
        var m = new float[q.Count * Criteria.Count];
        for (var c = 0; c < q.Count; c++)
        {
            for (var k = 0; k < Criteria.Count; k++) m[c * Criteria.Count + k] = (float)q.Criterion(c, (Criterion)k);
            m[c * Criteria.Count + (int)Criterion.Distance] = (float)Formulas.DistanceFit(q.Km[c], q.Remote[c], profile.DistanceOffsetKm, profile.GaussSigmaSquared);
        }
        return m;
    }

    /// <summary>A profile's scores from criteria matrices; the level tolerance still excludes (it is a rule, not a feature).</summary>
    private static double[][] ScoreLinear(IReadOnlyList<ReplayQuery> queries, IReadOnlyList<float[]> matrices, WeightProfile profile)
    {
        var result = new double[queries.Count][];
        for (var i = 0; i < queries.Count; i++)
        {
            var q = queries[i];
            result[i] = new double[q.Count];
            for (var c = 0; c < q.Count; c++)
            {
                if (q.LevelsBelow[c] > profile.LevelTolerance) { result[i][c] = double.NegativeInfinity; continue; }
                var s = 0.0;
                for (var k = 0; k < Criteria.Count; k++) s += profile.Weight((Criterion)k) * matrices[i][c * Criteria.Count + k];
                result[i][c] = s;
            }
        }
        return result;
    }

    private static ScoreDistribution Distribution(string name, WeightProfile profile, IReadOnlyList<ReplayQuery> test)
    {
        var completed = new List<double>();
        var stopped = new List<double>();
        foreach (var q in test.Where(q => q.Matched >= 0))
        {
            var scores = new double[q.Count];
            ProfileRanker.Score(q, profile, scores);
            var s = scores[q.Matched];
            if (double.IsNegativeInfinity(s)) continue;
            (q.Completed ? completed : stopped).Add(s);
        }
        return new ScoreDistribution(name, completed, stopped);
    }
}
