using System.Numerics;
using System.Runtime.CompilerServices;
using Matching.Model;
using Matching.Scoring;

namespace Matching.Ranking;

/// <summary>
/// The offers in a compact, cache-friendly layout for scanning: struct-of-arrays for the fields every offer is tested
/// on (kind, free places, level, unit vector), and one struct per offer for the fields only the survivors need
/// (interest, language and hour bitsets, period, hours). Slots of removed offers are reused, so updates never rebuild.
/// </summary>
/// <remarks>
/// Thread-safety: any number of concurrent readers; writers are serialised and exclusive (a reader-writer lock, held
/// by a writer for microseconds). A scan allocates nothing per offer.
/// </remarks>
internal sealed class OfferIndex
{
    private const byte Dead = 255;

    private struct Cold
    {
        public Bits256 Interests;
        public Bits256 Languages;
        public ulong H0, H1, H2;
        public int? StartsOnDay;
        public int? EndsOnDay;
        public int Hours;
        public int InterestCount;
        public int AgeMin, AgeMax; // AgeMin > AgeMax never; -1 when unrestricted
        public byte GenderMask; // 0 when unrestricted
        public byte Setting;
    }

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly InterestTaxonomy _taxonomy;
    private readonly LanguageRegistry _languages;
    private readonly Dictionary<string, int> _slotOf = new(StringComparer.Ordinal);
    private readonly Stack<int> _freeSlots = new();

    private int _length; // slots in use or dead, [0, _length)
    private byte[] _kind = [];
    private byte[] _levelMin = [];
    private byte[] _levelMax = [];
    private bool[] _remote = [];
    private double[] _xyz = [];
    private int[] _capacity = [];
    private int[] _held = [];
    private Cold[] _cold = [];
    private int[][] _bounds = [];
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

    /// <summary>Removes an offer; false when it was not there.</summary>
    public bool Remove(string offerId)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_slotOf.Remove(offerId, out var slot)) return false;
            _kind[slot] = Dead;
            _offers[slot] = null;
            _bounds[slot] = [];
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
            for (var i = 0; i < _length; i++) if (_kind[i] != Dead) list.Add((_offers[i]!, _held[i]));
            return list;
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>
    /// Scans every offer for one newcomer: counts exclusions per reason into <paramref name="excluded"/> (indexed by
    /// <see cref="ExclusionReason"/>) and returns the k best with their offers, best first (ties by offer id).
    /// </summary>
    public List<(double Score, Offer Offer, int Held)> Rank(NewcomerQuery q, int k, Span<int> excluded)
    {
        _lock.EnterReadLock();
        try
        {
            var ids = _offers;
            var top = new TopK(k, (a, b) => string.CompareOrdinal(ids[a]!.Id, ids[b]!.Id));
            Span<double> criteria = stackalloc double[Criteria.Count];
            var weights = q.Weights;
            for (var i = 0; i < _length; i++)
            {
                if (_kind[i] == Dead) continue;
                var reason = Evaluate(q, i, criteria, out _, out _, out _);
                if (reason != ExclusionReason.None)
                {
                    excluded[(int)reason]++;
                    continue;
                }
                var score = 0.0;
                for (var c = 0; c < criteria.Length; c++) score += weights[c] * criteria[c];
                if (top.CouldEnter(score)) top.Offer(score, i);
            }
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

    /// <summary>
    /// The one kernel: checks the hard constraints in <see cref="ExclusionReason"/> order, cheapest first, and fills the
    /// criterion scores of an offer that passes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ExclusionReason Evaluate(NewcomerQuery q, int i, Span<double> s, out double km, out int overlap, out long days)
    {
        km = 0;
        overlap = 0;
        days = 0;
        var kind = _kind[i];
        if ((q.KindMask & (1 << kind)) == 0) return ExclusionReason.Kind;
        if (_capacity[i] - _held[i] <= 0) return ExclusionReason.Capacity;
        if (q.Level + q.Profile.LevelTolerance < _levelMin[i]) return ExclusionReason.DutchLevel;
        var remote = _remote[i];
        var p = 3 * i;
        var chord2 = GeoPoint.ChordSquared(q.X, q.Y, q.Z, _xyz[p], _xyz[p + 1], _xyz[p + 2]);
        if (!remote && chord2 > q.LimitChordSquared) return ExclusionReason.Distance;
        km = GeoPoint.ChordToKm(chord2);
        if (!remote && km > q.MaxKm) return ExclusionReason.Distance;

        ref readonly var cold = ref _cold[i];
        if (cold.AgeMin >= 0 && q.Age >= 0 && (q.Age < cold.AgeMin || q.Age > cold.AgeMax)) return ExclusionReason.Age;
        if (cold.GenderMask != 0 && q.GenderBit != 0 && (cold.GenderMask & q.GenderBit) == 0) return ExclusionReason.Gender;
        days = Formulas.AvailableDays(q.TodayDay, cold.StartsOnDay, cold.EndsOnDay, q.TrajectoryEndDay, q.Profile.HorizonDays);
        if (days <= 0) return ExclusionReason.Time;
        overlap = ((q.H0 & cold.H0) | (q.H1 & cold.H1) | (q.H2 & cold.H2)) == 0
            ? 0
            : WeeklySlots.OverlapMinutes(q.Bounds, _bounds[i]);
        if (!Formulas.TimeSuffices(overlap, days, cold.Hours)) return ExclusionReason.Time;

        s[(int)Criterion.Language] = Formulas.LanguageFit(q.Level, _levelMin[i], _levelMax[i], (OfferKind)kind);
        var exact = (q.Interests & cold.Interests).Count;
        var partial = (cold.Interests & ~q.Interests & q.InterestFamily).Count;
        s[(int)Criterion.Interests] = Formulas.InterestFit(exact, partial, q.InterestCount, cold.InterestCount);
        s[(int)Criterion.Distance] = Formulas.DistanceFit(km, remote, q.Profile.DistanceOffsetKm, q.Profile.GaussSigmaSquared);
        s[(int)Criterion.Availability] = Formulas.AvailabilityFit(overlap, days, cold.Hours);
        s[(int)Criterion.BridgingLanguage] = (q.Languages & cold.Languages).IsEmpty ? 0 : q.BridgingIfShared;
        s[(int)Criterion.Goals] = q.GoalTable[kind * 10 + cold.Setting];
        return ExclusionReason.None;
    }

    private void Write(int slot, Offer offer, int held)
    {
        var (x, y, z) = offer.Location.Point.ToUnitVector();
        var (h0, h1, h2) = offer.Schedule.HourMask();
        var interests = _taxonomy.MaskOf(offer.Interests);
        byte genderMask = 0;
        foreach (var g in offer.Genders) if (g != Gender.Unspecified) genderMask |= (byte)(1 << (int)g);
        _kind[slot] = (byte)offer.Kind;
        _levelMin[slot] = offer.DutchLevel.Min.Ordinal;
        _levelMax[slot] = offer.DutchLevel.Max.Ordinal;
        _remote[slot] = offer.Remote;
        _xyz[3 * slot] = x;
        _xyz[3 * slot + 1] = y;
        _xyz[3 * slot + 2] = z;
        _capacity[slot] = offer.Capacity;
        _held[slot] = held;
        _cold[slot] = new Cold
        {
            Interests = interests,
            InterestCount = interests.Count,
            Languages = _languages.MaskOf(offer.Languages.Where(l => !string.Equals(l, "nl", StringComparison.OrdinalIgnoreCase))),
            H0 = h0, H1 = h1, H2 = h2,
            StartsOnDay = offer.StartsOn?.DayNumber,
            EndsOnDay = offer.EndsOn?.DayNumber,
            Hours = offer.Hours,
            AgeMin = offer.AgeRange?.Min ?? -1,
            AgeMax = offer.AgeRange?.Max ?? -1,
            GenderMask = genderMask,
            Setting = (byte)offer.Setting,
        };
        _bounds[slot] = offer.Schedule.Bounds.ToArray();
        _offers[slot] = offer;
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _kind.Length) return;
        var size = (int)Math.Max(64, BitOperations.RoundUpToPowerOf2((uint)needed));
        Array.Resize(ref _kind, size);
        Array.Resize(ref _levelMin, size);
        Array.Resize(ref _levelMax, size);
        Array.Resize(ref _remote, size);
        Array.Resize(ref _xyz, 3 * size);
        Array.Resize(ref _capacity, size);
        Array.Resize(ref _held, size);
        Array.Resize(ref _cold, size);
        Array.Resize(ref _bounds, size);
        Array.Resize(ref _offers, size);
    }
}

/// <summary>What the kernel found for one pair, for explanations and override checks.</summary>
internal sealed record PairFacts(ExclusionReason Reason, double Km, int OverlapMinutesPerWeek, long Days, Offer Offer, int Held);
