using System.Runtime.CompilerServices;

namespace Matching.Ranking;

/// <summary>
/// Axis-aligned boxes around groups of unit vectors (a block of the newcomer index, a cell of the gap report), seven
/// doubles a box in one flat array: min x, max x, min y, max y, min z, max z, and the largest travel-limit chord² of the
/// group's newcomers (left at −∞ for groups of offers). The gaps are lower bounds of the chord² to any member, computed
/// with the same operand order as <see cref="Model.GeoPoint.ChordSquared"/>, so that (floating-point subtraction,
/// squares and sums being monotone) they never exceed the chord² of a member.
/// </summary>
internal static class ChordBoxes
{
    /// <summary>Doubles per box.</summary>
    public const int Fields = 7;

    /// <summary><paramref name="count"/> empty boxes.</summary>
    public static double[] Create(int count)
    {
        var box = new double[Fields * count];
        Empty(box, 0);
        return box;
    }

    /// <summary>Empties the boxes from <paramref name="first"/> on: nothing is inside, nothing is reached.</summary>
    public static void Empty(double[] box, int first)
    {
        for (var b = first * Fields; b < box.Length; b += Fields)
        {
            box[b] = box[b + 2] = box[b + 4] = double.PositiveInfinity;
            box[b + 1] = box[b + 3] = box[b + 5] = box[b + 6] = double.NegativeInfinity;
        }
    }

    /// <summary>Grows box <paramref name="c"/> to hold the point.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Include(double[] box, int c, double x, double y, double z)
    {
        var b = Fields * c;
        box[b] = Math.Min(box[b], x);
        box[b + 1] = Math.Max(box[b + 1], x);
        box[b + 2] = Math.Min(box[b + 2], y);
        box[b + 3] = Math.Max(box[b + 3], y);
        box[b + 4] = Math.Min(box[b + 4], z);
        box[b + 5] = Math.Max(box[b + 5], z);
    }

    /// <summary>Raises box <paramref name="c"/>'s largest travel-limit chord² to at least <paramref name="chordSquared"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void IncludeLimit(double[] box, int c, double chordSquared) =>
        box[Fields * c + 6] = Math.Max(box[Fields * c + 6], chordSquared);

    /// <summary>The largest travel-limit chord² of box <paramref name="c"/>'s newcomers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Limit(double[] box, int c) => box[Fields * c + 6];

    /// <summary>A lower bound of the chord² from a point to any point in box <paramref name="c"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double GapSquared(double[] box, int c, double x, double y, double z)
    {
        var b = Fields * c;
        var dx = x < box[b] ? box[b] - x : x > box[b + 1] ? box[b + 1] - x : 0;
        var dy = y < box[b + 2] ? box[b + 2] - y : y > box[b + 3] ? box[b + 3] - y : 0;
        var dz = z < box[b + 4] ? box[b + 4] - z : z > box[b + 5] ? box[b + 5] - z : 0;
        return dx * dx + dy * dy + dz * dz;
    }

    /// <summary>A lower bound of the chord² between any point of one box and any point of another.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // for every pair of cells in the gap report, from its first call
    public static double GapSquared(double[] a, int ca, double[] b, int cb)
    {
        double sum = 0;
        for (var axis = 0; axis < 3; axis++)
        {
            var (aMin, aMax) = (a[Fields * ca + 2 * axis], a[Fields * ca + 2 * axis + 1]);
            var (bMin, bMax) = (b[Fields * cb + 2 * axis], b[Fields * cb + 2 * axis + 1]);
            var gap = aMin > bMax ? aMin - bMax : bMin > aMax ? bMin - aMax : 0;
            sum += gap * gap;
        }
        return sum;
    }
}
