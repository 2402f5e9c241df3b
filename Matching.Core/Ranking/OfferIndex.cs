using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Matching.Model;
using Matching.Scoring;

namespace Matching.Ranking;

/// <summary>
/// The offers in a compact, cache-friendly layout for scanning. Every offer is tested on two columns: a one-byte
/// <em>gate</em> (kind, remote, full, minimum level, dead) that a per-newcomer 256-entry table turns into an exclusion
/// reason, and a unit vector for a chord² distance test. The few survivors read a column of hour bitsets, and only
/// those with a common hour read their <see cref="Cold"/> struct (intervals inline, period, hours, interest and
/// language bitsets).
/// Slots of removed offers are reused, so updates never rebuild; <see cref="Compact"/> re-lays offers out in spatial
/// order after a bulk load so that a newcomer's survivors sit together in memory.
/// </summary>
/// <remarks>
/// Thread-safety: any number of concurrent readers; writers are serialised and exclusive (a <see cref="ReadMostlyLock"/>, held
/// by a writer for microseconds). A scan allocates nothing per offer.
/// </remarks>
internal sealed partial class OfferIndex
{
    // Gate byte: bits 0-2 kind (all three set = dead slot), bit 3 remote, bit 4 full, bits 5-7 minimum Dutch level.
    private const int KindBits = 0b111;
    private const int DeadKind = KindBits; // above every OfferKind: the five kinds take 0..4
    private const int RemoteBit = 1 << 3;
    private const int FullBit = 1 << 4;
    private const int LevelShift = 5;

    // Outcomes of the gate table besides the ExclusionReason values 1..3; the count array has room for all.
    internal const byte NeedsDistance = 8;
    internal const byte Survivor = 9;
    internal const byte SkipDead = 10;
    internal const int OutcomeSlots = 16;
    // What SurvivorReason answers for an offer whose score could not reach the caller's floor (its checks left undone).
    private const ExclusionReason BelowFloor = (ExclusionReason)(OutcomeSlots - 1);
    // The arithmetic of the near block's branchless distance outcome: NeedsDistance + 1 is Survivor, that − 5 Distance.
    private const int NeedsToSurvivor = Survivor - NeedsDistance;
    private const int SurvivorToDistance = (int)ExclusionReason.Distance - Survivor;

    /// <summary>Entries of a gate table: one per value of the gate byte.</summary>
    internal const int GateValues = byte.MaxValue + 1;

    // Increment of the packed hot counters per outcome: kind, capacity, level and distance in 16-bit fields.
    private const int PackedFieldBits = 16;
    private const ulong PackedFieldMask = (1UL << PackedFieldBits) - 1;
    private static readonly ulong[] PackedIncrement =
        [0, 1, 1UL << PackedFieldBits, 1UL << (2 * PackedFieldBits), 1UL << (3 * PackedFieldBits), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private const int BlockShift = 6;
    private const int BlockSize = 1 << BlockShift;
    private const int PackedChunk = 1024 * BlockSize; // whole blocks, and no 16-bit field can overflow within a chunk
    // Rankings of up to this many keep their heap on the stack; longer ones (whole-index candidate lists) in arrays.
    private const int StackHeapLimit = 128;

    /// <summary>Up to six merged weekly intervals stored inside the offer's struct, so a survivor costs no pointer chase.</summary>
    [InlineArray(InlineBounds)]
    private struct BoundsBuffer
    {
        private int _element;
    }

    private const int InlineBounds = 12;
    private const byte OverflowBounds = 255;
    private const ulong RestrictedBit = 1UL << 63; // hours use 168 bits: bits 40..63 of the third word are free

    // Everything a survivor of the gate and the distance bound needs, in one struct: the exact distance and the time
    // checks first (the first cache lines), the bitsets for scoring after.
    private struct Cold
    {
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

    private readonly ReadMostlyLock _lock = new();
    private readonly InterestTaxonomy _taxonomy;
    private readonly LanguageRegistry _languages;
    private readonly Dictionary<string, int> _slotOf = new(StringComparer.Ordinal);
    private readonly Stack<int> _freeSlots = new();

    private int _length; // slots in use or dead, [0, _length)
    private byte[] _gate = [];
    private double[] _xyz = []; // unit vectors, three per offer
    private double[] _blockCentre = []; // per block of 64 slots: a centre on the unit sphere (three per block)
    private double[] _blockRadius = []; // and the largest chord from it to a member; −1 while the block is empty
    private ulong[] _blockRemote = []; // per block, one bit per slot holding a live remote offer: what a block beyond reach can still offer
    private ulong[] _hours = []; // hours of the week the schedule touches, three words per offer; bit 63 of the third: age or gender restricted
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

    /// <summary>
    /// The table that turns a gate byte into an outcome for one query: dead, excluded (1..3), or on to the distance
    /// bound. With <paramref name="ignoreCapacity"/> full offers count as open (what extra places would make feasible).
    /// </summary>
    internal static byte[] GateTable(int kindMask, int levelWithTolerance, bool ignoreCapacity = false)
    {
        var table = new byte[GateValues];
        for (var g = 0; g < GateValues; g++)
        {
            var kind = g & KindBits;
            table[g] = kind == DeadKind ? SkipDead
                : (kindMask & (1 << kind)) == 0 ? (byte)ExclusionReason.Kind
                : (g & FullBit) != 0 && !ignoreCapacity ? (byte)ExclusionReason.Capacity
                : levelWithTolerance < g >> LevelShift ? (byte)ExclusionReason.DutchLevel
                : (g & RemoteBit) != 0 ? Survivor
                : NeedsDistance;
        }
        return table;
    }

    /// <summary>The gate table for offers known to lie beyond the reach: what needed the distance test is excluded by it.</summary>
    internal static byte[] FarGateTable(byte[] gateTable) =>
        gateTable.Select(o => o == NeedsDistance ? (byte)ExclusionReason.Distance : o).ToArray();

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
                if ((_gate[i] & KindBits) == DeadKind) continue;
                var offer = _offers[i]!;
                live.Add((ZOrder(offer.Location.Point), offer, _held[i]));
            }
            live.Sort((a, b) => a.Key != b.Key ? a.Key.CompareTo(b.Key) : string.CompareOrdinal(a.Offer.Id, b.Offer.Id));
            _slotOf.Clear();
            _freeSlots.Clear();
            _length = 0;
            _gate = [];
            _blockRadius = [];
            _blockCentre = [];
            _blockRemote = [];
            EnsureCapacity(live.Count);
            // Centre each block on its members' mean direction, for the tightest spheres.
            for (var b = 0; b * BlockSize < live.Count; b++)
            {
                double sx = 0, sy = 0, sz = 0;
                for (var j = b * BlockSize; j < Math.Min(live.Count, (b + 1) * BlockSize); j++)
                {
                    var (x, y, z) = live[j].Offer.Location.Point.ToUnitVector();
                    sx += x; sy += y; sz += z;
                }
                var norm = Math.Sqrt(sx * sx + sy * sy + sz * sz);
                if (norm == 0) continue;
                _blockCentre[3 * b] = sx / norm;
                _blockCentre[3 * b + 1] = sy / norm;
                _blockCentre[3 * b + 2] = sz / norm;
                _blockRadius[b] = 0;
            }
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
            _blockRemote[slot >> BlockShift] &= ~(1UL << (slot & (BlockSize - 1)));
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
            for (var i = 0; i < _length; i++) if ((_gate[i] & KindBits) != DeadKind) list.Add((_offers[i]!, _held[i]));
            return list;
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>
    /// Scans every offer for one newcomer: counts exclusions per reason into <paramref name="excluded"/> (indexed by
    /// <see cref="ExclusionReason"/>, at least <see cref="OutcomeSlots"/> long) and returns the k best with their
    /// offers, best first (ties by offer id). When <paramref name="winners"/> is given (at least k long), the scan
    /// writes there, in the same order, each winner's criterion scores and distance: all an explanation needs, read
    /// under the same lock as the score, so no second pass over the index.
    /// </summary>
    public List<(double Score, Offer Offer, int Held)> Rank(NewcomerQuery q, int k, Span<int> excluded, Span<WinnerFacts> winners = default)
    {
        k = Math.Max(k, 0);
        if (!winners.IsEmpty && winners.Length < k) throw new ArgumentException("Room for k winners is needed.", nameof(winners));
        Span<double> heapScores = k <= StackHeapLimit ? stackalloc double[k] : new double[k];
        Span<int> heapSlots = k <= StackHeapLimit ? stackalloc int[k] : new int[k];
        _lock.EnterReadLock();
        try
        {
            var top = new TopK(heapScores, heapSlots, winners.IsEmpty ? default : winners[..k], _offers);
            Scan(q, ref top, excluded, countAll: true);
            var result = new List<(double, Offer, int)>(top.Count);
            for (var r = 0; r < top.Count; r++)
            {
                var slot = top.SlotAt(r);
                result.Add((top.ScoreAt(r), _offers[slot]!, _held[slot]));
            }
            return result;
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>
    /// The k best feasible offers for one newcomer — exactly those of <see cref="Rank"/>, in the same order — written to
    /// the spans (k = <paramref name="scores"/>' length; the others at least as long); returns how many. Exclusions are
    /// not counted, so a block beyond the reach costs only its remote offers instead of a pass over its gates: the
    /// candidates of an allocation, where nobody reads the counts.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int TopFeasible(NewcomerQuery q, Span<double> scores, Span<int> slots, Span<Offer> offers, Span<int> held)
    {
        var k = scores.Length;
        if (slots.Length < k || offers.Length < k || held.Length < k) throw new ArgumentException("Room for k winners is needed.", nameof(slots));
        Span<int> excluded = stackalloc int[OutcomeSlots];
        _lock.EnterReadLock();
        try
        {
            var top = new TopK(scores, slots[..k], default, _offers);
            Scan(q, ref top, excluded, countAll: false);
            for (var r = 0; r < top.Count; r++)
            {
                offers[r] = _offers[slots[r]]!;
                held[r] = _held[slots[r]];
            }
            return top.Count;
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>
    /// The scan, under the caller's read lock: every feasible offer is scored and offered to <paramref name="top"/>
    /// (sorted best first at the end). With <paramref name="countAll"/>, every exclusion is counted into
    /// <paramref name="excluded"/>; without, blocks beyond the reach are skipped but for their remote offers, and the
    /// counts are partial.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Scan(NewcomerQuery q, ref TopK top, scoped Span<int> excluded, bool countAll)
    {
        Span<double> criteria = stackalloc double[Criteria.Count];
        var weights = q.Weights;
        var gates = _gate;
        var xyz = _xyz;
        var table = q.GateTable;
        double qx = q.X, qy = q.Y, qz = q.Z;
        var limit = q.LimitChordSquaredHigh;
        var length = Math.Min(_length, Math.Min(gates.Length, xyz.Length / 3));
        // The loop reads through refs: the bounds are checked once above (the table has 256 entries for a byte,
        // the increments 16 for an outcome), not five times per offer.
        if (table.Length != GateValues || q.FarGateTable.Length != GateValues) throw new InvalidOperationException("A gate table has 256 entries.");
        ref var gate0 = ref MemoryMarshal.GetArrayDataReference(gates);
        ref var xyz0 = ref MemoryMarshal.GetArrayDataReference(xyz);
        ref var table0 = ref MemoryMarshal.GetArrayDataReference(table);
        ref var farTable0 = ref MemoryMarshal.GetArrayDataReference(q.FarGateTable);
        ref var increment0 = ref MemoryMarshal.GetArrayDataReference(PackedIncrement);
        Span<int> survivors = stackalloc int[BlockSize];
        ref var survivor0 = ref MemoryMarshal.GetReference(survivors);
        var reach = Math.Sqrt(limit);
        var blocks = _blockCentre;
        var radii = _blockRadius;
        var remotes = _blockRemote;
        // Without counts to keep, a survivor that cannot beat the worst of a full top k needs no time checks: its score
        // with availability at its maximum 1 says so first. Learned shapes could lift a criterion above its formula, and a
        // negative weight would turn the bound around, so either turns it off.
        var bounded = !countAll && q.Shapes is null && NonNegative(weights);
        for (var start = 0; start < length; start += PackedChunk)
        {
            // The hot outcomes are counted in four 16-bit fields of one register: an increment in memory per offer
            // would chain each iteration to the last through store forwarding.
            ulong packed = 0;
            var end = Math.Min(length, start + PackedChunk);
            for (var blockStart = start; blockStart < end; blockStart += BlockSize)
            {
                var blockEnd = Math.Min(end, blockStart + BlockSize);
                var b = blockStart >> BlockShift;
                var cx = qx - blocks[3 * b];
                var cy = qy - blocks[3 * b + 1];
                var cz = qz - blocks[3 * b + 2];
                // Two passes per block of 64: a tight loop without calls that counts outcomes and collects the
                // survivors (appended without a branch), then the survivors' checks and scores.
                // Triangle inequality in chord space: when the block's sphere lies beyond the reach, no offer in it
                // is within it and only the gate matters (remote offers still go on).
                int found;
                if (Math.Sqrt(cx * cx + cy * cy + cz * cz) <= reach + radii[b])
                {
                    found = ScanNearBlock(ref gate0, ref table0, ref xyz0, ref increment0, ref survivor0, blockStart, blockEnd, qx, qy, qz, limit, ref packed);
                }
                else if (countAll)
                {
                    found = ScanFarBlock(ref gate0, ref farTable0, ref increment0, ref survivor0, blockStart, blockEnd, ref packed);
                }
                else
                {
                    // Only the block's remote offers can survive: the far table still applies their gate.
                    found = 0;
                    for (var bits = remotes[b]; bits != 0; bits &= bits - 1)
                    {
                        var i = blockStart + BitOperations.TrailingZeroCount(bits);
                        if (i < blockEnd && Unsafe.Add(ref farTable0, Unsafe.Add(ref gate0, i)) == Survivor) survivors[found++] = i;
                    }
                }
                for (var j = 0; j < found; j++)
                {
                    var i = survivors[j];
                    var reason = SurvivorReason(q, i, criteria, out var km, out _, out _, out _,
                        bounded && top.Full ? top.WorstScore : double.NegativeInfinity);
                    if (reason != ExclusionReason.None)
                    {
                        excluded[(int)reason]++;
                        continue;
                    }
                    var score = 0.0;
                    for (var c = 0; c < criteria.Length; c++) score += weights[c] * criteria[c];
                    if (top.CouldEnter(score)) top.Add(score, i, criteria, km);
                }
            }
            excluded[(int)ExclusionReason.Kind] += (int)(packed & PackedFieldMask);
            excluded[(int)ExclusionReason.Capacity] += (int)((packed >> PackedFieldBits) & PackedFieldMask);
            excluded[(int)ExclusionReason.DutchLevel] += (int)((packed >> (2 * PackedFieldBits)) & PackedFieldMask);
            excluded[(int)ExclusionReason.Distance] += (int)(packed >> (3 * PackedFieldBits));
        }
        top.SortBestFirst();
    }

    private static bool NonNegative(double[] weights)
    {
        foreach (var w in weights) if (!(w >= 0)) return false;
        return true;
    }

    /// <summary>
    /// First pass over a block beyond the reach: each offer's outcome from the far table alone, counted in the packed
    /// fields; survivors (remote offers) appended without a branch. Returns how many survived.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int ScanFarBlock(ref byte gate0, ref byte farTable0, ref ulong increment0, ref int survivor0, int start, int end, ref ulong packed)
    {
        var counts = 0UL;
        var found = 0;
        for (var i = start; i < end; i++)
        {
            int outcome = Unsafe.Add(ref farTable0, Unsafe.Add(ref gate0, i));
            counts += Unsafe.Add(ref increment0, outcome);
            Unsafe.Add(ref survivor0, found) = i;
            found += outcome == Survivor ? 1 : 0;
        }
        packed += counts;
        return found;
    }

    /// <summary>
    /// First pass over a block within reach: the gate's outcome, and for those that need it the chord² test, chosen
    /// with arithmetic instead of branches (the outcomes come in no predictable order).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int ScanNearBlock(ref byte gate0, ref byte table0, ref double xyz0, ref ulong increment0, ref int survivor0,
        int start, int end, double qx, double qy, double qz, double limit, ref ulong packed)
    {
        var counts = 0UL;
        var found = 0;
        for (var i = start; i < end; i++)
        {
            int outcome = Unsafe.Add(ref table0, Unsafe.Add(ref gate0, i));
            ref var v = ref Unsafe.Add(ref xyz0, 3 * i);
            var dx = qx - v;
            var dy = qy - Unsafe.Add(ref v, 1);
            var dz = qz - Unsafe.Add(ref v, 2);
            var beyond = dx * dx + dy * dy + dz * dz > limit ? 1 : 0;
            var needs = outcome == NeedsDistance ? 1 : 0;
            // NeedsDistance (8) becomes Distance (4) when beyond, Survivor (9) when not.
            outcome += needs * (NeedsToSurvivor + SurvivorToDistance * beyond);
            counts += Unsafe.Add(ref increment0, outcome);
            Unsafe.Add(ref survivor0, found) = i;
            found += outcome == Survivor ? 1 : 0;
        }
        packed += counts;
        return found;
    }

    /// <summary>Evaluates one newcomer against one stored offer: the reason it is excluded, or its criterion scores.</summary>
    public PairFacts? EvaluatePair(NewcomerQuery q, string offerId, Span<double> criteria)
    {
        _lock.EnterReadLock();
        try
        {
            if (!_slotOf.TryGetValue(offerId, out var slot)) return null;
            var reason = Evaluate(q, slot, criteria, out var km, out var overlap, out var days, out var inputs);
            return new PairFacts(reason, km, overlap, days, _offers[slot]!, _held[slot], inputs);
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>
    /// The reverse ranking's second pass, under one read lock: evaluates each survivor against the offer exactly as
    /// <see cref="EvaluatePair"/> does, counts the exclusions in <paramref name="excluded"/>, and returns the offer and the
    /// best <paramref name="limit"/> with their score (the profile's), criteria and km; null when the offer is not
    /// indexed. Best is by the offer's own view where it states preferences, else by score; descending, ties by
    /// ascending id.
    /// </summary>
    public (Offer Offer, List<(double Score, Newcomer Newcomer, double[] Criteria, double Km)> Best)? RankNewcomers(
        string offerId, List<(Newcomer Newcomer, NewcomerQuery Query)> survivors, WeightProfile profile, int limit, Span<int> excluded)
    {
        // The root is the worst kept: the lowest score, and among equal scores the greatest id.
        var kept = new PriorityQueue<int, (double Score, string Id)>(limit + 1,
            Comparer<(double Score, string Id)>.Create((a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : string.CompareOrdinal(b.Id, a.Id)));
        Span<double> criteria = stackalloc double[Criteria.Count];
        Offer offer;
        List<(double, Newcomer, double[], double)> best;
        _lock.EnterReadLock();
        try
        {
            if (!_slotOf.TryGetValue(offerId, out var slot)) return null;
            offer = _offers[slot]!;
            // Ordered by the offer's own view where it states preferences, else by the newcomers' score.
            var weights = offer.Preferences is { } preferences ? preferences.Weights : profile.Weights;
            for (var j = 0; j < survivors.Count; j++)
            {
                var reason = Evaluate(survivors[j].Query, slot, criteria, out _, out _, out _, out _);
                if (reason != ExclusionReason.None)
                {
                    excluded[(int)reason]++;
                    continue;
                }
                var key = CriterionWeights.Dot(weights, criteria);
                var id = survivors[j].Newcomer.Id;
                if (kept.Count == limit)
                {
                    kept.TryPeek(out _, out var worst);
                    if (key < worst.Score || (key == worst.Score && string.CompareOrdinal(id, worst.Id) > 0)) continue;
                    kept.Dequeue();
                }
                kept.Enqueue(j, (key, id));
            }
            // The few kept are evaluated again for their criteria and km (cheaper than copying them for every survivor).
            best = new List<(double, Newcomer, double[], double)>(kept.Count);
            while (kept.TryDequeue(out var j, out _))
            {
                Evaluate(survivors[j].Query, slot, criteria, out var km, out _, out _, out _);
                best.Add((profile.Score(criteria), survivors[j].Newcomer, criteria.ToArray(), km));
            }
        }
        finally { _lock.ExitReadLock(); }
        best.Reverse();
        return (offer, best);
    }

    /// <summary>What the reverse ranking's first pass tests of a stored offer (see <see cref="NewcomerIndex.Survivors"/>), or null.</summary>
    public OfferScanFacts? ScanFacts(string offerId)
    {
        _lock.EnterReadLock();
        try
        {
            if (!_slotOf.TryGetValue(offerId, out var slot)) return null;
            var gate = _gate[slot];
            var p = 3 * slot;
            return new OfferScanFacts((gate & FullBit) != 0, (gate & RemoteBit) != 0, (_hours[p + 2] & RestrictedBit) != 0, gate >> LevelShift,
                _xyz[p], _xyz[p + 1], _xyz[p + 2], _hours[p], _hours[p + 1], _hours[p + 2] & ~RestrictedBit);
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>Evaluates a stored slot exactly as the scan does: the gate table, the distance bound, then the rest.</summary>
    private ExclusionReason Evaluate(NewcomerQuery q, int i, Span<double> s, out double km, out int overlap, out long days, out PairInputs inputs)
    {
        inputs = default;
        km = 0;
        overlap = 0;
        days = 0;
        int outcome = q.GateTable[_gate[i]];
        var p = 3 * i;
        var chord2 = GeoPoint.ChordSquared(q.X, q.Y, q.Z, _xyz[p], _xyz[p + 1], _xyz[p + 2]);
        if (outcome == NeedsDistance) outcome = chord2 > q.LimitChordSquaredHigh ? (int)ExclusionReason.Distance : Survivor;
        return outcome == Survivor ? SurvivorReason(q, i, s, out km, out overlap, out days, out inputs) : (ExclusionReason)outcome;
    }

    /// <summary>
    /// The rest, for the few offers that pass the gate and the distance bound: the exact distance where chord² alone
    /// cannot tell, then age, gender and time, the commonest time failure (no common hour) first from the hours column
    /// without touching the offer's struct; then the criterion scores of an offer that passes.
    /// With a <paramref name="floor"/> (the worst score a full top k keeps), the criteria but availability are scored
    /// before the costlier time checks, and an offer whose score could not reach the floor even with availability at its
    /// maximum 1 is answered <see cref="BelowFloor"/> without them: with non-negative weights, the weighted sum in the
    /// scan's order is monotone in each criterion, rounding included, so the bound is never below the true score.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ExclusionReason SurvivorReason(NewcomerQuery q, int i, Span<double> s, out double km, out int overlap, out long days, out PairInputs inputs,
        double floor = double.NegativeInfinity)
    {
        inputs = default;
        overlap = 0;
        days = 0;
        km = -1;
        var gate = _gate[i];
        var remote = (gate & RemoteBit) != 0;
        var chord2 = GeoPoint.ChordSquared(q.X, q.Y, q.Z, _xyz[3 * i], _xyz[3 * i + 1], _xyz[3 * i + 2]);
        if (!remote && chord2 >= q.LimitChordSquaredLow)
        {
            km = GeoPoint.ChordToKm(chord2);
            if (km > q.MaxKm) return ExclusionReason.Distance;
        }
        var p = 3 * i;
        var h2 = _hours[p + 2];
        var commonHours = (q.H0 & _hours[p]) | (q.H1 & _hours[p + 1]) | (q.H2 & h2);
        if (commonHours == 0 && (h2 & RestrictedBit) == 0) return ExclusionReason.Time;

        ref readonly var cold = ref _cold[i];
        if (cold.AgeMin >= 0 && q.Age >= 0 && (q.Age < cold.AgeMin || q.Age > cold.AgeMax)) return ExclusionReason.Age;
        if (cold.GenderMask != 0 && q.GenderBit != 0 && (cold.GenderMask & q.GenderBit) == 0) return ExclusionReason.Gender;
        if (commonHours == 0) return ExclusionReason.Time;
        var kind = gate & KindBits;
        int exact;
        bool shared;
        var scored = floor > double.NegativeInfinity;
        if (scored)
        {
            if (km < 0) km = GeoPoint.ChordToKm(chord2);
            ScoreAllButTime(q, gate, in cold, km, remote, s, out exact, out shared);
            s[(int)Criterion.Availability] = 1;
            var weights = q.Weights;
            var bound = 0.0;
            for (var c = 0; c < s.Length; c++) bound += weights[c] * s[c];
            if (bound < floor) return BelowFloor;
        }
        else
        {
            (exact, shared) = (0, false);
        }
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
        if (!scored) ScoreAllButTime(q, gate, in cold, km, remote, s, out exact, out shared);
        s[(int)Criterion.Availability] = Formulas.AvailabilityFit(overlap, days, cold.Hours);
        inputs = new PairInputs(km, remote, q.Level, gate >> LevelShift, cold.LevelMax, (OfferKind)kind, exact,
            s[(int)Criterion.Interests], Shapes.TimeRatio(overlap, days, cold.Hours), shared, s[(int)Criterion.Goals]);
        // Learned shapes replace the formulas of their criteria.
        q.Shapes?.Apply(s, inputs);
        return ExclusionReason.None;
    }

    /// <summary>Every criterion score but availability, for an offer that passed the gate and the distance bound.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScoreAllButTime(NewcomerQuery q, byte gate, in Cold cold, double km, bool remote, Span<double> s, out int exact, out bool shared)
    {
        var kind = gate & KindBits;
        s[(int)Criterion.Language] = Formulas.LanguageFit(q.Level, gate >> LevelShift, cold.LevelMax, (OfferKind)kind);
        exact = (q.Interests & cold.Interests).Count;
        var partial = (cold.Interests & ~q.Interests & q.InterestFamily).Count;
        s[(int)Criterion.Interests] = Formulas.InterestFit(exact, partial, q.InterestCount, cold.InterestCount);
        s[(int)Criterion.Distance] = Formulas.DistanceFit(km, remote, q.DistanceOffsetKm, q.GaussSigmaSquared);
        shared = !(q.Languages & cold.Languages).IsEmpty;
        s[(int)Criterion.BridgingLanguage] = shared ? q.BridgingIfShared : 0;
        s[(int)Criterion.Goals] = q.GoalTable[NewcomerQuery.GoalSlot(kind, cold.Setting)];
    }

    /// <summary>Interleaves 16-bit quantised latitude and longitude (a Morton code).</summary>
    internal static ulong ZOrder(GeoPoint p)
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
        _xyz[3 * slot] = x;
        _xyz[3 * slot + 1] = y;
        _xyz[3 * slot + 2] = z;
        IncludeInBlock(slot, x, y, z);
        var remoteBit = 1UL << (slot & (BlockSize - 1));
        _blockRemote[slot >> BlockShift] = offer.Remote ? _blockRemote[slot >> BlockShift] | remoteBit : _blockRemote[slot >> BlockShift] & ~remoteBit;
        _hours[3 * slot] = h0;
        _hours[3 * slot + 1] = h1;
        _hours[3 * slot + 2] = h2 | (offer.AgeRange is not null || genderMask != 0 ? RestrictedBit : 0);
        _capacity[slot] = offer.Capacity;
        _held[slot] = held;
        var bounds = offer.Schedule.Bounds;
        var cold = new Cold
        {
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

    /// <summary>Grows the slot's block sphere to hold the point (it never shrinks until <see cref="Compact"/>).</summary>
    private void IncludeInBlock(int slot, double x, double y, double z)
    {
        var b = slot >> BlockShift;
        if (_blockRadius[b] < 0)
        {
            _blockCentre[3 * b] = x;
            _blockCentre[3 * b + 1] = y;
            _blockCentre[3 * b + 2] = z;
            _blockRadius[b] = 0;
            return;
        }
        var chord = Math.Sqrt(GeoPoint.ChordSquared(_blockCentre[3 * b], _blockCentre[3 * b + 1], _blockCentre[3 * b + 2], x, y, z));
        // A hair of margin: the scan's test must never be tighter than the arithmetic that built the sphere.
        _blockRadius[b] = Math.Max(_blockRadius[b], chord * (1 + 1e-12) + 1e-12);
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _gate.Length) return;
        var size = (int)Math.Max(BlockSize, BitOperations.RoundUpToPowerOf2((uint)needed));
        Array.Resize(ref _gate, size);
        Array.Resize(ref _xyz, 3 * size);
        var oldBlocks = _blockRadius.Length;
        Array.Resize(ref _blockCentre, 3 * (size >> BlockShift));
        Array.Resize(ref _blockRadius, size >> BlockShift);
        Array.Resize(ref _blockRemote, size >> BlockShift);
        Array.Fill(_blockRadius, -1, oldBlocks, _blockRadius.Length - oldBlocks);
        Array.Resize(ref _hours, 3 * size);
        Array.Resize(ref _capacity, size);
        Array.Resize(ref _held, size);
        Array.Resize(ref _cold, size);
        Array.Resize(ref _overflowBounds, size);
        Array.Resize(ref _offers, size);
    }
}

/// <summary>What the kernel found for one pair, for explanations and override checks.</summary>
/// <remarks><see cref="Inputs"/> are the raw features the learned shapes read (default when excluded).</remarks>
internal sealed record PairFacts(ExclusionReason Reason, double Km, int OverlapMinutesPerWeek, long Days, Offer Offer, int Held, PairInputs Inputs);
