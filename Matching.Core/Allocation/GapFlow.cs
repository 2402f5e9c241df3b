using System.Numerics;
using System.Runtime.CompilerServices;
using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;

namespace Matching.Allocation;

/// <summary>
/// The gap report's arithmetic at scale, over the feasible pairs (capacity ignored) without ever listing them:
/// <list type="bullet">
/// <item><see cref="FeasibleKinds"/>: per newcomer, the kinds of which at least one offer is feasible — an existence
/// query that stops at the first feasible offer of each kind, over the offers grouped in cells of about 5 km (within a
/// cell by kind and ascending minimum level) and visited nearest cell first, only cells within the newcomer's reach;</item>
/// <item><see cref="MaximumAllocation"/>: a maximum allocation of one kind's free places (the most newcomers placed),
/// found from the offers' side, where places are scarce: each offer walks the newcomers of the cells around it, nearest
/// first (within a cell by descending level, so the walk stops below the offer's minimum), for an unplaced feasible one
/// (a greedy start), then every offer with a free place left searches for an augmenting path (breadth first: offer → a
/// newcomer it could take, placed elsewhere → that newcomer's offer → … → an unplaced feasible newcomer).</item>
/// </list>
/// Both test a pair first on flat columns — level, the chord² against the travel limit, and an upper bound of the time
/// rule (60 minutes per hour of the week both touch) — and only then exactly
/// (<see cref="OfferIndex.FeasibleUnlocked(in PairNewcomer, int)"/>, the scan's hard constraints without the scores); the
/// columns only ever reject what the exact test rejects.
/// Why it is exact (the number placed equals the min-cost flow's over every feasible pair): an allocation is maximum
/// when no offer with a free place has an augmenting path (Berge's theorem, places as copies of the offer). Placed
/// newcomers stay placed on every augmentation, so an offer's walk never looks back: the newcomers it passed are
/// infeasible for it or placed for good, and a disjoint-set "next unplaced" pointer skips the placed ones. A search that
/// fails has visited a set of offers whose feasible newcomers are all placed with offers of the same set; no later
/// augmentation can enter it (it would need a free newcomer there), so they are never searched again.
/// The scores play no part: among the maximum allocations this is one, not the best-scoring one, so which of the
/// newcomers competing for the same places stay unplaced (and in which area they live) may differ from the min-cost
/// flow's choice; the number per kind, and per area where areas share no offer within reach, does not.
/// </summary>
/// <remarks>
/// Reads a <see cref="OfferIndex.Freeze"/>d copy of the offers; the kinds may be allocated in parallel (each keeps its
/// own state, the shared columns are only read). The hot loops run over flat arrays in cell order.
/// </remarks>
internal sealed partial class GapFlow
{
    // About 11 km north-south and 10.5 km east-west in Flanders: a city is a few cells, a newcomer's reach tens.
    private const double CellLatDegrees = 0.1;
    private const double CellLonDegrees = 0.15;

    private readonly OfferIndex _offers;
    private readonly int _count;

    // The newcomers in cell order: position p holds newcomer _order[p]; the columns the walks test first, by position,
    // and beside them everything the exact pair test reads.
    private readonly int[] _order;
    private readonly int[] _positionOf;
    private readonly int[] _cellStart; // first position of each cell, and the count at the end
    private readonly double[] _cellBox;
    private readonly int[] _level; // level with the profile's tolerance
    private readonly double[] _xyz;
    private readonly double[] _high; // chord² above which the offer is beyond the travel limit
    private readonly ulong[] _hours;
    private readonly int?[] _trajectoryEnd; // day number
    private readonly int[] _day; // the day number each newcomer is evaluated on: today, or a registered intake's start
    private readonly int _today;
    private readonly int _horizonDays;
    // The rest of what the exact pair test reads (see Pair): a PairNewcomer per newcomer was 56 MB at 500,000, most of it
    // copies of the columns above, and the report's allocations set off a background gen2 collection on the host.
    private readonly double[] _maxKm;
    private readonly double[] _low; // chord² below which the newcomer surely reaches the offer
    private readonly WeeklySlots[] _availability;
    private readonly int[] _age;
    private readonly byte[] _genderBit;
    private readonly Dictionary<(int, int), int> _cellIds;
    private readonly int[] _cellOf; // by position
    // How many cells north-south and east-west the farthest reach spans (with a cell of margin); −1 when so many that
    // an offer's walk simply tests every cell's box.
    private readonly int _reachLat;
    private readonly int _reachLon;
    // Per position and time bucket (see TimeBuckets), how many positions on the next one with an hour in that bucket is
    // (0: this one; capped at 255, "at least that many"): an offer's walk jumps over the newcomers without a common hour,
    // which at scale are most of those it meets.
    private readonly byte[] _skip;

    /// <summary>Prepares the newcomer side: cells, and the columns in cell order.</summary>
    /// <param name="frozen">The offers (a frozen copy).</param>
    /// <param name="newcomers">The waiting newcomers.</param>
    /// <param name="profile">The profile (its level tolerance and horizon are hard constraints).</param>
    /// <param name="today">The day the constraints are evaluated on.</param>
    // Fully optimised on the first call (as are the report's other loops over every newcomer or offer): the host's first
    // report would otherwise run them as unoptimised code, replaced only mid-loop.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public GapFlow(OfferIndex frozen, IReadOnlyList<Newcomer> newcomers, WeightProfile profile, DateOnly today)
    {
        _offers = frozen;
        var n = _count = newcomers.Count;
        // Positions by cell, and within a cell by descending level: an offer's walk stops at the first newcomer below
        // its minimum level.
        var keys = new long[n];
        var cells = _cellIds = [];
        double maxKm = 0, maxAbsLat = 0;
        for (var i = 0; i < n; i++)
        {
            var point = newcomers[i].Location.Point;
            maxKm = Math.Max(maxKm, newcomers[i].MaxTravelKm);
            maxAbsLat = Math.Max(maxAbsLat, Math.Abs(point.Lat));
            var key = CellKey(point);
            if (!cells.TryGetValue(key, out var c)) cells[key] = c = cells.Count;
            var level = Math.Clamp(newcomers[i].DutchLevel.Ordinal + profile.LevelTolerance, 0, byte.MaxValue);
            keys[i] = ((long)c << 40) | ((long)(byte.MaxValue - level) << 32) | (uint)i;
        }
        Array.Sort(keys);
        _cellStart = new int[cells.Count + 1];
        _order = new int[n];
        _positionOf = new int[n];
        for (var p = 0; p < n; p++)
        {
            var i = (int)(keys[p] & uint.MaxValue);
            _order[p] = i;
            _positionOf[i] = p;
            _cellStart[(int)(keys[p] >> 40) + 1]++;
        }
        for (var c = 0; c < cells.Count; c++) _cellStart[c + 1] += _cellStart[c];
        _cellOf = new int[n];
        for (var p = 0; p < n; p++) _cellOf[p] = (int)(keys[p] >> 40);
        // A degree of latitude is at least 110 km; of longitude 111 km × cos(latitude), at the highest latitude reached.
        var highestLat = maxAbsLat + maxKm / 110 + CellLatDegrees;
        _reachLat = (int)Math.Ceiling(maxKm / (110 * CellLatDegrees)) + 1;
        _reachLon = highestLat < 80 ? (int)Math.Ceiling(maxKm / (111 * Math.Cos(highestLat * Math.PI / 180) * CellLonDegrees)) + 1 : -1;
        if (_reachLon < 0 || (2L * _reachLat + 1) * (2L * _reachLon + 1) >= cells.Count) _reachLat = _reachLon = -1;
        _level = new int[n];
        _xyz = new double[3 * n];
        _high = new double[n];
        _hours = new ulong[3 * n];
        _trajectoryEnd = new int?[n];
        _day = new int[n];
        _today = today.DayNumber;
        _horizonDays = profile.HorizonDays;
        _maxKm = new double[n];
        _low = new double[n];
        _availability = new WeeklySlots[n];
        _age = new int[n];
        _genderBit = new byte[n];
        _cellBox = ChordBoxes.Create(cells.Count);
        // In the newcomers' own order (the order their objects were allocated in, so read in runs), written to their positions.
        const int chunk = 4096;
        Parallel.For(0, (n + chunk - 1) / chunk, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (b) =>
        {
            for (var i = b * chunk; i < Math.Min(n, (b + 1) * chunk); i++)
            {
                var p = _positionOf[i];
                var q = PairNewcomer.Of(newcomers[i], profile, today);
                _level[p] = q.LevelWithTolerance;
                _xyz[3 * p] = q.X;
                _xyz[3 * p + 1] = q.Y;
                _xyz[3 * p + 2] = q.Z;
                _high[p] = q.LimitChordSquaredHigh;
                _hours[3 * p] = q.H0;
                _hours[3 * p + 1] = q.H1;
                _hours[3 * p + 2] = q.H2;
                _trajectoryEnd[p] = q.TrajectoryEndDay;
                _day[p] = q.TodayDay;
                _maxKm[p] = q.MaxKm;
                _low[p] = q.LimitChordSquaredLow;
                _availability[p] = q.Availability;
                _age[p] = q.Age;
                _genderBit[p] = q.GenderBit;
            }
        });
        for (var c = 0; c < cells.Count; c++)
        {
            for (var p = _cellStart[c]; p < _cellStart[c + 1]; p++)
            {
                ChordBoxes.Include(_cellBox, c, _xyz[3 * p], _xyz[3 * p + 1], _xyz[3 * p + 2]);
                ChordBoxes.IncludeLimit(_cellBox, c, _high[p]);
            }
        }
        _skip = new byte[TimeBucketCount * n];
        for (var p = n - 1; p >= 0; p--)
        {
            var buckets = TimeBuckets(_hours[3 * p], _hours[3 * p + 1], _hours[3 * p + 2]);
            for (var b = 0; b < TimeBucketCount; b++)
            {
                _skip[TimeBucketCount * p + b] = (buckets & (1u << b)) != 0 ? (byte)0
                    : p + 1 < n ? (byte)Math.Min(byte.MaxValue, _skip[TimeBucketCount * (p + 1) + b] + 1) : byte.MaxValue;
            }
        }
    }

    // The week in 21 buckets, the morning (before 12:00), afternoon (before 18:00) and evening of each day: two hour masks
    // without a common bucket have no common hour.
    private const int TimeBucketCount = 21;

    /// <summary>The time buckets an hour mask touches.</summary>
    internal static uint TimeBuckets(ulong h0, ulong h1, ulong h2)
    {
        // A mask test per bucket rather than a look at each hour: once per waiting newcomer in the columns.
        var buckets = 0u;
        var masks = BucketMasks;
        for (var b = 0; b < TimeBucketCount; b++)
        {
            if (((h0 & masks[3 * b]) | (h1 & masks[3 * b + 1]) | (h2 & masks[3 * b + 2])) != 0) buckets |= 1u << b;
        }
        return buckets;
    }

    /// <summary>Per time bucket, its hours of the week as a three-word hour mask.</summary>
    private static readonly ulong[] BucketMasks = CreateBucketMasks();

    private static ulong[] CreateBucketMasks()
    {
        var masks = new ulong[3 * TimeBucketCount];
        for (var hour = 0; hour < 7 * 24; hour++)
        {
            var (day, hourOfDay) = Math.DivRem(hour, 24);
            var bucket = 3 * day + (hourOfDay < 12 ? 0 : hourOfDay < 18 ? 1 : 2);
            masks[3 * bucket + hour / 64] |= 1UL << (hour % 64);
        }
        return masks;
    }

    /// <summary>
    /// How many positions from p on are surely without an hour in common with an offer touching <paramref name="buckets"/>
    /// (0 when p may have one; 255 means at least that many).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int WithoutCommonHour(int p, uint buckets)
    {
        int skip = byte.MaxValue;
        var row = TimeBucketCount * p;
        for (; buckets != 0; buckets &= buckets - 1) skip = Math.Min(skip, _skip[row + BitOperations.TrailingZeroCount(buckets)]);
        return skip;
    }

    private int CellCount => _cellStart.Length - 1;

    /// <summary>What the exact pair test reads of the newcomer at position p: the <see cref="PairNewcomer.Of"/> it was made from.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private PairNewcomer Pair(int p) => new(_level[p], _xyz[3 * p], _xyz[3 * p + 1], _xyz[3 * p + 2], _maxKm[p], _low[p], _high[p],
        _hours[3 * p], _hours[3 * p + 1], _hours[3 * p + 2], _availability[p], _day[p], _trajectoryEnd[p], _horizonDays, _age[p], _genderBit[p]);

    /// <summary>
    /// The cheap half of the pair test on the newcomer columns (level, travel limit, a common hour of the week): false
    /// only where the exact test excludes the pair too, by the same comparisons as <see cref="OfferIndex"/>'s (without a
    /// common hour a pair fails on time, or before that on age or gender).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool MayReach(int p, in OfferScanFacts offer, in OfferTime time)
    {
        if (_level[p] < offer.MinLevel) return false;
        // No common hour first: most pairs a walk meets fail on it (at scale four in five of the introduction
        // trajectories'), and it needs neither the distance nor the days.
        ulong common0 = _hours[3 * p] & offer.H0, common1 = _hours[3 * p + 1] & offer.H1, common2 = _hours[3 * p + 2] & offer.H2;
        if ((common0 | common1 | common2) == 0) return false;
        if (!offer.Remote)
        {
            var chord2 = GeoPoint.ChordSquared(_xyz[3 * p], _xyz[3 * p + 1], _xyz[3 * p + 2], offer.X, offer.Y, offer.Z);
            if (chord2 > _high[p]) return false;
        }
        return TimeMaySuffice(common0, common1, common2, Days(p, time), time.Hours);
    }

    /// <summary>The days in which newcomer p can do the offer's hours (from their own evaluation day): exactly as the pair test counts them.</summary>
    private long Days(int p, in OfferTime time) => Formulas.AvailableDays(_day[p], time.StartsOnDay, time.EndsOnDay, _trajectoryEnd[p], _horizonDays);

    /// <summary>What the time rule reads of an offer.</summary>
    private readonly record struct OfferTime(int Hours, int? StartsOnDay, int? EndsOnDay);

    /// <summary>
    /// Whether the time rule can hold, from the hours of the week both touch: each common minute lies in a common hour, so
    /// the overlap is at most 60 minutes per common hour (the rule grows with it). False without a common hour.
    /// </summary>
    private static bool TimeMaySuffice(ulong common0, ulong common1, ulong common2, long days, int hours) =>
        Formulas.TimeSuffices(60L * (BitOperations.PopCount(common0) + BitOperations.PopCount(common1) + BitOperations.PopCount(common2)), days, hours);

    /// <summary>Whether some newcomer of cell c may reach the offer (a lower bound of the distance against the cell's widest reach).</summary>
    private bool CellWithinReach(int c, in OfferScanFacts offer) =>
        offer.Remote || ChordBoxes.GapSquared(_cellBox, c, offer.X, offer.Y, offer.Z) <= ChordBoxes.Limit(_cellBox, c);

    /// <summary>The cells within the farthest reach of a cell in grid steps, nearest first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int[] CellsAround((int Lat, int Lon) key)
    {
        var around = new List<(int Steps, int Cell)>();
        for (var dLat = -_reachLat; dLat <= _reachLat; dLat++)
        {
            for (var dLon = -_reachLon; dLon <= _reachLon; dLon++)
            {
                if (_cellIds.TryGetValue((key.Lat + dLat, key.Lon + dLon), out var c)) around.Add((dLat * dLat + dLon * dLon, c));
            }
        }
        around.Sort();
        var cells = new int[around.Count];
        for (var i = 0; i < cells.Length; i++) cells[i] = around[i].Cell;
        return cells;
    }

    /// <summary>The newcomer cells some newcomer of which may reach the offer, nearest first (every cell for a remote offer).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int[] CellsWithinReach(in OfferScanFacts offer)
    {
        var near = new List<(double Gap, int Cell)>();
        for (var c = 0; c < CellCount; c++)
        {
            var gap = ChordBoxes.GapSquared(_cellBox, c, offer.X, offer.Y, offer.Z);
            if (offer.Remote || gap <= ChordBoxes.Limit(_cellBox, c)) near.Add((gap, c));
        }
        near.Sort();
        var cells = new int[near.Count];
        for (var i = 0; i < cells.Length; i++) cells[i] = near[i].Cell;
        return cells;
    }

    // The existence query's offer cells, a quarter of a newcomer cell: a newcomer lacking a kind tests every offer of it
    // in the offer cells within its reach, so the finer they fit the reach, the fewer it tests.
    private static (int, int) OfferCellKey(GeoPoint point) =>
        ((int)Math.Floor(point.Lat / (CellLatDegrees / OfferCellDivisions)), (int)Math.Floor(point.Lon / (CellLonDegrees / OfferCellDivisions)));

    private const int OfferCellDivisions = 2;

    private static (int, int) CellKey(GeoPoint point) =>
        ((int)Math.Floor(point.Lat / CellLatDegrees), (int)Math.Floor(point.Lon / CellLonDegrees));
}
