using Matching.Harness.Replay;
using Matching.Scoring;

namespace Matching.Harness.Tuning;

/// <summary>What the tuner searches: weights, the level tolerance and the distance decay's offset and scale.</summary>
/// <param name="Weights">Non-negative weights in criterion order (normalised when made into a profile).</param>
/// <param name="LevelTolerance">0 or 1.</param>
/// <param name="OffsetKm">Distance that still scores 1, 0..10 km.</param>
/// <param name="ScaleKm">Distance past the offset where the score halves, 1..80 km.</param>
internal sealed record ProfileParameters(double[] Weights, int LevelTolerance, double OffsetKm, double ScaleKm)
{
    /// <summary>The lowest and highest offset searched.</summary>
    public const double MinOffset = 0, MaxOffset = 10;
    /// <summary>The lowest and highest scale searched.</summary>
    public const double MinScale = 1, MaxScale = 80;

    /// <summary>The parameters of a profile (its decay is kept at 0.5 here; offset and scale carry the shape).</summary>
    public static ProfileParameters Of(WeightProfile p) =>
        new(Criteria.All.Select(p.Weight).ToArray(), Math.Min(1, p.LevelTolerance), p.DistanceOffsetKm, p.DistanceScaleKm);

    /// <summary>A valid profile with these parameters (decay 0.5, horizon 182 days).</summary>
    public WeightProfile ToProfile(string name, string? description = null)
    {
        var document = new WeightProfileDocument
        {
            Name = name,
            Version = 1,
            Description = description,
            Weights = Criteria.All.ToDictionary(Criteria.Name, c => Math.Round(Weights[(int)c] / Weights.Sum(), 4)),
            LevelTolerance = LevelTolerance,
            Distance = new DistanceDecayDocument { OffsetKm = Math.Round(OffsetKm, 2), ScaleKm = Math.Round(ScaleKm, 2), Decay = 0.5 },
            HorizonDays = 182,
        };
        return WeightProfile.Create(document, out var errors) ?? throw new InvalidOperationException(errors.ToString());
    }
}

/// <summary>How the tuner searches.</summary>
internal sealed record TunerOptions
{
    /// <summary>Seed of the search and of the folds.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>What to maximise.</summary>
    public ObjectiveKind Objective { get; init; } = ObjectiveKind.Outcomes;
    /// <summary>Random profiles drawn per search (the default profile is always the first).</summary>
    public int Samples { get; init; } = 400;
    /// <summary>Coordinate moves of the local refinement per search.</summary>
    public int RefineSteps { get; init; } = 300;
    /// <summary>Folds of the cross-validation by newcomer (2..20).</summary>
    public int Folds { get; init; } = 5;
    /// <summary>
    /// Newcomers at most per search for the oracle objective (a deterministic subsample; every one for the outcome
    /// objective, which scores one pair per newcomer); 0 for all.
    /// </summary>
    public int MaxQueries { get; init; } = 3000;
}

/// <summary>The tuner's answer.</summary>
/// <param name="Best">The best parameters on all the training newcomers.</param>
/// <param name="TrainObjective">Their objective on those newcomers.</param>
/// <param name="DefaultObjective">The default profile's objective on the same newcomers.</param>
/// <param name="FoldObjectives">Per fold: the objective on the held-out fold of the parameters searched on the other folds.</param>
/// <param name="FoldDefaultObjectives">Per fold: the default profile's objective on the same held-out fold.</param>
/// <param name="Evaluations">Profiles evaluated in all.</param>
internal sealed record TuningResult(
    ProfileParameters Best, double TrainObjective, double DefaultObjective,
    IReadOnlyList<double> FoldObjectives, IReadOnlyList<double> FoldDefaultObjectives, int Evaluations);

/// <summary>
/// Searches weight profiles: random profiles (weights uniform on the simplex, tolerance 0 or 1, offset uniform, scale
/// log-uniform), then a local refinement of the best (one coordinate at a time, multiplicative steps that halve when a
/// round finds nothing better). Cross-validated by newcomer: each fold's search never sees the fold it is scored on.
/// </summary>
/// <remarks>Deterministic for a seed; not thread-safe (one instance per run).</remarks>
internal sealed class WeightTuner(TunerOptions options, Action<string>? progress = null)
{
    private int _evaluations;

    /// <summary>Runs the cross-validation, then the search on every training newcomer.</summary>
    public TuningResult Tune(IReadOnlyList<ReplayQuery> train)
    {
        if (options.Folds is < 2 or > 20) throw new ArgumentOutOfRangeException(nameof(options), "Folds must be 2..20.");
        var folds = Splits.Folds(train, options.Folds, options.Seed);
        var foldObjectives = new List<double>();
        var foldDefaults = new List<double>();
        var defaults = ProfileParameters.Of(WeightProfile.Default);
        for (var f = 0; f < folds.Count; f++)
        {
            var (fit, validate) = folds[f];
            var (best, _) = Search(new TuningObjective(options.Objective, Subsample(fit, f + 1)), $"fold {f + 1}/{folds.Count}", options.Seed + f + 1);
            var held = new TuningObjective(options.Objective, validate);
            foldObjectives.Add(held.Value(best.ToProfile("fold")));
            foldDefaults.Add(held.Value(WeightProfile.Default));
        }
        var objective = new TuningObjective(options.Objective, Subsample(train, 0));
        var (final, value) = Search(objective, "all training newcomers", options.Seed);
        return new TuningResult(final, value, objective.Value(WeightProfile.Default), foldObjectives, foldDefaults, _evaluations);
    }

    /// <summary>One search on every training newcomer (subsampled as the options say), without the cross-validation.</summary>
    public (ProfileParameters Best, double Value) SearchAll(IReadOnlyList<ReplayQuery> train) =>
        Search(new TuningObjective(options.Objective, Subsample(train, 0)), "all training newcomers", options.Seed);

    /// <summary>One search over one objective: random profiles, then local refinement of the best.</summary>
    internal (ProfileParameters Best, double Value) Search(TuningObjective objective, string label, int seed)
    {
        var rng = new Random(seed);
        var best = ProfileParameters.Of(WeightProfile.Default);
        var bestValue = Evaluate(objective, best);
        for (var i = 1; i < options.Samples; i++)
        {
            var candidate = Draw(rng);
            var value = Evaluate(objective, candidate);
            if (value > bestValue) (best, bestValue) = (candidate, value);
            if ((i + 1) % 100 == 0) progress?.Invoke($"tune {label}: random {i + 1}/{options.Samples}, best {bestValue:F4}");
        }
        var step = 0.5;
        var sinceImprovement = 0;
        const int coordinates = Criteria.Count + 3;
        for (var s = 0; s < options.RefineSteps && step > 0.005; s++)
        {
            var candidate = Move(best, rng.Next(coordinates), rng.Next(2) == 0 ? -step : step);
            var value = Evaluate(objective, candidate);
            if (value > bestValue)
            {
                (best, bestValue) = (candidate, value);
                sinceImprovement = 0;
            }
            else if (++sinceImprovement >= 2 * coordinates)
            {
                // A round of moves (each coordinate about twice) found nothing: look closer.
                step /= 2;
                sinceImprovement = 0;
            }
            if ((s + 1) % 100 == 0) progress?.Invoke($"tune {label}: refine {s + 1}/{options.RefineSteps}, best {bestValue:F4}");
        }
        return (best, bestValue);
    }

    private double Evaluate(TuningObjective objective, ProfileParameters p)
    {
        _evaluations++;
        var value = objective.Value(p.ToProfile("candidate"));
        return double.IsNaN(value) ? double.NegativeInfinity : value;
    }

    private static ProfileParameters Draw(Random rng)
    {
        // Exponential draws normalised: uniform on the simplex.
        var w = new double[Criteria.Count];
        for (var i = 0; i < w.Length; i++) w[i] = -Math.Log(1 - rng.NextDouble());
        var tolerance = rng.Next(2);
        var offset = ProfileParameters.MinOffset + rng.NextDouble() * (ProfileParameters.MaxOffset - ProfileParameters.MinOffset);
        var scale = Math.Exp(Math.Log(ProfileParameters.MinScale) + rng.NextDouble() * Math.Log(ProfileParameters.MaxScale / ProfileParameters.MinScale));
        return new ProfileParameters(w, tolerance, offset, scale);
    }

    /// <summary>One coordinate moved: a weight ×e^step (from a floor, so that a zero weight can grow), the tolerance flipped, offset ±step×4 km, scale ×e^step.</summary>
    private static ProfileParameters Move(ProfileParameters p, int coordinate, double step)
    {
        if (coordinate < Criteria.Count)
        {
            var w = (double[])p.Weights.Clone();
            var sum = w.Sum();
            w[coordinate] = Math.Max(w[coordinate], 0.01 * sum) * Math.Exp(step);
            return p with { Weights = w };
        }
        return (coordinate - Criteria.Count) switch
        {
            0 => p with { LevelTolerance = 1 - p.LevelTolerance },
            1 => p with { OffsetKm = Math.Clamp(p.OffsetKm + 4 * step, ProfileParameters.MinOffset, ProfileParameters.MaxOffset) },
            _ => p with { ScaleKm = Math.Clamp(p.ScaleKm * Math.Exp(step), ProfileParameters.MinScale, ProfileParameters.MaxScale) },
        };
    }

    private IReadOnlyList<ReplayQuery> Subsample(IReadOnlyList<ReplayQuery> queries, int salt)
    {
        if (options.Objective != ObjectiveKind.Oracle || options.MaxQueries <= 0 || queries.Count <= options.MaxQueries) return queries;
        var share = options.MaxQueries / (double)queries.Count;
        return Splits.TrainTest(queries, options.Seed * 7919 + salt, share).Test;
    }
}
