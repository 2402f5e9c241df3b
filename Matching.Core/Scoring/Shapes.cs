using Matching.Model;
using Matching.Validation;

namespace Matching.Scoring;

/// <summary>The raw feature a criterion's learned shape reads, instead of the criterion's fixed formula.</summary>
public enum ShapeFeature : byte
{
    /// <summary>Distance: great-circle km (0 for a remote offer); the travel limit has already excluded what lies beyond.</summary>
    Km = 0,
    /// <summary>Language: signed levels outside the offer's range (−1 one level below its minimum, 2 two above its maximum, 0 inside).</summary>
    LevelGap = 1,
    /// <summary>Language, for a taalstage only (other kinds keep the <see cref="LevelGap"/> shape or the formula): the same signed gap.</summary>
    LevelGapLanguageInternship = 2,
    /// <summary>Interests: the offer's interests the newcomer lists exactly (a count).</summary>
    ExactInterests = 3,
    /// <summary>Interests: the formula's interest fit in [0, 1] (exact plus half-credit partial, over the smaller list).</summary>
    InterestFit = 4,
    /// <summary>Availability: the ratio of the common time to what the hours need (1 = just enough), capped at <see cref="Shapes.MaxTimeRatio"/>.</summary>
    TimeRatio = 5,
    /// <summary>Bridging language: the newcomer's Dutch level (0 = A0 … 6 = C2) when a non-Dutch language is shared; the score is 0 without one.</summary>
    BridgingLevel = 6,
    /// <summary>Goals: the formula's goal fit in [0, 1].</summary>
    GoalFit = 7,
}

/// <summary>
/// A learned curve over one raw feature: piecewise linear between 2..<see cref="Shapes.MaxKnots"/> knots with increasing
/// x and y in [0, 1], flat beyond the ends. Monotone or unimodal (rises, then falls), so that it reads as a rule.
/// Immutable and thread-safe.
/// </summary>
public sealed class CriterionShape
{
    private readonly double[] _x;
    private readonly double[] _y;

    private CriterionShape(ShapeFeature feature, double[] x, double[] y)
    {
        Feature = feature;
        _x = x;
        _y = y;
    }

    /// <summary>The raw feature the curve is over.</summary>
    public ShapeFeature Feature { get; }

    /// <summary>The knots, x increasing.</summary>
    public IReadOnlyList<(double X, double Y)> Knots => _x.Zip(_y).ToList();

    /// <summary>
    /// The curve at <paramref name="x"/>: linear between the two knots around it, the end value beyond the ends. The
    /// index and the reference scorer both call this, so they agree to the bit; at most 16 knots fit two cache lines,
    /// and a linear walk over them costs less than the gauss's exp.
    /// </summary>
    public double Evaluate(double x)
    {
        var xs = _x;
        var ys = _y;
        if (!(x > xs[0])) return ys[0]; // NaN reads as the first knot
        var last = xs.Length - 1;
        if (x >= xs[last]) return ys[last];
        var i = 1;
        while (x > xs[i]) i++;
        var t = (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
        return ys[i - 1] + t * (ys[i] - ys[i - 1]);
    }

    /// <summary>Validates knots into a shape, rounded once to whole millionths so that a stored profile reads back identically.</summary>
    internal static CriterionShape? Create(ShapeFeature feature, IReadOnlyList<double[]>? knots, string field, ValidationErrors errors)
    {
        if (knots is null || knots.Count is < 2 or > Shapes.MaxKnots)
        {
            errors.Add($"{field}.knots", $"Required: 2 to {Shapes.MaxKnots} knots [x, y].");
            return null;
        }
        var x = new double[knots.Count];
        var y = new double[knots.Count];
        for (var i = 0; i < knots.Count; i++)
        {
            var k = knots[i];
            if (k is not { Length: 2 } || !double.IsFinite(k[0]) || !double.IsFinite(k[1]) || Math.Abs(k[0]) > Shapes.MaxAbsX)
            {
                errors.Add($"{field}.knots[{i}]", $"Must be [x, y] with finite x within ±{Shapes.MaxAbsX} and y in [0, 1].");
                return null;
            }
            x[i] = Math.Round(k[0], Shapes.Decimals);
            y[i] = Math.Round(k[1], Shapes.Decimals);
            if (y[i] is < 0 or > 1)
            {
                errors.Add($"{field}.knots[{i}]", "The score y must be in [0, 1].");
                return null;
            }
            if (i > 0 && x[i] <= x[i - 1])
            {
                errors.Add($"{field}.knots[{i}]", "The x of the knots must increase (by at least 0.000001).");
                return null;
            }
        }
        // Unimodal: never rising again after it has fallen (monotone curves are the special cases).
        var fallen = false;
        for (var i = 1; i < y.Length; i++)
        {
            if (y[i] < y[i - 1]) fallen = true;
            else if (y[i] > y[i - 1] && fallen)
            {
                errors.Add($"{field}.knots", "The curve must be monotone or unimodal: once it falls it may not rise again.");
                return null;
            }
        }
        return new CriterionShape(feature, x, y);
    }
}

/// <summary>What a pair offers the shapes: every raw feature of every criterion, computed once by the caller.</summary>
/// <param name="Km">Great-circle km.</param>
/// <param name="Remote">Whether the offer is remote.</param>
/// <param name="Level">The newcomer's Dutch level ordinal.</param>
/// <param name="LevelMin">The offer's minimum level ordinal.</param>
/// <param name="LevelMax">The offer's maximum level ordinal.</param>
/// <param name="Kind">The offer's kind.</param>
/// <param name="ExactInterests">Offer interests the newcomer lists exactly.</param>
/// <param name="InterestFit">The formula's interest fit.</param>
/// <param name="TimeRatio">Common time over what the hours need.</param>
/// <param name="SharedLanguage">Whether a non-Dutch language is shared.</param>
/// <param name="GoalFit">The formula's goal fit.</param>
internal readonly record struct PairInputs(double Km, bool Remote, int Level, int LevelMin, int LevelMax, OfferKind Kind,
    int ExactInterests, double InterestFit, double TimeRatio, bool SharedLanguage, double GoalFit)
{
    /// <summary>The value of one raw feature.</summary>
    public double Feature(ShapeFeature f) => f switch
    {
        ShapeFeature.Km => Remote ? 0 : Km,
        ShapeFeature.LevelGap or ShapeFeature.LevelGapLanguageInternship =>
            Level < LevelMin ? Level - LevelMin : Level > LevelMax ? Level - LevelMax : 0,
        ShapeFeature.ExactInterests => ExactInterests,
        ShapeFeature.InterestFit => InterestFit,
        ShapeFeature.TimeRatio => TimeRatio,
        ShapeFeature.BridgingLevel => Level,
        _ => GoalFit,
    };
}

/// <summary>
/// An interaction slot: a second curve of one criterion for part of the pairs, under its own name in a profile's
/// shapes. Where it applies it replaces the criterion's curve (or formula); elsewhere the criterion scores as without it.
/// The explanation names the criterion, as for its own curve.
/// </summary>
/// <param name="Name">The slot's name in a profile's <c>shapes</c>.</param>
/// <param name="Criterion">The criterion whose score it gives.</param>
/// <param name="Features">The raw features its curve may read.</param>
internal sealed record InteractionSlot(string Name, Criterion Criterion, ShapeFeature[] Features);

/// <summary>
/// The shapes of a profile, compiled for the scan: per criterion at most one shape, and at most one curve per
/// interaction slot (<see cref="Interactions"/>: a second curve of a criterion for part of the pairs, learned only where
/// it paid on held-out data). Applied after the formulas, only to survivors, and only when the profile has shapes, so a
/// profile without shapes scores exactly as before. Immutable and thread-safe.
/// </summary>
internal sealed class Shapes
{
    /// <summary>Most knots in a shape.</summary>
    public const int MaxKnots = 16;
    /// <summary>Decimals kept on knots when a profile is created.</summary>
    public const int Decimals = 6;
    /// <summary>Largest |x| of a knot.</summary>
    public const double MaxAbsX = 100_000;
    /// <summary>The time ratio's cap: past ten times the need, slack is slack (and an offer without hours reads as this).</summary>
    public const double MaxTimeRatio = 10;

    /// <summary>Newcomers at or below this Dutch level (A1) take the <see cref="DistanceBeginnerSlot"/> curve when there is one.</summary>
    public const int BeginnerMaxLevel = 1;

    /// <summary>The slot of the language curve for taalstages (other kinds keep the language slot's curve or the formula).</summary>
    public const string LanguageInternshipSlot = "languageInternship";
    /// <summary>The slot of the distance curve for newcomers at A0 or A1 (others keep the distance slot's curve or the formula).</summary>
    public const string DistanceBeginnerSlot = "distanceBeginner";
    /// <summary>The slot of the distance curve for an offer that shares at least one interest exactly (distance × shared interest).</summary>
    public const string DistanceSharedInterestSlot = "distanceSharedInterest";
    /// <summary>The slot of the availability curve for introductory internships (availability × kind).</summary>
    public const string AvailabilityInternshipSlot = "availabilityInternship";
    /// <summary>The slot of the goal-fit curve for introductory internships (goals × kind).</summary>
    public const string GoalsInternshipSlot = "goalsInternship";

    /// <summary>
    /// The interaction slots in order of precedence: where two of one criterion apply to a pair (a beginner and a shared
    /// interest), the first present one gives the score. <see cref="Applies"/> says to which pairs each belongs.
    /// </summary>
    public static readonly InteractionSlot[] Interactions =
    [
        new(LanguageInternshipSlot, Criterion.Language, [ShapeFeature.LevelGapLanguageInternship]),
        new(DistanceBeginnerSlot, Criterion.Distance, [ShapeFeature.Km]),
        new(DistanceSharedInterestSlot, Criterion.Distance, [ShapeFeature.Km]),
        new(AvailabilityInternshipSlot, Criterion.Availability, [ShapeFeature.TimeRatio]),
        new(GoalsInternshipSlot, Criterion.Goals, [ShapeFeature.GoalFit]),
    ];

    /// <summary>Whether interaction slot <paramref name="slot"/> (an index into <see cref="Interactions"/>) covers the pair.</summary>
    public static bool Applies(int slot, in PairInputs p) => slot switch
    {
        0 => p.Kind == OfferKind.LanguageInternship,
        1 => p.Level <= BeginnerMaxLevel,
        2 => p.ExactInterests >= 1,
        3 or 4 => p.Kind == OfferKind.IntroductoryInternship,
        _ => false,
    };

    /// <summary>The interaction slot of a name, or −1.</summary>
    public static int InteractionIndex(string name) => Array.FindIndex(Interactions, s => s.Name == name);

    private readonly CriterionShape?[] _byCriterion;
    private readonly CriterionShape?[] _interactions;
    // Per criterion the slots this profile has a curve for, in order of precedence: the scan looks at no other.
    private readonly int[][] _slotsOf;

    /// <summary>Compiles the shapes.</summary>
    /// <param name="byCriterion">Per criterion its curve or null.</param>
    /// <param name="interactions">Per interaction slot (as <see cref="Interactions"/>) its curve or null.</param>
    public Shapes(CriterionShape?[] byCriterion, CriterionShape?[] interactions)
    {
        _byCriterion = byCriterion;
        _interactions = interactions;
        _slotsOf = Enumerable.Range(0, byCriterion.Length)
            .Select(c => Enumerable.Range(0, interactions.Length).Where(k => interactions[k] is not null && (int)Interactions[k].Criterion == c).ToArray())
            .ToArray();
    }

    /// <summary>The features each criterion's shape may read.</summary>
    public static ShapeFeature[] FeaturesOf(Criterion c) => c switch
    {
        Criterion.Language => [ShapeFeature.LevelGap],
        Criterion.Interests => [ShapeFeature.ExactInterests, ShapeFeature.InterestFit],
        Criterion.Distance => [ShapeFeature.Km],
        Criterion.Availability => [ShapeFeature.TimeRatio],
        Criterion.BridgingLanguage => [ShapeFeature.BridgingLevel],
        _ => [ShapeFeature.GoalFit],
    };

    /// <summary>The shape of a criterion, or null where the formula scores.</summary>
    public CriterionShape? Of(Criterion c) => _byCriterion[(int)c];

    /// <summary>The curve of interaction slot <paramref name="slot"/>, or null.</summary>
    public CriterionShape? Interaction(int slot) => _interactions[slot];

    /// <summary>The curve that scores criterion <paramref name="c"/> for the pair: the first present interaction slot that covers it, else the criterion's own (null: the formula).</summary>
    public CriterionShape? For(int c, in PairInputs p)
    {
        foreach (var k in _slotsOf[c])
        {
            if (Applies(k, p)) return _interactions[k];
        }
        return _byCriterion[c];
    }

    /// <summary>Replaces the formula score of every shaped criterion by its curve over the pair's raw feature.</summary>
    public void Apply(Span<double> s, in PairInputs p)
    {
        for (var c = 0; c < _byCriterion.Length; c++)
        {
            var shape = For(c, p);
            if (shape is null) continue;
            s[c] = c == (int)Criterion.BridgingLanguage && !p.SharedLanguage ? 0 : shape.Evaluate(p.Feature(shape.Feature));
        }
    }

    /// <summary>The time ratio of <see cref="ShapeFeature.TimeRatio"/>: common minutes × days ÷ (hours × 60 × 7), capped.</summary>
    public static double TimeRatio(long overlapMinutesPerWeek, long days, int hours) =>
        hours <= 0 ? MaxTimeRatio : Math.Min(MaxTimeRatio, overlapMinutesPerWeek * (double)days / (hours * (double)TimeSlot.MinutesPerHour * TimeSlot.DaysPerWeek));
}
