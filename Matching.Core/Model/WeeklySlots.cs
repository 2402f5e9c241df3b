using System.Runtime.CompilerServices;

namespace Matching.Model;

/// <summary>One weekly time slot: a day and a half-open minute range [From, To) within it.</summary>
/// <remarks>From and To are minutes after midnight, 0 ≤ From &lt; To ≤ 1440 (24:00 closes a day).</remarks>
public readonly record struct TimeSlot
{
    /// <summary>Minutes in a day.</summary>
    public const int MinutesPerDay = 24 * MinutesPerHour;
    /// <summary>Minutes in an hour.</summary>
    public const int MinutesPerHour = 60;
    /// <summary>Days in a week.</summary>
    public const int DaysPerWeek = 7;

    // The contract's day codes, Monday first (as DayIndex counts).
    private static readonly string[] DayCodes = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    /// <summary>Creates a slot, validating the range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">From is not before To, or either is outside the day.</exception>
    public TimeSlot(DayOfWeek day, int fromMinute, int toMinute)
    {
        if (!Enum.IsDefined(day)) throw new ArgumentOutOfRangeException(nameof(day));
        if (fromMinute < 0 || fromMinute >= MinutesPerDay) throw new ArgumentOutOfRangeException(nameof(fromMinute), fromMinute, "From must be in 00:00..23:59.");
        if (toMinute <= fromMinute || toMinute > MinutesPerDay) throw new ArgumentOutOfRangeException(nameof(toMinute), toMinute, "To must be after From and at most 24:00.");
        Day = day;
        FromMinute = fromMinute;
        ToMinute = toMinute;
    }

    /// <summary>The day of the week.</summary>
    public DayOfWeek Day { get; }
    /// <summary>Start, minutes after midnight.</summary>
    public int FromMinute { get; }
    /// <summary>End (exclusive), minutes after midnight.</summary>
    public int ToMinute { get; }

    /// <summary>Minutes since Monday 00:00 at which the slot starts.</summary>
    public int WeekStart => DayIndex(Day) * MinutesPerDay + FromMinute;
    /// <summary>Minutes since Monday 00:00 at which the slot ends.</summary>
    public int WeekEnd => DayIndex(Day) * MinutesPerDay + ToMinute;

    /// <summary>0 for Monday … 6 for Sunday.</summary>
    public static int DayIndex(DayOfWeek day) => ((int)day + DaysPerWeek - 1) % DaysPerWeek;

    /// <summary>The day for 0 = Monday … 6 = Sunday.</summary>
    public static DayOfWeek DayFromIndex(int index) => (DayOfWeek)((index + 1) % DaysPerWeek);

    /// <summary>Formats minutes after midnight as HH:mm.</summary>
    public static string FormatMinute(int minute) =>
        (uint)minute < (uint)MinuteTexts.Length ? MinuteTexts[minute] : $"{minute / MinutesPerHour:00}:{minute % MinutesPerHour:00}";

    // 00:00 … 24:00, made once: reasons name common times in every answer.
    private static readonly string[] MinuteTexts =
        Enumerable.Range(0, MinutesPerDay + 1).Select(m => $"{m / MinutesPerHour:00}:{m % MinutesPerHour:00}").ToArray();

    /// <summary>Parses HH:mm (00:00..24:00) into minutes after midnight.</summary>
    public static bool TryParseMinute(string? text, out int minute)
    {
        minute = 0;
        if (text is null || text.Length != 5 || text[2] != ':') return false;
        if (!char.IsAsciiDigit(text[0]) || !char.IsAsciiDigit(text[1]) || !char.IsAsciiDigit(text[3]) || !char.IsAsciiDigit(text[4])) return false;
        var h = (text[0] - '0') * 10 + (text[1] - '0');
        var m = (text[3] - '0') * 10 + (text[4] - '0');
        if (m > 59 || h > 24 || (h == 24 && m != 0)) return false;
        minute = h * MinutesPerHour + m;
        return true;
    }

    /// <summary>The contract's code of a day: "mon" … "sun".</summary>
    public static string DayCode(DayOfWeek day) => DayCodes[DayIndex(day)];

    /// <summary>The slot as the contract writes it: "tue 18:00-21:00".</summary>
    public override string ToString() => $"{DayCode(Day)} {FormatMinute(FromMinute)}-{FormatMinute(ToMinute)}";
}

/// <summary>
/// A weekly pattern of time: a normalised (sorted, merged) list of half-open minute-of-week intervals,
/// Monday 00:00 = 0 up to Sunday 24:00 = 10080.
/// </summary>
/// <remarks>Immutable. Overlapping or touching slots given to <see cref="Create"/> are merged.</remarks>
public sealed class WeeklySlots
{
    /// <summary>Minutes in a week.</summary>
    public const int MinutesPerWeek = TimeSlot.DaysPerWeek * TimeSlot.MinutesPerDay;

    private readonly int[] _bounds; // start0, end0, start1, end1, … sorted and disjoint

    private WeeklySlots(int[] bounds, IReadOnlyList<TimeSlot> slots)
    {
        _bounds = bounds;
        Slots = slots;
    }

    /// <summary>The empty pattern.</summary>
    public static WeeklySlots Empty { get; } = new([], []);

    /// <summary>The slots as given.</summary>
    public IReadOnlyList<TimeSlot> Slots { get; }

    /// <summary>The merged intervals as start, end pairs in minutes of the week.</summary>
    public ReadOnlySpan<int> Bounds => _bounds;

    /// <summary>Total minutes per week.</summary>
    public int TotalMinutes
    {
        get
        {
            var total = 0;
            for (var i = 0; i < _bounds.Length; i += 2) total += _bounds[i + 1] - _bounds[i];
            return total;
        }
    }

    /// <summary>Creates the pattern from slots, merging overlaps.</summary>
    public static WeeklySlots Create(IEnumerable<TimeSlot> slots)
    {
        var list = slots.ToList();
        if (list.Count == 0) return Empty;
        var ordered = list.Select(s => (s.WeekStart, s.WeekEnd)).OrderBy(p => p.WeekStart).ToList();
        var bounds = new List<int>(ordered.Count * 2);
        var (curStart, curEnd) = ordered[0];
        foreach (var (s, e) in ordered.Skip(1))
        {
            if (s <= curEnd)
            {
                curEnd = Math.Max(curEnd, e);
                continue;
            }
            bounds.Add(curStart);
            bounds.Add(curEnd);
            (curStart, curEnd) = (s, e);
        }
        bounds.Add(curStart);
        bounds.Add(curEnd);
        return new WeeklySlots([.. bounds], list.AsReadOnly());
    }

    /// <summary>Minutes per week that two merged interval lists have in common (a linear merge).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int OverlapMinutes(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int i = 0, j = 0, total = 0;
        while (i < a.Length && j < b.Length)
        {
            var start = Math.Max(a[i], b[j]);
            var end = Math.Min(a[i + 1], b[j + 1]);
            if (end > start) total += end - start;
            if (a[i + 1] < b[j + 1]) i += 2; else j += 2;
        }
        return total;
    }

    /// <summary>The common intervals of two merged interval lists, as start, end pairs.</summary>
    public static List<(int Start, int End)> Intersect(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        var result = new List<(int, int)>();
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            var start = Math.Max(a[i], b[j]);
            var end = Math.Min(a[i + 1], b[j + 1]);
            if (end > start) result.Add((start, end));
            if (a[i + 1] < b[j + 1]) i += 2; else j += 2;
        }
        return result;
    }

    /// <summary>The hours of the week (0..167) that the pattern touches, as a 168-bit set in three words.</summary>
    internal (ulong W0, ulong W1, ulong W2) HourMask()
    {
        Span<ulong> words = stackalloc ulong[3];
        for (var i = 0; i < _bounds.Length; i += 2)
        {
            var firstHour = _bounds[i] / TimeSlot.MinutesPerHour;
            var lastHour = (_bounds[i + 1] - 1) / TimeSlot.MinutesPerHour;
            for (var h = firstHour; h <= lastHour; h++) words[h >> Bits256.WordShift] |= 1UL << (h & Bits256.BitInWord);
        }
        return (words[0], words[1], words[2]);
    }

    /// <summary>
    /// The half-hours of the week the pattern touches (cell h holds minutes [30h, 30h + 30)); <paramref name="onGrid"/>
    /// says whether every bound lies on a half hour, in which case the pattern is exactly its cells.
    /// </summary>
    internal HalfHours HalfHourMask(out bool onGrid)
    {
        Span<ulong> words = stackalloc ulong[HalfHours.Words];
        onGrid = true;
        for (var i = 0; i < _bounds.Length; i += 2)
        {
            onGrid &= _bounds[i] % HalfHours.CellMinutes == 0 && _bounds[i + 1] % HalfHours.CellMinutes == 0;
            var last = (_bounds[i + 1] - 1) / HalfHours.CellMinutes;
            for (var h = _bounds[i] / HalfHours.CellMinutes; h <= last; h++) words[h >> Bits256.WordShift] |= 1UL << (h & Bits256.BitInWord);
        }
        return new HalfHours(words[0], words[1], words[2], words[3], words[4], words[5]);
    }
}

/// <summary>
/// The 336 half-hours of a week as a bitset (cell h holds minutes [30h, 30h + 30) after Monday 00:00): the cells a
/// pattern touches. When both patterns lie on the half-hour grid, 30 × <see cref="Common"/> is exactly their
/// <see cref="WeeklySlots.OverlapMinutes"/> (each is the union of its cells, so their intersection is the union of the
/// common cells); otherwise it is an upper bound of it (every common minute lies in a cell both touch).
/// </summary>
internal readonly record struct HalfHours(ulong W0, ulong W1, ulong W2, ulong W3, ulong W4, ulong W5)
{
    /// <summary>Minutes in a cell.</summary>
    public const int CellMinutes = 30;
    /// <summary>Words of the bitset (336 cells in six 64-bit words).</summary>
    public const int Words = 6;

    /// <summary>Cells both touch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Common(in HalfHours a, in HalfHours b) =>
        System.Numerics.BitOperations.PopCount(a.W0 & b.W0) + System.Numerics.BitOperations.PopCount(a.W1 & b.W1)
        + System.Numerics.BitOperations.PopCount(a.W2 & b.W2) + System.Numerics.BitOperations.PopCount(a.W3 & b.W3)
        + System.Numerics.BitOperations.PopCount(a.W4 & b.W4) + System.Numerics.BitOperations.PopCount(a.W5 & b.W5);
}
