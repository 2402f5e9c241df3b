using System.Runtime.CompilerServices;
using Matching.Model;
using Matching.Scoring;

namespace Matching.Ranking;

// What the gap report's flow (Allocation/GapFlow.cs) reads of the offers: a private copy of the columns, so that a
// computation of a second or two holds no lock writers wait on, and the pair test the scan applies, without a lock.
internal sealed partial class OfferIndex
{
    /// <summary>
    /// A copy of the columns a pair evaluation reads, taken under one read lock: for long read-only computations (the gap
    /// report) that must see one state of the offers but must not keep writers waiting. The copy is never written, so it
    /// is read without a lock; slots are those of this index at the time of the copy.
    /// </summary>
    internal OfferIndex Freeze()
    {
        _lock.EnterReadLock();
        try
        {
            var copy = new OfferIndex(_taxonomy, _languages)
            {
                _length = _length,
                _gate = _gate[.._length],
                _xyz = _xyz[..(3 * _length)],
                _hours = _hours[..(3 * _length)],
                _capacity = _capacity[.._length],
                _held = _held[.._length],
                _cold = _cold[.._length],
                _time = _time[.._length],
                _gateCount = (int[])_gateCount.Clone(),
                _overflowBounds = _overflowBounds[.._length],
                _offers = _offers[.._length],
                _idOrder = _idOrder[.._length],
            };
            return copy;
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>Slots of a frozen copy, live or dead, [0, SlotCount).</summary>
    internal int SlotCount => _length;

    /// <summary>The kind of a live slot, or −1 for a dead one.</summary>
    internal int KindAt(int slot) => (_gate[slot] & KindBits) == DeadKind ? -1 : _gate[slot] & KindBits;

    /// <summary>Whether the slot's offer is remote (reachable from anywhere).</summary>
    internal bool RemoteAt(int slot) => (_gate[slot] & RemoteBit) != 0;

    /// <summary>The offer in a live slot, its capacity and its held places.</summary>
    internal (Offer Offer, int Capacity, int Held) At(int slot) => (_offers[slot]!, _capacity[slot], _held[slot]);

    /// <summary>What the reverse ranking's first pass tests of a live slot (see <see cref="ScanFacts"/>), without a lock.</summary>
    internal OfferScanFacts ScanFactsAt(int slot)
    {
        var gate = _gate[slot];
        var p = 3 * slot;
        return new OfferScanFacts((gate & FullBit) != 0, (gate & RemoteBit) != 0, (_hours[p + 2] & RestrictedBit) != 0, gate >> LevelShift,
            _xyz[p], _xyz[p + 1], _xyz[p + 2], _hours[p], _hours[p + 1], _hours[p + 2] & ~RestrictedBit);
    }

    /// <summary>The hours the slot's offer asks for, and its period as day numbers (null when open).</summary>
    internal (int Hours, int? StartsOnDay, int? EndsOnDay) TimeAt(int slot)
    {
        ref readonly var cold = ref _cold[slot];
        return (cold.Hours, cold.StartsOnDay == int.MinValue ? null : cold.StartsOnDay, cold.EndsOnDay == int.MaxValue ? null : cold.EndsOnDay);
    }

    /// <summary>The slot's unit vector.</summary>
    internal (double X, double Y, double Z) UnitVectorAt(int slot) => (_xyz[3 * slot], _xyz[3 * slot + 1], _xyz[3 * slot + 2]);

    /// <summary>
    /// Whether the pair passes every hard constraint that <paramref name="q"/>'s gate table asks for — exactly the test
    /// of the scan and of <see cref="EvaluatePair"/> (compile the query with <c>ignoreCapacity</c> for "feasible with a
    /// free place"), scores included: the plain test the gap report's faster one is checked against. Takes no lock: for
    /// a <see cref="Freeze"/>d copy. <paramref name="scratch"/> holds the criteria.
    /// </summary>
    internal bool FeasibleUnlocked(NewcomerQuery q, int slot, Span<double> scratch) =>
        Evaluate(q, slot, scratch, out _, out _, out _, out _) == ExclusionReason.None;

    /// <summary>
    /// Whether a newcomer given by its columns (see <see cref="PairNewcomer"/>) could take the offer in a live slot of
    /// the kind asked if it had a free place: the hard constraints of <see cref="Evaluate"/> in the same order and with
    /// the same arithmetic (level, distance, common hour, age, gender, days, overlap), without the scores. Takes no lock:
    /// for a <see cref="Freeze"/>d copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // the gap report's first call runs it millions of times
    internal bool FeasibleUnlocked(in PairNewcomer n, int slot)
    {
        var gate = _gate[slot];
        if ((gate & KindBits) == DeadKind || n.LevelWithTolerance < gate >> LevelShift) return false;
        var p = 3 * slot;
        if ((gate & RemoteBit) == 0)
        {
            var chord2 = GeoPoint.ChordSquared(n.X, n.Y, n.Z, _xyz[p], _xyz[p + 1], _xyz[p + 2]);
            if (chord2 > n.LimitChordSquaredHigh) return false;
            if (chord2 >= n.LimitChordSquaredLow && GeoPoint.ChordToKm(chord2) > n.MaxKm) return false;
        }
        if (((n.H0 & _hours[p]) | (n.H1 & _hours[p + 1]) | (n.H2 & _hours[p + 2] & ~RestrictedBit)) == 0) return false;
        ref readonly var cold = ref _cold[slot];
        if (cold.AgeMin >= 0 && n.Age >= 0 && (n.Age < cold.AgeMin || n.Age > cold.AgeMax)) return false;
        if (cold.GenderMask != 0 && n.GenderBit != 0 && (cold.GenderMask & n.GenderBit) == 0) return false;
        var days = Formulas.AvailableDays(n.TodayDay,
            cold.StartsOnDay == int.MinValue ? null : cold.StartsOnDay,
            cold.EndsOnDay == int.MaxValue ? null : cold.EndsOnDay,
            n.TrajectoryEndDay, n.HorizonDays);
        if (days <= 0) return false;
        var overlap = WeeklySlots.OverlapMinutes(n.Availability.Bounds, cold.BoundsLength == OverflowBounds
            ? _overflowBounds[slot]
            : ((ReadOnlySpan<int>)cold.Bounds)[..cold.BoundsLength]);
        return Formulas.TimeSuffices(overlap, days, cold.Hours);
    }
}

/// <summary>What the hard constraints read of a newcomer, for <see cref="OfferIndex.FeasibleUnlocked(in PairNewcomer, int)"/>.</summary>
/// <remarks>The fields are those <see cref="NewcomerQuery.Compile"/> derives, computed the same way (see <see cref="Of"/>).</remarks>
internal readonly record struct PairNewcomer(int LevelWithTolerance, double X, double Y, double Z, double MaxKm, double LimitChordSquaredLow,
    double LimitChordSquaredHigh, ulong H0, ulong H1, ulong H2, WeeklySlots Availability, int TodayDay, int? TrajectoryEndDay, int HorizonDays,
    int Age, byte GenderBit)
{
    /// <summary>The newcomer's constraints under a profile on a day (or on their trajectory's start, when that is later).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per waiting newcomer in the gap report, from its first call
    public static PairNewcomer Of(Newcomer n, WeightProfile profile, DateOnly today)
    {
        today = n.EvaluatedOn(today);
        var (x, y, z) = n.Location.Point.ToUnitVector();
        var (h0, h1, h2) = n.Availability.HourMask();
        var (low, high) = NewcomerQuery.ChordLimits(n.MaxTravelKm);
        return new PairNewcomer(n.DutchLevel.Ordinal + profile.LevelTolerance, x, y, z, n.MaxTravelKm, low, high, h0, h1, h2, n.Availability,
            today.DayNumber, n.TrajectoryEnd?.DayNumber, profile.HorizonDays, n.BirthYear is int by ? Formulas.AgeIn(today, by) : -1,
            n.Gender == Gender.Unspecified ? (byte)0 : (byte)(1 << (int)n.Gender));
    }
}
