using System.Numerics;
using System.Runtime.CompilerServices;
using Matching.Model;
using Matching.Scoring;

namespace Matching.Ranking;

/// <summary>
/// The offers in a compact, cache-friendly layout for scanning. Every offer is tested on two columns: a one-byte
/// <em>gate</em> (kind, remote, full, minimum level, dead) that a per-newcomer 256-entry table turns into an exclusion
/// reason, and a float unit vector for a chord² distance bound. Only the few survivors read their <see cref="Cold"/>
/// struct (exact coordinates, hour bitsets and intervals inline, period, hours, interest and language bitsets).
/// Slots of removed offers are reused, so updates never rebuild; <see cref="Compact"/> re-lays offers out in spatial
/// order after a bulk load so that a newcomer's survivors sit together in memory.
/// </summary>
/// <remarks>
/// Thread-safety: any number of concurrent readers; writers are serialised and exclusive (a reader-writer lock, held
/// by a writer for microseconds). A scan allocates nothing per offer.
/// </remarks>
internal sealed class OfferIndex
{
    // Gate byte: bits 0-2 kind (7 = dead slot), bit 3 remote, bit 4 full, bits 5-7 minimum Dutch level.
    private const int DeadKind = 7;
    private const int RemoteBit = 1 << 3;
    private const int FullBit = 1 << 4;
    private const int LevelShift = 5;

    // Outcomes of the gate table besides the ExclusionReason values 1..3; the count array has room for all.
    internal const byte NeedsDistance = 8;
    internal const byte Survivor = 9;
    internal const byte SkipDead = 10;
    internal const int OutcomeSlots = 16;

    /// <summary>Up to six merged weekly intervals stored inside the offer's struct, so a survivor costs no pointer chase.</summary>
    [InlineArray(InlineBounds)]
    private struct BoundsBuffer
    {
        private int _element;
    }

    private const int InlineBounds = 12;
    private const byte OverflowBounds = 255;

    // Everything a survivor of the gate and the distance bound needs, in one struct: the exact distance and the time
    // checks first (the first cache lines), the bitsets for scoring after.
    private struct Cold
    {
        public double X, Y, Z;
        public ulong H0, H1, H2;
        public int StartsOnDay; // int.MinValue when open
        public int EndsOnDay; // int.MaxValue when open
        public int Hours;
        public short AgeMin, AgeMax; // -1 when unrestricted
        public byte GenderMask; // 0 when unrestricted
        public byte Setting;
        public byte LevelMax;
        public byte BoundsLength; // ints used in Bounds, or OverflowBounds when they are in _overflowBounds
        public byte InterestCount;
        public BoundsBuffer Bounds;
        public Bits256 Interests;
        public Bits256 Languages;
    }

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly InterestTaxonomy _taxonomy;
    private readonly LanguageRegistry _languages;
    private readonly Dictionary<string, int> _slotOf = new(StringComparer.Ordinal);
    private readonly Stack<int> _freeSlots = new();

    private int _length; // slots in use or dead, [0, _length)
    private byte[] _gate = [];
    private float[] _xyz = []; // unit vectors in float: half the bytes of double for the scan's bound
    private int[] _capacity = [];
    private int[] _held = [];
    private Cold[] _cold = [];
    private int[]?[] _overflowBounds = []; // schedules of more than six merged intervals
    private Offer?[] _offers = [];

    public OfferIndex(InterestTaxonomy taxonomy, LanguageRegistry languages)
    {
        _taxonomy = taxonomy;
        _languages = languages;
    }

    /// <summary>Live offers.</summary>
    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try { return _slotOf.Count; }
            finally { _lock.ExitReadLock(); }
        }
    }

    /// <summary>The table that turns a gate byte into an outcome for one query: dead, excluded (1..3), or on to the distance bound.</summary>
    internal static byte[] GateTable(int kindMask, int levelWithTolerance)
    {
        var table = new byte[256];
        for (var g = 0; g < 256; g++)
        {
            var kind = g & 7;
            table[g] = kind == DeadKind ? SkipDead
                : (kindMask & (1 << kind)) == 0 ? (byte)ExclusionReason.Kind
                : (g & FullBit) != 0 ? (byte)ExclusionReason.Capacity
                : levelWithTolerance < g >> LevelShift ? (byte)ExclusionReason.DutchLevel
                : (g & RemoteBit) != 0 ? Survivor
                : NeedsDistance;
        }
        return table;
    }

    /// <summary>Adds or replaces an offer; <paramref name="held"/> places are taken by accepted matches.</summary>
    public void Upsert(Offer offer, int held)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_slotOf.TryGetValue(offer.Id, out var slot))
            {
                slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : _length++;
                EnsureCapacity(_length);
                _slotOf[offer.Id] = slot;
            }
            Write(slot, offer, held);
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>
    /// Re-lays every live offer out in spatial order (a Z-order curve over latitude and longitude), dropping the holes
    /// of removed offers. Neighbours in space become neighbours in memory, so a newcomer's survivors are read in runs
    /// and the distance test's branch is predictable. Updates never need it; bulk loads call it once at the end.
    /// </summary>
    public void Compact()
    {
        _lock.EnterWriteLock();
        try
        {
            var live = new List<(ulong Key, Offer Offer, int Held)>(_slotOf.Count);
            for (var i = 0; i < _length; i++)
            {
                if ((_gate[i] & 7) == DeadKind) continue;
                var offer = _offers[i]!;
                live.Add((ZOrder(offer.Location.Point), offer, _held[i]));
            }
            live.Sort((a, b) => a.Key != b.Key ? a.Key.CompareTo(b.Key) : string.CompareOrdinal(a.Offer.Id, b.Offer.Id));
            _slotOf.Clear();
            _freeSlots.Clear();
            _length = 0;
            _gate = [];
            EnsureCapacity(live.Count);
            foreach (var (_, offer, held) in live)
            {
                var slot = _length++;
                _slotOf[offer.Id] = slot;
                Write(slot, offer, held);
            }
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Removes an offer; false when it was not there.</summary>
    public bool Remove(string offerId)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_slotOf.Remove(offerId, out var slot)) return false;
            _gate[slot] = DeadKind;
            _offers[slot] = null;
            _overflowBounds[slot] = null;
            _freeSlots.Push(slot);
            return true;
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Sets how many places accepted matches hold; false when the offer is unknown.</summary>
    public bool SetHeld(string offerId, int held)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_slotOf.TryGetValue(offerId, out var slot)) return false;
            _held[slot] = held;
            _gate[slot] = (byte)((_gate[slot] & ~FullBit) | (_capacity[slot] - held <= 0 ? FullBit : 0));
            return true;
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>The stored offer and its held places, or null.</summary>
    public (Offer Offer, int Held)? Get(string offerId)
    {
        _lock.EnterReadLock();
        try
        {
            return _slotOf.TryGetValue(offerId, out var slot) ? (_offers[slot]!, _held[slot]) : null;
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>Every live offer with its held places (a snapshot).</summary>
    public List<(Offer Offer, int Held)> Snapshot()
    {
        _lock.EnterReadLock();
        try
        {
            var list = new List<(Offer, int)>(_slotOf.Count);
            for (var i = 0; i < _length; i++) if ((_gate[i] & 7) != DeadKind) list.Add((_offers[i]!, _held[i]));
            return list;
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>
    /// Scans every offer for one newcomer: counts exclusions per reason into <paramref name="excluded"/> (indexed by
    /// <see cref="ExclusionReason"/>, at least <see cref="OutcomeSlots"/> long) and returns the k best with their
    /// offers, best first (ties by offer id).
    /// </summary>
    public List<(double Score, Offer Offer, int Held)> Rank(NewcomerQuery q, int k, Span<int> excluded)
    {
        _lock.EnterReadLock();
        try
        {
            var ids = _offers;
            var top = new TopK(k, (a, b) => string.CompareOrdinal(ids[a]!.Id, ids[b]!.Id));
            Span<double> criteria = stackalloc double[Criteria.Count];
            // The hot outcomes are counted in registers: an increment in memory per offer would chain each iteration
            // to the last through store forwarding. The survivors' outcomes are rare and counted in memory.
            int kindCount = 0, capacityCount = 0, levelCount = 0, distanceCount = 0;
            var weights = q.Weights;
            var gates = _gate;
            var xyz = _xyz;
            var table = q.GateTable;
            float qx = (float)q.X, qy = (float)q.Y, qz = (float)q.Z;
            var limit = q.LimitChordSquaredFloat;
            var length = Math.Min(_length, Math.Min(gates.Length, xyz.Length / 3));
            for (var i = 0; i < length; i++)
            {
                int outcome = table[gates[i]];
                var p = 3 * i;
                var dx = qx - xyz[p];
                var dy = qy - xyz[p + 1];
                var dz = qz - xyz[p + 2];
                // Computed for every offer and selected without a branch: the gate's outcome is unpredictable.
                var beyond = dx * dx + dy * dy + dz * dz > limit;
                outcome = outcome == NeedsDistance ? (beyond ? (int)ExclusionReason.Distance : Survivor) : outcome;
                kindCount += outcome == (int)ExclusionReason.Kind ? 1 : 0;
                capacityCount += outcome == (int)ExclusionReason.Capacity ? 1 : 0;
                levelCount += outcome == (int)ExclusionReason.DutchLevel ? 1 : 0;
                distanceCount += outcome == (int)ExclusionReason.Distance ? 1 : 0;
                if (outcome != Survivor) continue;

                var reason = ColdReason(q, i, criteria, out _, out _, out _);
                if (reason != ExclusionReason.None)
                {
                    excluded[(int)reason]++;
                    continue;
                }
                var score = 0.0;
                for (var c = 0; c < criteria.Length; c++) score += weights[c] * criteria[c];
                if (top.CouldEnter(score)) top.Offer(score, i);
            }
            excluded[(int)ExclusionReason.Kind] += kindCount;
            excluded[(int)ExclusionReason.Capacity] += capacityCount;
            excluded[(int)ExclusionReason.DutchLevel] += levelCount;
            excluded[(int)ExclusionReason.Distance] += distanceCount;
            var result = new List<(double, Offer, int)>(top.Count);
            foreach (var (score, slot) in top.ToSortedList()) result.Add((score, _offers[slot]!, _held[slot]));
            return result;
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>Evaluates one newcomer against one stored offer: the reason it is excluded, or its criterion scores.</summary>
    public PairFacts? EvaluatePair(NewcomerQuery q, string offerId, Span<double> criteria)
    {
        _lock.EnterReadLock();
        try
        {
            if (!_slotOf.TryGetValue(offerId, out var slot)) return null;
            var reason = Evaluate(q, slot, criteria, out var km, out var overlap, out var days);
            return new PairFacts(reason, km, overlap, days, _offers[slot]!, _held[slot]);
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>Evaluates a stored slot exactly as the scan does: the gate table, the distance bound, then the rest.</summary>
    private ExclusionReason Evaluate(NewcomerQuery q, int i, Span<double> s, out double km, out int overlap, out long days)
    {
        km = 0;
        overlap = 0;
        days = 0;
        int outcome = q.GateTable[_gate[i]];
        if (outcome == NeedsDistance)
        {
            var p = 3 * i;
            float dx = (float)q.X - _xyz[p], dy = (float)q.Y - _xyz[p + 1], dz = (float)q.Z - _xyz[p + 2];
            outcome = dx * dx + dy * dy + dz * dz > q.LimitChordSquaredFloat ? (int)ExclusionReason.Distance : Survivor;
        }
        return outcome == Survivor ? ColdReason(q, i, s, out km, out overlap, out days) : (ExclusionReason)outcome;
    }

    /// <summary>
    /// The rest, for the few offers that pass the gate and the distance bound: exact distance in double, age, gender,
    /// time; then the criterion scores of an offer that passes.
    /// </summary>
    private ExclusionReason ColdReason(NewcomerQuery q, int i, Span<double> s, out double km, out int overlap, out long days)
    {
        overlap = 0;
        days = 0;
        var gate = _gate[i];
        var remote = (gate & RemoteBit) != 0;
        ref readonly var cold = ref _cold[i];
        // The exact test is km ≤ limit; chord² decides it without the arcsine except in a hair-thin band at the limit.
        var chord2 = GeoPoint.ChordSquared(q.X, q.Y, q.Z, cold.X, cold.Y, cold.Z);
        km = -1;
        if (!remote && chord2 >= q.LimitChordSquaredLow)
        {
            if (chord2 > q.LimitChordSquaredHigh) return ExclusionReason.Distance;
            km = GeoPoint.ChordToKm(chord2);
            if (km > q.MaxKm) return ExclusionReason.Distance;
        }
        if (cold.AgeMin >= 0 && q.Age >= 0 && (q.Age < cold.AgeMin || q.Age > cold.AgeMax)) return ExclusionReason.Age;
        if (cold.GenderMask != 0 && q.GenderBit != 0 && (cold.GenderMask & q.GenderBit) == 0) return ExclusionReason.Gender;
        if (((q.H0 & cold.H0) | (q.H1 & cold.H1) | (q.H2 & cold.H2)) == 0) return ExclusionReason.Time; // no common hour at all
        days = Formulas.AvailableDays(q.TodayDay,
            cold.StartsOnDay == int.MinValue ? null : cold.StartsOnDay,
            cold.EndsOnDay == int.MaxValue ? null : cold.EndsOnDay,
            q.TrajectoryEndDay, q.HorizonDays);
        if (days <= 0) return ExclusionReason.Time;
        overlap = WeeklySlots.OverlapMinutes(q.Bounds, cold.BoundsLength == OverflowBounds
            ? _overflowBounds[i]
            : ((ReadOnlySpan<int>)cold.Bounds)[..cold.BoundsLength]);
        if (!Formulas.TimeSuffices(overlap, days, cold.Hours)) return ExclusionReason.Time;

        if (km < 0) km = GeoPoint.ChordToKm(chord2);
        var kind = gate & 7;
        s[(int)Criterion.Language] = Formulas.LanguageFit(q.Level, gate >> LevelShift, cold.LevelMax, (OfferKind)kind);
        var exact = (q.Interests & cold.Interests).Count;
        var partial = (cold.Interests & ~q.Interests & q.InterestFamily).Count;
        s[(int)Criterion.Interests] = Formulas.InterestFit(exact, partial, q.InterestCount, cold.InterestCount);
        s[(int)Criterion.Distance] = Formulas.DistanceFit(km, remote, q.DistanceOffsetKm, q.GaussSigmaSquared);
        s[(int)Criterion.Availability] = Formulas.AvailabilityFit(overlap, days, cold.Hours);
        s[(int)Criterion.BridgingLanguage] = (q.Languages & cold.Languages).IsEmpty ? 0 : q.BridgingIfShared;
        s[(int)Criterion.Goals] = q.GoalTable[kind * 10 + cold.Setting];
        return ExclusionReason.None;
    }

    /// <summary>Interleaves 16-bit quantised latitude and longitude (a Morton code).</summary>
    private static ulong ZOrder(GeoPoint p)
    {
        var lat = (uint)((p.Lat + 90) / 180 * 65535);
        var lon = (uint)((p.Lon + 180) / 360 * 65535);
        ulong key = 0;
        for (var b = 15; b >= 0; b--) key = (key << 2) | ((ulong)((lat >> b) & 1) << 1) | ((lon >> b) & 1);
        return key;
    }

    private void Write(int slot, Offer offer, int held)
    {
        var (x, y, z) = offer.Location.Point.ToUnitVector();
        var (h0, h1, h2) = offer.Schedule.HourMask();
        var interests = _taxonomy.MaskOf(offer.Interests);
        byte genderMask = 0;
        foreach (var g in offer.Genders) if (g != Gender.Unspecified) genderMask |= (byte)(1 << (int)g);
        _gate[slot] = (byte)((int)offer.Kind
            | (offer.Remote ? RemoteBit : 0)
            | (offer.Capacity - held <= 0 ? FullBit : 0)
            | (offer.DutchLevel.Min.Ordinal << LevelShift));
        _xyz[3 * slot] = (float)x;
        _xyz[3 * slot + 1] = (float)y;
        _xyz[3 * slot + 2] = (float)z;
        _capacity[slot] = offer.Capacity;
        _held[slot] = held;
        var bounds = offer.Schedule.Bounds;
        var cold = new Cold
        {
            X = x, Y = y, Z = z,
            H0 = h0, H1 = h1, H2 = h2,
            StartsOnDay = offer.StartsOn?.DayNumber ?? int.MinValue,
            EndsOnDay = offer.EndsOn?.DayNumber ?? int.MaxValue,
            Hours = offer.Hours,
            AgeMin = (short)(offer.AgeRange?.Min ?? -1),
            AgeMax = (short)(offer.AgeRange?.Max ?? -1),
            GenderMask = genderMask,
            Setting = (byte)offer.Setting,
            LevelMax = offer.DutchLevel.Max.Ordinal,
            Interests = interests,
            InterestCount = (byte)interests.Count,
            Languages = _languages.MaskOf(offer.Languages.Where(l => !string.Equals(l, "nl", StringComparison.OrdinalIgnoreCase))),
        };
        if (bounds.Length <= InlineBounds)
        {
            bounds.CopyTo(cold.Bounds);
            cold.BoundsLength = (byte)bounds.Length;
            _overflowBounds[slot] = null;
        }
        else
        {
            cold.BoundsLength = OverflowBounds;
            _overflowBounds[slot] = bounds.ToArray();
        }
        _cold[slot] = cold;
        _offers[slot] = offer;
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _gate.Length) return;
        var size = (int)Math.Max(64, BitOperations.RoundUpToPowerOf2((uint)needed));
        Array.Resize(ref _gate, size);
        Array.Resize(ref _xyz, 3 * size);
        Array.Resize(ref _capacity, size);
        Array.Resize(ref _held, size);
        Array.Resize(ref _cold, size);
        Array.Resize(ref _overflowBounds, size);
        Array.Resize(ref _offers, size);
    }
}

/// <summary>What the kernel found for one pair, for explanations and override checks.</summary>
internal sealed record PairFacts(ExclusionReason Reason, double Km, int OverlapMinutesPerWeek, long Days, Offer Offer, int Held);
