using System.Globalization;
using Matching.Harness.Replay;
using Matching.Model;
using Matching.Scoring;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace Matching.Harness.Learning;

/// <summary>How the shaped profile is learned.</summary>
internal sealed record ShapedLearnOptions
{
    /// <summary>Seed of ML.NET and of the folds.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Folds by newcomer for choosing the number of boosting rounds.</summary>
    public int Folds { get; init; } = 5;
    /// <summary>Boosting rounds tried (each round adds one stump per feature); the cross-validated log-loss chooses.</summary>
    public IReadOnlyList<int> Iterations { get; init; } = [100, 300, 800];
    /// <summary>The GAM's learning rate: small, so that the rounds act as the smoothing.</summary>
    public double LearningRate { get; init; } = 0.05;
    /// <summary>Bins per feature.</summary>
    public int MaxBins { get; init; } = 64;
    /// <summary>Smallest leaves of a stump tried, in matches (the curves' regularisation); chosen with the rounds by the cross-validated log-loss.</summary>
    public IReadOnlyList<int> MinLeaves { get; init; } = [40];
    /// <summary>Read the curves as the mean of the cross-validation's fold models and the model on every match (bagging), not from the one model.</summary>
    public bool Bagged { get; init; }
    /// <summary>
    /// Penalties on the change of slope tried for the other family, a penalised spline fit per feature (<see cref="PenalizedSplineFit"/>)
    /// at the same knots; the family and its setting with the lowest cross-validated log-loss win. Empty: the GAM alone.
    /// </summary>
    public IReadOnlyList<double> SplinePenalties { get; init; } = [0.3, 1, 3, 10, 30];
    /// <summary>Knots per curve at most (quantiles of the continuous features, every value of the discrete ones).</summary>
    public int Knots { get; init; } = 16;
    /// <summary>The interaction slots offered to the forward selection (names of <see cref="Shapes.Interactions"/>); empty: none.</summary>
    public IReadOnlyList<string> Candidates { get; init; } = Shapes.Interactions.Select(s => s.Name).ToArray();
    /// <summary>The least drop in cross-validated log-loss (bits) for which the forward selection takes an interaction slot.</summary>
    public double MinGain { get; init; }
    /// <summary>
    /// How many standard errors the drop must reach as well: the error of the mean of the per-match differences of held-out
    /// log-loss (each match is held out once), so a slot is taken only when it pays beyond the noise of the folds.
    /// </summary>
    public double MinGainStandardErrors { get; init; } = 1;
}

/// <summary>One learned curve: the GAM's own effect and the monotone or unimodal knots the profile keeps, on one scale.</summary>
/// <param name="Slot">The shape's slot: a criterion name or "languageInternship".</param>
/// <param name="Feature">The raw feature.</param>
/// <param name="X">The knots' x.</param>
/// <param name="ModelEffect">The fitted model's effect at each x (GAM or splines; logit, before the projection), shifted and scaled as the knots.</param>
/// <param name="Y">The knots' y in [0, 1] (what the profile stores).</param>
/// <param name="Weight">The criterion's normalised weight.</param>
/// <param name="Samples">Training matches nearest each knot (the data's density).</param>
internal sealed record ShapeCurve(string Slot, ShapeFeature Feature, double[] X, double[] ModelEffect, double[] Y, double Weight, int[] Samples);

/// <summary>One setting of the GAM tried, with its cross-validated log-loss.</summary>
/// <param name="Iterations">Boosting rounds.</param>
/// <param name="MinLeaf">Smallest leaf, in matches.</param>
/// <param name="LogLoss">Mean held-out log-loss over the folds (bits).</param>
internal sealed record ShapedTrial(int Iterations, int MinLeaf, double LogLoss);

/// <summary>The shaped profile and how it was chosen.</summary>
/// <param name="Profile">The profile (schema 2): a weight and a curve per criterion.</param>
/// <param name="Trials">Settings tried and their cross-validated log-loss (bits).</param>
/// <param name="BaseRateLogLoss">Log-loss of always predicting the training base rate, per fold (bits): the bar to beat.</param>
/// <param name="Iterations">The rounds chosen.</param>
/// <param name="MinLeaf">The smallest leaf chosen.</param>
/// <param name="Curves">The curves.</param>
/// <param name="WithoutInteractionsLogLoss">Cross-validated log-loss without any interaction curve (at the setting chosen for that).</param>
/// <param name="Interactions">Whether any interaction curve was kept.</param>
/// <param name="SplineTrials">Penalties tried for the spline family and their cross-validated log-loss (bits).</param>
/// <param name="Family">The family chosen: <see cref="ShapedProfileLearner.Gam"/> or <see cref="ShapedProfileLearner.Spline"/>.</param>
/// <param name="Penalty">The spline's penalty when the spline was chosen, else NaN.</param>
/// <param name="Selection">The forward selection of interaction slots: each round's best candidate, its log-loss and whether it was taken.</param>
internal sealed record ShapedLearnResult(WeightProfile Profile, IReadOnlyList<ShapedTrial> Trials, double BaseRateLogLoss,
    int Iterations, int MinLeaf, IReadOnlyList<ShapeCurve> Curves, double WithoutInteractionsLogLoss, bool Interactions,
    IReadOnlyList<(double Penalty, double LogLoss)> SplineTrials, string Family, double Penalty,
    IReadOnlyList<(string Slot, double LogLoss, bool Taken)> Selection)
{
    /// <summary>The interaction slots kept, in order of precedence.</summary>
    public IReadOnlyList<string> Kept => Curves.Select(c => c.Slot).Where(n => Shapes.InteractionIndex(n) >= 0).Distinct().ToList();

    /// <summary>The cross-validated log-loss of what was chosen (with the interactions).</summary>
    public double ChosenLogLoss => Family == ShapedProfileLearner.Spline ? SplineTrials.Min(t => t.LogLoss) : Trials.Min(t => t.LogLoss);
}

/// <summary>
/// Learns a shaped profile from outcomes: ML.NET's generalized additive model (<c>Gam</c> in Microsoft.ML.FastTree:
/// boosted one-feature stumps, so the logit is b + Σ fⱼ(xⱼ) with a step function per raw feature) of completed against
/// stopped on each training newcomer's historical match, with one raw feature per criterion (and the taalstage level
/// gap apart). Each fⱼ is read at knots (quantiles of the data, or every value of a discrete feature), projected onto the
/// nearest monotone or unimodal curve (pool-adjacent-violators weighted by the data at each knot), and scaled into
/// [0, 1]: the criterion's weight is its curve's range in logits, so Σ weight × shape ranks each newcomer's offers as the
/// projected GAM does (a constant and a positive factor change no order).
/// </summary>
/// <remarks>Deterministic for a seed (one thread). Not thread-safe.</remarks>
internal sealed class ShapedProfileLearner(ShapedLearnOptions options, Action<string>? progress = null)
{
    /// <summary>A value no real feature takes: "this column does not apply to the pair" (the other kind's level gap, no shared language).</summary>
    private const float NotApplicable = PenalizedSplineFit.NotApplicable;

    // A column: slot, criterion, feature, and the interaction slot it is (an index into Shapes.Interactions) or −1.
    private static readonly (string Slot, Criterion Criterion, ShapeFeature Feature, int Interaction)[] BaseColumns =
    [
        (Criteria.Name(Criterion.Language), Criterion.Language, ShapeFeature.LevelGap, -1),
        (Criteria.Name(Criterion.Interests), Criterion.Interests, ShapeFeature.ExactInterests, -1),
        (Criteria.Name(Criterion.Distance), Criterion.Distance, ShapeFeature.Km, -1),
        (Criteria.Name(Criterion.Availability), Criterion.Availability, ShapeFeature.TimeRatio, -1),
        (Criteria.Name(Criterion.BridgingLanguage), Criterion.BridgingLanguage, ShapeFeature.BridgingLevel, -1),
        (Criteria.Name(Criterion.Goals), Criterion.Goals, ShapeFeature.GoalFit, -1),
    ];

    private static readonly ShapeFeature[] Discrete = [ShapeFeature.LevelGap, ShapeFeature.LevelGapLanguageInternship, ShapeFeature.ExactInterests, ShapeFeature.BridgingLevel];

    private (string Slot, Criterion Criterion, ShapeFeature Feature, int Interaction)[] _columns = BaseColumns;

    /// <summary>The criteria's columns and the given interaction slots', these in the engine's order of precedence.</summary>
    private static (string Slot, Criterion Criterion, ShapeFeature Feature, int Interaction)[] ColumnsOf(IEnumerable<int> interactions) =>
        [.. BaseColumns, .. interactions.Distinct().Order().Select(k => (Shapes.Interactions[k].Name, Shapes.Interactions[k].Criterion, Shapes.Interactions[k].Features[0], k))];

    /// <summary>
    /// The feature vector of one pair: each column's raw feature, or <see cref="NotApplicable"/> where another column's
    /// curve gives the criterion's score (the first interaction slot present that covers the pair, as the engine picks).
    /// </summary>
    private float[] Row(in PairInputs p)
    {
        var f = new float[_columns.Length];
        Span<int> owner = stackalloc int[Criteria.Count];
        owner.Fill(-1);
        for (var j = 0; j < _columns.Length; j++)
        {
            var (_, criterion, _, k) = _columns[j];
            if (k >= 0 && owner[(int)criterion] < 0 && Shapes.Applies(k, p)) owner[(int)criterion] = j;
        }
        for (var j = 0; j < _columns.Length; j++)
        {
            var (_, criterion, feature, k) = _columns[j];
            var mine = owner[(int)criterion] == j || (k < 0 && owner[(int)criterion] < 0);
            f[j] = !mine ? NotApplicable
                : feature == ShapeFeature.BridgingLevel ? (p.SharedLanguage ? p.Level : NotApplicable)
                : (float)p.Feature(feature);
        }
        return f;
    }

    /// <summary>
    /// Learns from the training newcomers' historical matches. First the interaction slots, by forward selection: from
    /// the criteria's curves alone, each round adds the candidate slot that lowers the cross-validated log-loss most, while
    /// it lowers it by at least <see cref="ShapedLearnOptions.MinGain"/> (judged with the splines at the penalty chosen
    /// without interactions, or the GAM's best setting when the splines are not tried). Then, with the slots kept, each
    /// family's setting by the cross-validated log-loss, and the family with the lower one.
    /// </summary>
    public ShapedLearnResult Learn(IReadOnlyList<ReplayQuery> train, string name = "learned-shaped")
    {
        var labelled = train.Where(q => q.Matched >= 0).ToList();
        if (labelled.Select(q => q.Completed).Distinct().Count() < 2) throw new InvalidOperationException("Learning needs both completed and stopped matches.");
        var folds = Splits.Folds(labelled, options.Folds, options.Seed);
        var baseRate = folds.Average(f => BaseRateLogLoss(f.Train, f.Validate));
        var splines = options.SplinePenalties.Count > 0;

        // The criteria's curves alone: the setting the selection judges with.
        _columns = ColumnsOf([]);
        var plainSplines = splines ? SplineTrials(folds) : [];
        var plainGam = splines ? [] : GamTrials(folds, out _);
        var plainSpline = splines ? BestSpline(plainSplines) : default;
        var plainGamBest = splines ? null : BestGam(plainGam);
        (double Mean, double[] PerMatch) Judge(IReadOnlyList<int> slots)
        {
            _columns = ColumnsOf(slots);
            if (!splines)
            {
                var mean = folds.Average(f => HeldOut(f.Train, f.Validate, plainGamBest!.Iterations, plainGamBest.MinLeaf).LogLoss);
                return (mean, []);
            }
            var each = folds.SelectMany(f => SplineHeldOutPerMatch(f.Train, f.Validate, plainSpline.Penalty)).ToArray();
            return (each.Average(), each);
        }
        var plain = Judge([]);
        var plainLoss = splines ? plain.Mean : plainGamBest!.LogLoss;
        var selected = new List<int>();
        var selection = new List<(string Slot, double LogLoss, bool Taken)>();
        var candidates = options.Candidates.Select(n => Shapes.InteractionIndex(n) is var k and >= 0 ? k
            : throw new ArgumentException($"Unknown interaction slot {n}.", nameof(options))).Distinct().ToList();
        var current = plain;
        while (candidates.Count > 0)
        {
            var tried = candidates.Select(k => (Slot: k, Loss: Judge([.. selected, k]))).ToList();
            var best = tried.OrderBy(t => t.Loss.Mean).ThenBy(t => t.Slot).First();
            var gain = current.Mean - best.Loss.Mean;
            var error = StandardError(current.PerMatch, best.Loss.PerMatch);
            var taken = gain > 0 && gain >= options.MinGain && gain >= options.MinGainStandardErrors * error;
            selection.Add((Shapes.Interactions[best.Slot].Name, best.Loss.Mean, taken));
            progress?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"learn shaped: interactions {string.Join(", ", tried.Select(t => $"+{Shapes.Interactions[t.Slot].Name} {t.Loss.Mean:F4}"))} bits against {current.Mean:F4}: {(taken ? $"{Shapes.Interactions[best.Slot].Name} taken" : "none taken")} (gain {gain:F4} ± {error:F4})"));
            if (!taken) break;
            selected.Add(best.Slot);
            candidates.Remove(best.Slot);
            current = best.Loss;
        }

        // With the slots kept: each family's setting, and the family with the lower cross-validated log-loss.
        _columns = ColumnsOf(selected);
        var splineTrials = splines ? SplineTrials(folds) : [];
        var trials = GamTrials(folds, out var foldModels);
        var gamBest = BestGam(trials);
        var spline = splines ? BestSpline(splineTrials) : (Penalty: double.NaN, LogLoss: double.PositiveInfinity);
        var useSpline = spline.LogLoss < gamBest.LogLoss;
        var interactions = selected.Count > 0;
        progress?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"learn shaped: {(useSpline ? $"penalised splines (penalty {spline.Penalty})" : $"GAM ({gamBest.Iterations} rounds, leaves of at least {gamBest.MinLeaf})")}; interactions kept: {(interactions ? string.Join(", ", selected.Select(k => Shapes.Interactions[k].Name)) : "none")} (without any {plainLoss:F4} bits, with {Math.Min(spline.LogLoss, gamBest.LogLoss):F4}); always the base rate {baseRate:F4}"));
        var rows = labelled.Select(q => Row(q.Inputs[q.Matched])).ToList();
        if (useSpline)
        {
            var fit = PenalizedSplineFit.Fit(rows, labelled.Select(q => q.Completed).ToList(), KnotArrays(KnotsOf(rows)), DiscreteColumns, spline.Penalty);
            var (sp, sc) = ToProfile(rows, _ => fit.Effect, name,
                string.Create(CultureInfo.InvariantCulture, $"Learned by penalised piecewise-linear splines per feature (a logistic regression, penalty {spline.Penalty} on the changes of slope) on {labelled.Count} historical outcomes (seed {options.Seed}); curves projected monotone or unimodal."));
            return new ShapedLearnResult(sp, trials, baseRate, gamBest.Iterations, gamBest.MinLeaf, sc, plainLoss, interactions, splineTrials, Spline, spline.Penalty, selection);
        }
        var ml = new MLContext(options.Seed);
        var gam = Fit(ml, labelled, gamBest.Iterations, gamBest.MinLeaf);
        ITransformer[] models = options.Bagged ? [gam, .. foldModels[(gamBest.Iterations, gamBest.MinLeaf)]] : [gam];
        var (profile, curves) = ToProfile(rows, knots =>
            {
                // The models are additive, so their mean is too: its effect at a point is the mean of theirs.
                var asked = knots.SelectMany(k => k.Value.X.Select(x => (k.Key, x))).Concat(Enumerable.Range(0, _columns.Length).Select(j => (j, (double)NotApplicable))).ToList();
                var each = models.Select(m => Effects(m, ml, rows[0], asked)).ToList();
                var effects = each[0].Keys.ToDictionary(k => k, k => each.Average(e => e[k]));
                return (column, x) => effects[(column, x)];
            }, name,
            string.Create(CultureInfo.InvariantCulture, $"Learned by a generalized additive model (ML.NET Gam, {gamBest.Iterations} rounds, leaves of at least {gamBest.MinLeaf}{(options.Bagged ? $", the mean of {models.Length} models" : "")}) on {labelled.Count} historical outcomes (seed {options.Seed}); curves projected monotone or unimodal."));
        return new ShapedLearnResult(profile, trials, baseRate, gamBest.Iterations, gamBest.MinLeaf, curves, plainLoss, interactions, splineTrials, Gam, double.NaN, selection);
    }

    private List<(double Penalty, double LogLoss)> SplineTrials(IReadOnlyList<(IReadOnlyList<ReplayQuery> Train, IReadOnlyList<ReplayQuery> Validate)> folds)
    {
        var result = new List<(double Penalty, double LogLoss)>();
        foreach (var lambda in options.SplinePenalties)
        {
            var loss = folds.Average(f => SplineHeldOut(f.Train, f.Validate, lambda));
            result.Add((lambda, loss));
            progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"learn shaped: penalised splines, penalty {lambda}: log-loss {loss:F4} bits"));
        }
        return result;
    }

    private static (double Penalty, double LogLoss) BestSpline(IEnumerable<(double Penalty, double LogLoss)> trials) =>
        trials.OrderBy(t => t.LogLoss).ThenByDescending(t => t.Penalty).First();

    private static ShapedTrial BestGam(IEnumerable<ShapedTrial> trials) =>
        trials.OrderBy(t => t.LogLoss).ThenBy(t => t.Iterations).ThenByDescending(t => t.MinLeaf).First();

    private List<ShapedTrial> GamTrials(IReadOnlyList<(IReadOnlyList<ReplayQuery> Train, IReadOnlyList<ReplayQuery> Validate)> folds,
        out Dictionary<(int, int), ITransformer[]> foldModels)
    {
        var trials = new List<ShapedTrial>();
        foldModels = [];
        foreach (var minLeaf in options.MinLeaves)
        {
            foreach (var iterations in options.Iterations)
            {
                var fits = folds.Select(f => HeldOut(f.Train, f.Validate, iterations, minLeaf)).ToArray();
                var loss = fits.Average(f => f.LogLoss);
                trials.Add(new ShapedTrial(iterations, minLeaf, loss));
                foldModels[(iterations, minLeaf)] = fits.Select(f => f.Model).ToArray();
                progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"learn shaped: GAM with {iterations} rounds, leaves of at least {minLeaf}: log-loss {loss:F4} bits"));
            }
        }
        return trials;
    }

    /// <summary>The names of the two families.</summary>
    public const string Gam = "gam", Spline = "spline";

    /// <summary>The standard error of the mean of the paired differences (0 when there are none, as for the GAM's folds).</summary>
    private static double StandardError(double[] a, double[] b)
    {
        if (a.Length != b.Length || a.Length < 2) return 0;
        var d = a.Zip(b, (x, y) => x - y).ToArray();
        var mean = d.Average();
        return Math.Sqrt(d.Sum(v => (v - mean) * (v - mean)) / (d.Length - 1) / d.Length);
    }

    /// <summary>Each validation match's log-loss (bits) under the splines fitted on the others.</summary>
    private IEnumerable<double> SplineHeldOutPerMatch(IReadOnlyList<ReplayQuery> fit, IReadOnlyList<ReplayQuery> validate, double lambda)
    {
        var rows = fit.Select(q => Row(q.Inputs[q.Matched])).ToList();
        var model = PenalizedSplineFit.Fit(rows, fit.Select(q => q.Completed).ToList(), KnotArrays(KnotsOf(rows)), DiscreteColumns, lambda);
        return validate.Select(q => model.LogLoss([Row(q.Inputs[q.Matched])], [q.Completed])).ToList();
    }

    private double SplineHeldOut(IReadOnlyList<ReplayQuery> fit, IReadOnlyList<ReplayQuery> validate, double lambda)
    {
        var rows = fit.Select(q => Row(q.Inputs[q.Matched])).ToList();
        var model = PenalizedSplineFit.Fit(rows, fit.Select(q => q.Completed).ToList(), KnotArrays(KnotsOf(rows)), DiscreteColumns, lambda);
        return model.LogLoss(validate.Select(q => Row(q.Inputs[q.Matched])).ToList(), validate.Select(q => q.Completed).ToList());
    }

    private bool[] DiscreteColumns => _columns.Select(c => Discrete.Contains(c.Feature)).ToArray();

    private double[]?[] KnotArrays(Dictionary<int, (double[] X, int[] Samples)> knots) =>
        Enumerable.Range(0, _columns.Length).Select(j => knots.TryGetValue(j, out var k) ? k.X : null).ToArray();

    /// <summary>Each column's knots (quantiles of its applicable values, or every value of a discrete one) and the rows nearest each.</summary>
    private Dictionary<int, (double[] X, int[] Samples)> KnotsOf(IReadOnlyList<float[]> rows)
    {
        var knots = new Dictionary<int, (double[] X, int[] Samples)>();
        for (var j = 0; j < _columns.Length; j++)
        {
            var values = rows.Select(r => (double)r[j]).Where(v => v != NotApplicable).Order().ToArray();
            if (values.Length == 0) continue;
            var x = KnotPositions(values, Discrete.Contains(_columns[j].Feature));
            if (x.Length < 2) continue;
            var samples = new int[x.Length];
            foreach (var v in values) samples[Nearest(x, v)]++;
            knots[j] = (x, samples);
        }
        return knots;
    }

    private (double LogLoss, ITransformer Model) HeldOut(IReadOnlyList<ReplayQuery> fit, IReadOnlyList<ReplayQuery> validate, int iterations, int minLeaf)
    {
        var ml = new MLContext(options.Seed);
        var model = ml.BinaryClassification.Trainers.Gam(TrainerOptions(iterations, minLeaf)).Fit(Rows(ml, fit));
        return (ml.BinaryClassification.Evaluate(model.Transform(Rows(ml, validate)), labelColumnName: nameof(PairRow.Completed)).LogLoss, model);
    }

    private static double BaseRateLogLoss(IReadOnlyList<ReplayQuery> fit, IReadOnlyList<ReplayQuery> validate)
    {
        var p = Math.Clamp(fit.Count(q => q.Completed) / (double)fit.Count, 1e-6, 1 - 1e-6);
        return validate.Average(q => -Math.Log2(q.Completed ? p : 1 - p));
    }

    /// <summary>The GAM fitted on every labelled match.</summary>
    internal ITransformer Fit(MLContext ml, IReadOnlyList<ReplayQuery> labelled, int iterations, int minLeaf) =>
        ml.BinaryClassification.Trainers.Gam(TrainerOptions(iterations, minLeaf)).Fit(Rows(ml, labelled));

    private GamBinaryTrainer.Options TrainerOptions(int iterations, int minLeaf) => new()
    {
        LabelColumnName = nameof(PairRow.Completed),
        FeatureColumnName = nameof(PairRow.Features),
        NumberOfIterations = iterations,
        LearningRate = options.LearningRate,
        MaximumBinCountPerFeature = options.MaxBins,
        MinimumExampleCountPerLeaf = minLeaf,
        NumberOfThreads = 1,
        Seed = options.Seed,
    };

    private IDataView Rows(MLContext ml, IReadOnlyList<ReplayQuery> queries) =>
        MlRows.Load(ml, queries.Select(q => new PairRow { Completed = q.Completed, Label = q.Completed ? 1 : 0, Features = Row(q.Inputs[q.Matched]) }).ToList(),
            _columns.Length);

    /// <summary>
    /// The GAM's effect of each column at each asked x, read from its own raw scores: the model is additive, so changing one
    /// column of a fixed row changes the score by exactly that column's effect (up to a constant per column, which no
    /// ranking sees). This leans on no internal of the GAM's layout (it drops the columns it finds no split in).
    /// </summary>
    private Dictionary<(int Column, double X), double> Effects(ITransformer model, MLContext ml, float[] baseline, IEnumerable<(int Column, double X)> asked)
    {
        var keys = asked.Distinct().ToList();
        var rows = new List<PairRow> { new() { Features = baseline } };
        foreach (var (j, x) in keys)
        {
            var f = (float[])baseline.Clone();
            f[j] = (float)x;
            rows.Add(new PairRow { Features = f });
        }
        var scores = ml.Data.CreateEnumerable<ScoreRow>(model.Transform(MlRows.Load(ml, rows, _columns.Length)), reuseRowObject: false)
            .Select(r => (double)r.Score).ToList();
        var result = new Dictionary<(int, double), double>();
        for (var i = 0; i < keys.Count; i++) result[keys[i]] = scores[i + 1] - scores[0];
        return result;
    }

    private sealed class ScoreRow
    {
        public float Score { get; set; }
    }

    /// <summary>Reads the GAM into knots, projects each curve, and scales every criterion into a weight and [0, 1] shapes.</summary>
    internal (WeightProfile Profile, IReadOnlyList<ShapeCurve> Curves) ToProfile(IReadOnlyList<float[]> rows,
        Func<Dictionary<int, (double[] X, int[] Samples)>, Func<int, double, double>> effectsAt, string name, string description)
    {
        var knots = KnotsOf(rows);
        var Effect = effectsAt(knots);
        var raw = new List<(int Column, double[] X, double[] Effect, double[] Projected, int[] Samples)>();
        foreach (var (j, (x, samples)) in knots)
        {
            var effect = x.Select(v => Effect(j, v)).ToArray();
            raw.Add((j, x, effect, Unimodal(effect, samples.Select(s => (double)Math.Max(1, s)).ToArray()), samples));
        }

        // A criterion's curves (language has two, one per kind group) share one scale: the column that does not apply to a
        // pair still adds its constant, so each curve is shifted by the other's not-applicable effect before scaling.
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        var shapes = new Dictionary<string, ShapeDocument>(StringComparer.Ordinal);
        var curves = new List<ShapeCurve>();
        foreach (var group in raw.GroupBy(r => _columns[r.Column].Criterion))
        {
            var criterion = group.Key;
            var members = group.ToList();
            var shifted = members.Select(m =>
            {
                var others = members.Where(o => o.Column != m.Column).Sum(o => Effect(o.Column, NotApplicable));
                return (m, Projected: m.Projected.Select(v => v + others).ToArray(), Effect: m.Effect.Select(v => v + others).ToArray());
            }).ToList();
            var low = criterion == Criterion.BridgingLanguage
                ? Effect(members[0].Column, NotApplicable) // without a shared language the engine scores 0
                : shifted.Min(s => s.Projected.Min());
            var high = shifted.Max(s => s.Projected.Max());
            var range = high - low;
            weights[Criteria.Name(criterion)] = Math.Max(0, range);
            if (range <= 1e-9) continue;
            foreach (var (m, projected, effect) in shifted)
            {
                var (slot, _, feature, _) = _columns[m.Column];
                var y = projected.Select(v => Math.Clamp((v - low) / range, 0, 1)).ToArray();
                shapes[slot] = new ShapeDocument { Feature = WireNames.Of(feature), Knots = m.X.Zip(y, (a, b) => new[] { a, b }).ToList() };
                curves.Add(new ShapeCurve(slot, feature, m.X, effect.Select(v => (v - low) / range).ToArray(), y, range, m.Samples));
            }
        }
        if (weights.Values.Sum() <= 0) weights = Criteria.All.ToDictionary(Criteria.Name, _ => 1.0);
        var document = new WeightProfileDocument
        {
            Name = name,
            Description = description,
            Weights = weights,
            // The curves price a level below the minimum; the candidate sets allow one.
            LevelTolerance = ReplayBuilder.CandidateLevelTolerance,
            Shapes = shapes,
        };
        var profile = WeightProfile.Create(document, out var errors) ?? throw new InvalidOperationException("The learned shapes do not validate: " + errors);
        return (profile, curves.Select(c => c with { Weight = profile.Weight(_columns.First(k => k.Slot == c.Slot).Criterion) }).ToList());
    }

    /// <summary>Every value of a discrete feature (at most 16, the commonest range), or quantiles of a continuous one.</summary>
    private double[] KnotPositions(double[] sorted, bool discrete)
    {
        if (discrete)
        {
            var distinct = sorted.Distinct().ToArray();
            return distinct.Length <= Shapes.MaxKnots ? distinct : distinct[..Shapes.MaxKnots];
        }
        var k = Math.Min(options.Knots, Shapes.MaxKnots);
        var points = Enumerable.Range(0, k).Select(i => sorted[(int)Math.Round(i * (sorted.Length - 1) / (double)(k - 1))])
            .Select(v => Math.Round(v, 3)).Distinct().ToArray();
        return points;
    }

    private static int Nearest(double[] x, double v)
    {
        var best = 0;
        for (var i = 1; i < x.Length; i++) if (Math.Abs(x[i] - v) < Math.Abs(x[best] - v)) best = i;
        return best;
    }

    /// <summary>
    /// The weighted least-squares unimodal curve (rising, then falling; monotone as a special case): for every peak
    /// position, pool-adjacent-violators rising before it and falling after it; the best fit wins.
    /// </summary>
    internal static double[] Unimodal(double[] y, double[] w)
    {
        double[]? best = null;
        var bestLoss = double.PositiveInfinity;
        for (var p = 0; p <= y.Length; p++)
        {
            var left = Isotonic(y[..p], w[..p], rising: true);
            var right = Isotonic(y[p..], w[p..], rising: false);
            var fit = left.Concat(right).ToArray();
            var loss = 0.0;
            for (var i = 0; i < y.Length; i++) loss += w[i] * (fit[i] - y[i]) * (fit[i] - y[i]);
            if (loss < bestLoss - 1e-15)
            {
                bestLoss = loss;
                best = fit;
            }
        }
        return best!;
    }

    /// <summary>Pool-adjacent-violators: the weighted least-squares non-decreasing (or non-increasing) fit.</summary>
    internal static double[] Isotonic(double[] y, double[] w, bool rising)
    {
        var values = new List<double>();
        var weights = new List<double>();
        var counts = new List<int>();
        for (var i = 0; i < y.Length; i++)
        {
            values.Add(rising ? y[i] : -y[i]);
            weights.Add(w[i]);
            counts.Add(1);
            while (values.Count > 1 && values[^2] > values[^1])
            {
                var wsum = weights[^2] + weights[^1];
                var v = (values[^2] * weights[^2] + values[^1] * weights[^1]) / wsum;
                var n = counts[^2] + counts[^1];
                values.RemoveAt(values.Count - 1); weights.RemoveAt(weights.Count - 1); counts.RemoveAt(counts.Count - 1);
                values[^1] = v; weights[^1] = wsum; counts[^1] = n;
            }
        }
        var result = new double[y.Length];
        var at = 0;
        for (var b = 0; b < values.Count; b++) for (var c = 0; c < counts[b]; c++) result[at++] = rising ? values[b] : -values[b];
        return result;
    }
}
