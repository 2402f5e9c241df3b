using System.Collections.Immutable;
using Matching.Harness.Evaluation;
using Matching.Harness.Replay;
using Matching.Harness.Tuning;
using Matching.Scoring;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms;

namespace Matching.Harness.Learning;

/// <summary>How the linear model is learned.</summary>
internal sealed record LinearLearnOptions
{
    /// <summary>Seed of ML.NET and of the folds.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Folds by newcomer for choosing the distance decay.</summary>
    public int Folds { get; init; } = 5;
    /// <summary>Distance offsets tried, km.</summary>
    public IReadOnlyList<double> OffsetsKm { get; init; } = [0, 1, 2, 4];
    /// <summary>Distance scales tried, km.</summary>
    public IReadOnlyList<double> ScalesKm { get; init; } = [3, 5, 8, 12, 20, 40];
    /// <summary>L2 regularisation of the logistic regression.</summary>
    public float L2 { get; init; } = 0.1f;
}

/// <summary>One decay tried, with its cross-validated log-loss.</summary>
/// <param name="OffsetKm">Offset.</param>
/// <param name="ScaleKm">Scale.</param>
/// <param name="LogLoss">Mean held-out log-loss over the folds (lower is better).</param>
internal sealed record DecayTrial(double OffsetKm, double ScaleKm, double LogLoss);

/// <summary>The learned linear model and the profile it maps onto.</summary>
/// <param name="Profile">The profile: the non-negative weights normalised, the chosen decay and tolerance.</param>
/// <param name="LogitWeights">Logit change per unit of each raw criterion score (criterion order), as learned.</param>
/// <param name="Bias">The model's intercept.</param>
/// <param name="Trials">Every decay tried.</param>
/// <param name="ToleranceAuc">Outcome AUC of the profile with tolerance 0 and 1, averaged over the folds (the higher one is kept).</param>
/// <param name="ToleranceAucDifferenceSe">Standard error of the per-fold difference (1 − 0).</param>
/// <param name="ToleranceWithinNoise">Whether that difference is within two standard errors of zero: the choice is a coin toss.</param>
internal sealed record LinearLearnResult(
    WeightProfile Profile, IReadOnlyList<double> LogitWeights, double Bias, IReadOnlyList<DecayTrial> Trials, IReadOnlyList<double> ToleranceAuc,
    double ToleranceAucDifferenceSe, bool ToleranceWithinNoise);

/// <summary>
/// Learns a weight profile from outcomes with ML.NET: a logistic regression (L-BFGS) of completed against stopped on the six
/// criterion scores of each historical match, standardised, with a free intercept and non-negative weights (an active
/// set: a criterion whose weight comes out negative is dropped and the rest refitted; ML.NET's own EnforceNonNegativity
/// would pin the intercept at 0 as well, which wrecks the fit where fewer than half the matches complete). Its logit is
/// b + Σ w′ᵢ·sᵢ·xᵢ (sᵢ the normaliser's scale), so wᵢ = w′ᵢ·sᵢ per raw criterion; normalised to sum 1 they rank every
/// newcomer's offers exactly as the model does (a constant and a positive factor change no order). The distance decay
/// is chosen by cross-validated log-loss; the level tolerance by the outcome AUC on each fold, with the noise of the
/// per-fold differences reported.
/// </summary>
/// <remarks>Deterministic for a seed (one thread). Not thread-safe.</remarks>
internal sealed class LinearProfileLearner(LinearLearnOptions options, Action<string>? progress = null)
{
    /// <summary>Learns from the training newcomers' historical matches.</summary>
    public LinearLearnResult Learn(IReadOnlyList<ReplayQuery> train, string name = "learned-linear")
    {
        var labelled = train.Where(q => q.Matched >= 0).ToList();
        if (labelled.Select(q => q.Completed).Distinct().Count() < 2) throw new InvalidOperationException("Learning needs both completed and stopped matches.");
        var folds = Splits.Folds(labelled, options.Folds, options.Seed);
        var trials = new List<DecayTrial>();
        foreach (var offset in options.OffsetsKm)
        {
            foreach (var scale in options.ScalesKm)
            {
                var loss = folds.Average(f => HeldOutLogLoss(f.Train, f.Validate, offset, scale));
                trials.Add(new DecayTrial(offset, scale, loss));
                progress?.Invoke($"learn linear: decay offset {offset} km, scale {scale} km: log-loss {loss:F4}");
            }
        }
        var best = trials.OrderBy(t => t.LogLoss).ThenBy(t => t.OffsetKm).ThenBy(t => t.ScaleKm).First();
        var (weights, bias) = Fit(labelled, best.OffsetKm, best.ScaleKm);

        // Clip what the constraint left at a hair below zero; a model with no positive weight falls back to equal weights.
        var clipped = weights.Select(w => Math.Max(0, w)).ToArray();
        if (clipped.Sum() <= 0) Array.Fill(clipped, 1.0);
        var perFold = folds.Select(f =>
        {
            var objective = new TuningObjective(ObjectiveKind.Outcomes, f.Validate);
            return new[] { 0, 1 }.Select(t => objective.Value(new ProfileParameters(clipped, t, best.OffsetKm, best.ScaleKm).ToProfile(name))).ToArray();
        }).ToList();
        var aucs = new[] { perFold.Average(a => a[0]), perFold.Average(a => a[1]) };
        var differences = perFold.Select(a => a[1] - a[0]).ToArray();
        var mean = differences.Average();
        var se = differences.Length < 2 ? double.PositiveInfinity
            : Math.Sqrt(differences.Sum(d => (d - mean) * (d - mean)) / (differences.Length - 1) / differences.Length);
        var tolerance = mean > 0 ? 1 : 0;
        var withinNoise = Math.Abs(mean) < 2 * se;
        progress?.Invoke(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"learn linear: level tolerance {tolerance} (outcome AUC 0: {aucs[0]:F4}, 1: {aucs[1]:F4}, difference {mean:+0.0000;-0.0000} ± {se:F4}{(withinNoise ? ", within noise" : "")})"));
        var description = $"Learned by logistic regression on {labelled.Count} historical outcomes (seed {options.Seed}).";
        var profile = new ProfileParameters(clipped, tolerance, best.OffsetKm, best.ScaleKm).ToProfile(name, description);
        return new LinearLearnResult(profile, weights, bias, trials, aucs, se, withinNoise);
    }

    private double HeldOutLogLoss(IReadOnlyList<ReplayQuery> fit, IReadOnlyList<ReplayQuery> validate, double offset, double scale)
    {
        var ml = new MLContext(options.Seed);
        var (model, active) = FitNonNegative(ml, fit, offset, scale);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(Rows(ml, validate, offset, scale, active)), labelColumnName: nameof(PairRow.Completed));
        return metrics.LogLoss;
    }

    /// <summary>
    /// The fit with a free intercept and non-negative weights: fit unconstrained, drop the criterion with the most
    /// negative weight, refit, until none is negative (with six criteria, at most six fits).
    /// </summary>
    private (ITransformer Model, int[] Active) FitNonNegative(MLContext ml, IReadOnlyList<ReplayQuery> rows, double offset, double scale)
    {
        var active = Enumerable.Range(0, Criteria.Count).ToArray();
        while (true)
        {
            var model = Pipeline(ml).Fit(Rows(ml, rows, offset, scale, active));
            var w = Linear(model).Weights.ToArray();
            var worst = Enumerable.Range(0, w.Length).MinBy(i => w[i]);
            if (w[worst] >= 0 || active.Length == 1) return (model, active);
            active = active.Where((_, i) => i != worst).ToArray();
        }
    }

    private static LinearBinaryModelParameters Linear(ITransformer model) =>
        ((ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>>)((IEnumerable<ITransformer>)model).Last()).Model.SubModel;

    /// <summary>Fits on all rows and returns the logit weight per raw criterion score (0 for a dropped one) and the intercept.</summary>
    private (double[] Weights, double Bias) Fit(IReadOnlyList<ReplayQuery> rows, double offset, double scale)
    {
        var ml = new MLContext(options.Seed);
        var (model, active) = FitNonNegative(ml, rows, offset, scale);
        var chain = ((IEnumerable<ITransformer>)model).ToList();
        var normaliser = (NormalizingTransformer)chain[0];
        var affine = (NormalizingTransformer.AffineNormalizerModelParameters<ImmutableArray<float>>)normaliser.GetNormalizerModelParameters(0);
        var linear = Linear(model);
        var w = linear.Weights.ToArray();
        // y = (x − offset) · scale feeds the model: the logit per raw unit is w′ · scale; the offsets only shift the intercept.
        var weights = new double[Criteria.Count];
        var bias = (double)linear.Bias;
        for (var i = 0; i < active.Length; i++)
        {
            var s = affine.Scale.Length == 1 ? affine.Scale[0] : affine.Scale[i];
            var o = affine.Offset.IsDefaultOrEmpty ? 0 : affine.Offset.Length == 1 ? affine.Offset[0] : affine.Offset[i];
            weights[active[i]] = w[i] * s;
            bias -= w[i] * s * o;
        }
        return (weights, bias);
    }

    private IEstimator<ITransformer> Pipeline(MLContext ml) =>
        ml.Transforms.NormalizeMeanVariance(nameof(PairRow.Features), fixZero: false)
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
            {
                LabelColumnName = nameof(PairRow.Completed),
                FeatureColumnName = nameof(PairRow.Features),
                L2Regularization = options.L2,
                L1Regularization = 0,
                // No EnforceNonNegativity: it constrains the intercept too. The active set above keeps the weights ≥ 0.
                NumberOfThreads = 1,
            }));

    /// <summary>Each newcomer's historical match as a row: the active criterion scores with the given decay, completed or not.</summary>
    private static IDataView Rows(MLContext ml, IReadOnlyList<ReplayQuery> queries, double offset, double scale, int[] active)
    {
        var sigma2 = -scale * scale / (2 * Math.Log(0.5));
        var rows = queries.Select(q =>
        {
            var c = q.Matched;
            var f = new float[active.Length];
            for (var k = 0; k < f.Length; k++)
            {
                var criterion = (Criterion)active[k];
                f[k] = criterion == Criterion.Distance
                    ? (float)Formulas.DistanceFit(q.Km[c], q.Remote[c], offset, sigma2)
                    : (float)q.Criterion(c, criterion);
            }
            return new PairRow { Completed = q.Completed, Label = q.Completed ? 1 : 0, Features = f };
        }).ToList();
        return MlRows.Load(ml, rows, active.Length);
    }
}
