using System.Collections.Concurrent;
using System.Numerics;
using Matching.Model;
using Matching.Scoring;

namespace Matching.Ranking;

/// <summary>
/// The stored newcomers in memory, in the offer index's spirit: the columns the reverse ranking tests first (state,
/// level, unit vector, travel limit as chord², hours of the week) as flat arrays, the readable model beside them for the
/// few survivors and for a suggestion's request. Kept current by the newcomer and match writes of this process and by
/// the change feed for the writes of others, so neither a suggestion nor the reverse ranking, the gap report or an
/// allocation reads a newcomer from the database.
/// </summary>
/// <remarks>
/// Thread-safety: <see cref="Get"/> reads a concurrent map without a lock (the suggestions' hot path); scans take a
/// read lock, writers the write lock (held for microseconds). Slots of removed newcomers are reused.
/// </remarks>
internal sealed class NewcomerIndex
{
    private const byte Live = 1;
    private const byte HoldsPlace = 1 << 1;
    private const byte HasOpenMatch = 1 << 2;

    private readonly ReadMostlyLock _lock = new();
    private ConcurrentDictionary<string, Newcomer> _byId = new(StringComparer.Ordinal);
    private Dictionary<string, int> _slotOf = new(StringComparer.Ordinal);
    private Stack<int> _freeSlots = new();
    // While a full reload is built beside this index: the ids every write touched, to read them again after the swap.
    private HashSet<string>? _recorded;
    private int _length;
    private byte[] _state = [];
    private byte[] _level = [];
    private double[] _xyz = [];
    private double[] _limitLow = []; // chord² below which the newcomer surely reaches (as NewcomerQuery computes it)
    private double[] _limitHigh = []; // and above which surely not
    private ulong[] _hours = []; // three words per newcomer
    private Newcomer?[] _models = [];
    // A compiled query per slot for the profile and day it was compiled for: the reverse ranking compiles a survivor
    // once, not on every request. Written by readers (a benign race: whichever compile lands is valid for its key),
    // cleared by writers under the write lock.
    private CachedQuery?[] _queries = [];
    // Per block of BlockSize slots: the box around its unit vectors and the largest travel-limit chord² in it, so that
    // the first pass skips the columns of a block the offer is beyond every reach of (it still counts its newcomers by
    // reason from the state and level bytes). Boxes only grow until Clear; a bulk load fills slots in Z-order.
    private const int BlockSize = 64;
    private double[] _box = []; // a ChordBoxes box per block
    // The slots by ordinal id, so that the waiting lists come out by id without sorting 500,000 strings on every call:
    // a slot is in _idOrder (at its place) while _inIdOrder says so. A new id, or a removed one, clears the flag (a
    // write never moves the array); the next Waiting drops the stale entries and merges the new ids in, under the read
    // lock and _idOrderGate (readers that write these two fields take that gate; writers are excluded by the lock).
    private int[] _idOrder = [];
    private int _idOrderLength;
    private bool[] _inIdOrder = [];
    private readonly Lock _idOrderGate = new();

    /// <summary>Newcomers in the index.</summary>
    public int Count => _byId.Count;

    /// <summary>A newcomer by id, or null; lock-free.</summary>
    public Newcomer? Get(string id) => _byId.TryGetValue(id, out var n) ? n : null;

    /// <summary>
    /// Adds or replaces a newcomer with its match state: <paramref name="placesHeld"/> accepted or started matches,
    /// <paramref name="openMatches"/> proposed, accepted or started ones.
    /// </summary>
    public void Upsert(Newcomer newcomer, int placesHeld, int openMatches)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_slotOf.TryGetValue(newcomer.Id, out var slot))
            {
                slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : _length++;
                EnsureCapacity(_length);
                _slotOf[newcomer.Id] = slot;
                _inIdOrder[slot] = false;
            }
            Write(slot, newcomer, placesHeld, openMatches);
            _byId[newcomer.Id] = newcomer;
            _recorded?.Add(newcomer.Id);
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>
    /// Replaces the whole index (a start or a full reload): the newcomers go into slots in Z-order of their location,
    /// so that a block of slots covers a small area and the reverse ranking skips the blocks beyond an offer's reach.
    /// </summary>
    public void Load(IEnumerable<(Newcomer Newcomer, int PlacesHeld, int OpenMatches)> newcomers) => Adopt(Build(newcomers));

    /// <summary>A new index of these newcomers (see <see cref="Load"/>), built without taking any lock: for <see cref="Adopt"/>.</summary>
    public static NewcomerIndex Build(IEnumerable<(Newcomer Newcomer, int PlacesHeld, int OpenMatches)> newcomers)
    {
        var entries = newcomers.ToArray();
        var n = entries.Length;
        // The ids sorted once (the waiting lists' order, kept from here on), and their ranks the Z-order's tie-break.
        var byId = new int[n];
        var ids = new string[n];
        for (var i = 0; i < n; i++)
        {
            byId[i] = i;
            ids[i] = entries[i].Newcomer.Id;
        }
        Array.Sort(ids, byId, StringComparer.Ordinal);
        var ordered = new (ulong Key, int Rank)[n];
        for (var r = 0; r < n; r++) ordered[r] = (OfferIndex.ZOrder(entries[byId[r]].Newcomer.Location.Point), r);
        Array.Sort(ordered);
        var fresh = new NewcomerIndex();
        fresh.EnsureCapacity(n);
        var slotOfRank = new int[n];
        foreach (var (_, rank) in ordered)
        {
            var (newcomer, held, open) = entries[byId[rank]];
            var slot = fresh._length++;
            slotOfRank[rank] = slot;
            fresh._slotOf[newcomer.Id] = slot;
            fresh.Write(slot, newcomer, held, open);
            fresh._byId[newcomer.Id] = newcomer;
            fresh._inIdOrder[slot] = true;
        }
        fresh._idOrder = slotOfRank;
        fresh._idOrderLength = n;
        return fresh;
    }

    /// <summary>From now on, records the id of every newcomer a write touches, until <see cref="Adopt"/> (a reload is being built).</summary>
    public void StartRecording()
    {
        _lock.EnterWriteLock();
        try { _recorded = new HashSet<string>(StringComparer.Ordinal); }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>
    /// Takes over the contents of <paramref name="fresh"/> (built by <see cref="Build"/>) in one step under the write
    /// lock; returns the ids recorded since <see cref="StartRecording"/>, whose writes the new contents may miss.
    /// </summary>
    public IReadOnlyCollection<string> Adopt(NewcomerIndex fresh)
    {
        _lock.EnterWriteLock();
        try
        {
            _byId = fresh._byId;
            _slotOf = fresh._slotOf;
            _freeSlots = fresh._freeSlots;
            _length = fresh._length;
            _state = fresh._state;
            _level = fresh._level;
            _xyz = fresh._xyz;
            _limitLow = fresh._limitLow;
            _limitHigh = fresh._limitHigh;
            _hours = fresh._hours;
            _models = fresh._models;
            _queries = fresh._queries;
            _box = fresh._box;
            _idOrder = fresh._idOrder;
            _idOrderLength = fresh._idOrderLength;
            _inIdOrder = fresh._inIdOrder;
            var recorded = (IReadOnlyCollection<string>?)_recorded ?? [];
            _recorded = null;
            return recorded;
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Records a newcomer's match state; false when the newcomer is not indexed.</summary>
    public bool SetMatchState(string id, int placesHeld, int openMatches)
    {
        _lock.EnterWriteLock();
        try
        {
            _recorded?.Add(id);
            if (!_slotOf.TryGetValue(id, out var slot)) return false;
            _state[slot] = State(placesHeld, openMatches);
            return true;
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Removes a newcomer; false when it was not indexed.</summary>
    public bool Remove(string id)
    {
        _lock.EnterWriteLock();
        try
        {
            _recorded?.Add(id);
            if (!_slotOf.Remove(id, out var slot)) return false;
            _state[slot] = 0;
            _inIdOrder[slot] = false;
            _models[slot] = null;
            _queries[slot] = null;
            _freeSlots.Push(slot);
            _byId.TryRemove(id, out _);
            return true;
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Empties the index.</summary>
    public void Clear()
    {
        _lock.EnterWriteLock();
        try { ClearUnlocked(); }
        finally { _lock.ExitWriteLock(); }
    }

    private void ClearUnlocked()
    {
        _slotOf.Clear();
        _freeSlots.Clear();
        _byId.Clear();
        _length = 0;
        Array.Clear(_state);
        Array.Clear(_models);
        Array.Clear(_queries);
        ChordBoxes.Empty(_box, 0);
        Array.Clear(_inIdOrder);
        _idOrderLength = 0;
    }

    /// <summary>
    /// The newcomers holding no place (<paramref name="withoutAnyOpenMatch"/>: with no open match either), by ordinal id:
    /// read in the id order the index keeps (only the ids added since the last call are sorted).
    /// </summary>
    public List<Newcomer> Waiting(bool withoutAnyOpenMatch)
    {
        var mask = (byte)(Live | (withoutAnyOpenMatch ? HasOpenMatch | HoldsPlace : HoldsPlace));
        List<Newcomer> result;
        _lock.EnterReadLock();
        try
        {
            lock (_idOrderGate)
            {
                RefreshIdOrder();
                result = new List<Newcomer>(_idOrderLength);
                var order = _idOrder;
                for (var r = 0; r < _idOrderLength; r++)
                {
                    var slot = order[r];
                    if ((_state[slot] & mask) == Live) result.Add(_models[slot]!);
                }
            }
        }
        finally { _lock.ExitReadLock(); }
        return result;
    }

    /// <summary>
    /// Brings <c>_idOrder</c> up to date with the writes since the last call: drops the entries whose slot no longer
    /// holds the id it was placed for, sorts the ids added since, and merges both. Under the read lock and _idOrderGate.
    /// </summary>
    private void RefreshIdOrder()
    {
        var inOrder = _inIdOrder;
        var kept = 0;
        var order = _idOrder;
        for (var r = 0; r < _idOrderLength; r++)
        {
            if (inOrder[order[r]]) order[kept++] = order[r];
        }
        var added = new List<int>();
        for (var slot = 0; slot < _length; slot++)
        {
            if (!inOrder[slot] && (_state[slot] & Live) != 0) added.Add(slot);
        }
        if (added.Count == 0)
        {
            _idOrderLength = kept;
            return;
        }
        var addedSlots = added.ToArray();
        var addedIds = new string[addedSlots.Length];
        for (var i = 0; i < addedSlots.Length; i++) addedIds[i] = _models[addedSlots[i]]!.Id;
        Array.Sort(addedIds, addedSlots, StringComparer.Ordinal);
        // Each added id's place among the kept ones by binary search, the runs between them copied whole.
        var merged = new int[Math.Max(_state.Length, kept + addedSlots.Length)];
        int a = 0, m = 0;
        for (var b = 0; b < addedSlots.Length; b++)
        {
            int low = a, high = kept;
            while (low < high)
            {
                var mid = (low + high) >>> 1;
                if (string.CompareOrdinal(_models[order[mid]]!.Id, addedIds[b]) < 0) low = mid + 1; else high = mid;
            }
            Array.Copy(order, a, merged, m, low - a);
            m += low - a;
            a = low;
            merged[m++] = addedSlots[b];
        }
        Array.Copy(order, a, merged, m, kept - a);
        m += kept - a;
        foreach (var slot in addedSlots) inOrder[slot] = true;
        _idOrder = merged;
        _idOrderLength = m;
    }

    /// <summary>The ids of every indexed newcomer.</summary>
    public List<string> Ids()
    {
        _lock.EnterReadLock();
        try { return [.. _slotOf.Keys]; }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>
    /// The first pass of the reverse ranking over every newcomer holding no place: counts in <paramref name="excluded"/>
    /// those the offer's gate, the distance bound or the hours of the week already exclude (the same tests, in the same
    /// order, as <see cref="OfferIndex"/> applies to a pair), and returns the rest, each with its query compiled for
    /// <paramref name="profile"/> on day <paramref name="day"/> (kept for the next request with the same two).
    /// </summary>
    /// <param name="offer">The offer's scan facts.</param>
    /// <param name="profile">The profile the queries are compiled for (its level tolerance applies here too).</param>
    /// <param name="day">The day the queries are compiled for (ages and remaining days depend on it).</param>
    /// <param name="compile">Compiles a newcomer for the profile and day.</param>
    /// <param name="excluded">Counts per <see cref="ExclusionReason"/>.</param>
    public List<(Newcomer Newcomer, NewcomerQuery Query)> Survivors(in OfferScanFacts offer, WeightProfile profile, DateOnly day,
        Func<Newcomer, NewcomerQuery> compile, Span<int> excluded)
    {
        var survivors = new List<(Newcomer, NewcomerQuery)>();
        var levelTolerance = profile.LevelTolerance;
        _lock.EnterReadLock();
        try
        {
            int level = 0, distance = 0, time = 0, capacity = 0;
            if (offer.Full)
            {
                for (var i = 0; i < _length; i++) if ((_state[i] & (Live | HoldsPlace)) == Live) capacity++;
                excluded[(int)ExclusionReason.Capacity] += capacity;
                return survivors;
            }
            var xyz = _xyz;
            var low = _limitLow;
            var high = _limitHigh;
            var hours = _hours;
            for (var i = 0; i < _length; i++)
            {
                if (i % BlockSize == 0 && !offer.Remote && BeyondReach(i / BlockSize, offer))
                {
                    // Every newcomer of the block is excluded: by level where the level says so (it is tested first), else by distance.
                    var end = Math.Min(_length, i + BlockSize);
                    for (; i < end; i++)
                    {
                        if ((_state[i] & (Live | HoldsPlace)) != Live) continue;
                        if (_level[i] + levelTolerance < offer.MinLevel) level++; else distance++;
                    }
                    i--;
                    continue;
                }
                if ((_state[i] & (Live | HoldsPlace)) != Live) continue;
                if (_level[i] + levelTolerance < offer.MinLevel) { level++; continue; }
                var near = true;
                if (!offer.Remote)
                {
                    var p = 3 * i;
                    var chord2 = GeoPoint.ChordSquared(xyz[p], xyz[p + 1], xyz[p + 2], offer.X, offer.Y, offer.Z);
                    if (chord2 > high[i]) { distance++; continue; }
                    near = chord2 < low[i];
                }
                if (near && !offer.Restricted)
                {
                    var h = 3 * i;
                    if (((hours[h] & offer.H0) | (hours[h + 1] & offer.H1) | (hours[h + 2] & offer.H2)) == 0) { time++; continue; }
                }
                var model = _models[i]!;
                var cached = _queries[i];
                if (cached is null || !ReferenceEquals(cached.Profile, profile) || cached.Day != day)
                {
                    cached = new CachedQuery(compile(model), profile, day);
                    _queries[i] = cached;
                }
                survivors.Add((model, cached.Query));
            }
            excluded[(int)ExclusionReason.DutchLevel] += level;
            excluded[(int)ExclusionReason.Distance] += distance;
            excluded[(int)ExclusionReason.Time] += time;
        }
        finally { _lock.ExitReadLock(); }
        return survivors;
    }

    /// <summary>
    /// Whether the offer is beyond every newcomer of a block: the chord² to the block's box exceeds the largest travel
    /// limit in it. Computed with the same operand order as <see cref="GeoPoint.ChordSquared"/>, so that (floating-point
    /// subtraction, squares and sums being monotone) it never exceeds the chord² of a newcomer inside the box.
    /// </summary>
    private bool BeyondReach(int block, in OfferScanFacts offer)
    {
        var box = _box;
        return ChordBoxes.GapSquared(box, block, offer.X, offer.Y, offer.Z) > ChordBoxes.Limit(box, block);
    }

    private sealed record CachedQuery(NewcomerQuery Query, WeightProfile Profile, DateOnly Day);

    private static byte State(int placesHeld, int openMatches) =>
        (byte)(Live | (placesHeld > 0 ? HoldsPlace : 0) | (openMatches > 0 ? HasOpenMatch : 0));

    private void Write(int slot, Newcomer n, int placesHeld, int openMatches)
    {
        var (x, y, z) = n.Location.Point.ToUnitVector();
        var (h0, h1, h2) = n.Availability.HourMask();
        var (low, high) = NewcomerQuery.ChordLimits(n.MaxTravelKm);
        _state[slot] = State(placesHeld, openMatches);
        _level[slot] = n.DutchLevel.Ordinal;
        _xyz[3 * slot] = x;
        _xyz[3 * slot + 1] = y;
        _xyz[3 * slot + 2] = z;
        _limitLow[slot] = low;
        _limitHigh[slot] = high;
        _hours[3 * slot] = h0;
        _hours[3 * slot + 1] = h1;
        _hours[3 * slot + 2] = h2;
        _models[slot] = n;
        _queries[slot] = null;
        ChordBoxes.Include(_box, slot / BlockSize, x, y, z);
        ChordBoxes.IncludeLimit(_box, slot / BlockSize, high);
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _state.Length) return;
        var size = (int)Math.Max(64, BitOperations.RoundUpToPowerOf2((uint)needed));
        Array.Resize(ref _state, size);
        Array.Resize(ref _level, size);
        Array.Resize(ref _xyz, 3 * size);
        Array.Resize(ref _limitLow, size);
        Array.Resize(ref _limitHigh, size);
        Array.Resize(ref _hours, 3 * size);
        Array.Resize(ref _models, size);
        Array.Resize(ref _queries, size);
        Array.Resize(ref _inIdOrder, size);
        var blocks = _box.Length / ChordBoxes.Fields;
        Array.Resize(ref _box, ChordBoxes.Fields * (size / BlockSize));
        ChordBoxes.Empty(_box, blocks);
    }
}

/// <summary>What the reverse ranking's first pass needs of one offer, copied out of the offer index.</summary>
internal readonly record struct OfferScanFacts(bool Full, bool Remote, bool Restricted, int MinLevel, double X, double Y, double Z, ulong H0, ulong H1, ulong H2);
