using System.Buffers;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Matching.Model;
using Matching.Scoring;

namespace Matching.Ranking;

/// <summary>
/// The offers in a compact, cache-friendly layout for scanning. Every offer within reach is tested on two columns: a
/// one-byte <em>gate</em> (kind, remote, full, minimum level, dead) that a per-newcomer 256-entry table turns into an
/// exclusion reason, and a unit vector for a chord² distance test; the gate's exclusions of the whole index are counted
/// at once from a count of offers per gate value. The survivors' hard time checks read one cache line each (a
/// <see cref="TimeFacts"/>: half-hour cells, period, hours); only offers that could enter the top k read their
/// <see cref="Cold"/> struct (intervals inline, interest and language bitsets) to be scored. Remote offers, which
/// survive the distance for everyone, are kept besides in a run of their own that every scan reads first.
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

    /// <summary>Entries of a gate table: one per value of the gate byte.</summary>
    internal const int GateValues = byte.MaxValue + 1;

    private const int BlockShift = 6;
    private const int BlockSize = 1 << BlockShift;
    // Up to this many blocks the scan keeps its list of near blocks on the stack (12 bytes a block); more in pooled arrays.
    private const int StackBlocks = 2048;
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

    // What a feasible offer's score needs beyond its TimeFacts, and the rarer checks (age, gender, a schedule off the
    // half-hour grid): the bitsets first, in the first cache line, for the exact interests of the refined bound.
    private struct Cold
    {
        public Bits256 Interests;
        public Bits256 Languages;
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
    }

    // A survivor's hard checks and its score's bound in one 64-byte struct: the half-hour cells its schedule touches, its
    // period, its hours, in the flags what the bound reads of the offer (see ScoreBound), and in the tail of the cells
    // (the 48 bits of their last word above the week's 336 cells) its age and gender limits and its interests' count and
    // fold. A newcomer's cells never set those bits, so HalfHours.Common is the same with the tail as without.
    private struct TimeFacts
    {
        public HalfHours Cells;
        public int StartsOnDay; // int.MinValue when open
        public int EndsOnDay; // int.MaxValue when open
        public int Hours;
        public int Flags;

        public readonly ulong Tail => Cells.W5 >> TailShift;
    }

    // The flags of a TimeFacts.
    private const int OnGridFlag = 1; // every bound on a half hour: the cells are exactly the schedule
    private const int RestrictedFlag = 1 << 1; // age or gender limits the tail cannot hold (ages above 126): the Cold struct's checks apply
    private const int NoInterestsFlag = 1 << 2; // no interest known to the taxonomy
    private const int LevelMaxShift = 3; // 3 bits: the maximum Dutch level
    private const int SettingShift = 6; // 4 bits: the setting
    private const int LanguageFoldShift = 10; // LanguageFoldBits bits: the languages, folded
    private const int DomainFoldShift = 16; // DomainFoldBits bits: the interests' domains, folded

    // The tail of a TimeFacts: the minimum and maximum age plus one (0: no limit), the genders (the mask's bits 1..3),
    // then the number of interests and their fold.
    private const int TailShift = 7 * 48 - 5 * 64; // the cells in the last word
    private const int AgeBits = 7;
    private const int AgeMask = (1 << AgeBits) - 1;
    private const int MaxAgeInTail = AgeMask - 1;
    private const int AgeMaxTailShift = AgeBits;
    private const int GendersTailShift = 2 * AgeBits; // 3 bits: the gender mask shifted right by one
    private const ulong RestrictionTail = (1UL << (GendersTailShift + 3)) - 1;
    private const int InterestCountTailShift = GendersTailShift + 3; // 8 bits
    private const int InterestFoldTailShift = InterestCountTailShift + 8; // InterestFoldBits bits

    /// <summary>Bits of the folded interests in an offer's tail: enough to tell most offers that share no interest with a newcomer.</summary>
    internal const int InterestFoldBits = 64 - TailShift - InterestFoldTailShift;

    /// <summary>Bits of the folded languages in an offer's flags (see <see cref="Bits256.Fold"/>).</summary>
    internal const int LanguageFoldBits = 6;
    /// <summary>Bits of the folded interest domains in an offer's flags.</summary>
    internal const int DomainFoldBits = 16;

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
    // The live remote offers, which every newcomer's scan meets wherever they are: their slots, and a copy of their
    // TimeFacts side by side, so that the scan reads them in one run instead of one or two in each block beyond the
    // reach; _remoteAt holds per slot its place in the run plus one (0: not remote).
    private int[] _remoteSlots = [];
    private TimeFacts[] _remoteTime = [];
    private int _remoteCount;
    private int[] _remoteAt = [];
    private ulong[] _hours = []; // hours of the week the schedule touches, three words per offer; bit 63 of the third: age or gender restricted
    private int[] _capacity = [];
    private int[] _held = [];
    private Cold[] _cold = [];
    private TimeFacts[] _time = [];
    private int[] _gateCount = new int[GateValues]; // slots in [0, _length) per gate value (dead ones included)
    private int[]?[] _overflowBounds = []; // schedules of more than six merged intervals
    // Per slot, its offer's place in the ordinal order of the ids at the last Compact (from 1); 0 for a slot written with
    // a new id since. Equal scores are ordered by id: between two ranked slots this settles it without reading the ids.
    private int[] _idOrder = [];
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

    /// <summary>Adds or replaces an offer; <paramref name="held"/> places are taken by accepted matches.</summary>
    public void Upsert(Offer offer, int held)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_slotOf.TryGetValue(offer.Id, out var slot))
            {
                slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : NewSlot();
                _slotOf[offer.Id] = slot;
                _idOrder[slot] = 0; // a new id: its place in the order is not known until the next compaction
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
            Array.Clear(_gateCount);
            _blockRadius = [];
            _blockCentre = [];
            _remoteCount = 0;
            Array.Clear(_remoteAt);
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
            var ids = new string[live.Count];
            var bySlot = new int[live.Count];
            foreach (var (_, offer, held) in live)
            {
                var slot = NewSlot();
                _slotOf[offer.Id] = slot;
                Write(slot, offer, held);
                ids[slot] = offer.Id;
                bySlot[slot] = slot;
            }
            Array.Sort(ids, bySlot, StringComparer.Ordinal);
            for (var r = 0; r < bySlot.Length; r++) _idOrder[bySlot[r]] = r + 1;
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
            SetGate(slot, DeadKind);
            RemoveRemote(slot);
            _offers[slot] = null;
            _overflowBounds[slot] = null;
            _idOrder[slot] = 0;
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
            SetGate(slot, (byte)((_gate[slot] & ~FullBit) | (_capacity[slot] - held <= 0 ? FullBit : 0)));
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
            var top = new TopK(heapScores, heapSlots, winners.IsEmpty ? default : winners[..k], _offers, _idOrder);
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
    /// not counted, so once the top k is full an offer whose distance alone keeps it out is not even checked: the
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
            var top = new TopK(scores, slots[..k], default, _offers, _idOrder);
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
    /// The scan, under the caller's read lock: every feasible offer that could enter <paramref name="top"/> is scored and
    /// offered to it (sorted best first at the end). With <paramref name="countAll"/>, every exclusion is counted into
    /// <paramref name="excluded"/>; without, offers that cannot enter the top k are not checked and the counts are partial.
    /// </summary>
    /// <remarks>
    /// Three things keep the work near the newcomer. The gate's exclusions (kind, capacity, level) do not depend on where
    /// an offer is, so they are counted for the whole index from <see cref="_gateCount"/>, and the offers that needed the
    /// distance test are all excluded by distance but those found within reach. The remote offers are met first, in a run
    /// of their own (a copy of their TimeFacts side by side), and blocks of 64 whose bounding sphere lies beyond the reach
    /// are passed over. The blocks within reach are taken nearest first, so
    /// that the top k fills with good offers early; once it is full, a feasible offer whose score's bound
    /// (<see cref="ScoreBound"/>, read from the one cache line the time checks read anyway) falls below its worst is
    /// counted but not scored.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Scan(NewcomerQuery q, ref TopK top, scoped Span<int> excluded, bool countAll)
    {
        var table = q.GateTable;
        if (table.Length != GateValues) throw new InvalidOperationException("A gate table has 256 entries.");
        var length = Math.Min(_length, Math.Min(_gate.Length, _xyz.Length / 3));
        var blockCount = (length + BlockSize - 1) >> BlockShift;
        var needsDistance = CountGateExclusions(table, excluded);

        Span<double> criteria = stackalloc double[Criteria.Count];
        Span<int> survivors = stackalloc int[BlockSize];
        Span<int> remoteRun = stackalloc int[BlockSize]; // where the remote survivors' TimeFacts are in the run
        // The distance score's ceiling per band of chord², filled as the bands are met (NaN until then).
        Span<double> ceilings = stackalloc double[DistanceBands];
        ceilings.Fill(double.NaN);
        // Learned shapes could lift a criterion above its formula, and a negative weight would turn the bound around:
        // either turns the pruning off.
        var bound = new Pruning(PruneByScore && q.Shapes is null && NonNegative(q.Weights), q, ceilings);

        int[]? pooledBlocks = null;
        double[]? pooledKeys = null;
        var near = blockCount <= StackBlocks ? stackalloc int[blockCount] : (pooledBlocks = ArrayPool<int>.Shared.Rent(blockCount)).AsSpan(0, blockCount);
        var keys = blockCount <= StackBlocks ? stackalloc double[blockCount] : (pooledKeys = ArrayPool<double>.Shared.Rent(blockCount)).AsSpan(0, blockCount);
        try
        {
            double qx = q.X, qy = q.Y, qz = q.Z;
            var limit = q.LimitChordSquaredHigh;
            var reach = Math.Sqrt(limit);
            var blocks = _blockCentre;
            var radii = _blockRadius;
            ref var gate0 = ref MemoryMarshal.GetArrayDataReference(_gate);
            ref var table0 = ref MemoryMarshal.GetArrayDataReference(table);
            // The remote offers first, from their run: they survive the gate wherever they are, and with the distance
            // score's full credit they fill the top k with good offers early.
            var remoteSlots = _remoteSlots;
            var found = 0;
            for (var r = 0; r < _remoteCount; r++)
            {
                var i = remoteSlots[r];
                if (i >= length || Unsafe.Add(ref table0, Unsafe.Add(ref gate0, i)) != Survivor) continue;
                survivors[found] = i;
                remoteRun[found++] = r;
                if (found < BlockSize) continue;
                Survivors(q, ref top, survivors, remoteRun, _remoteTime, excluded, criteria, bound, countAll);
                found = 0;
            }
            if (found > 0) Survivors(q, ref top, survivors[..found], remoteRun[..found], _remoteTime, excluded, criteria, bound, countAll);

            var nearCount = 0;
            for (var b = 0; b < blockCount; b++)
            {
                var cx = qx - blocks[3 * b];
                var cy = qy - blocks[3 * b + 1];
                var cz = qz - blocks[3 * b + 2];
                var centre = Math.Sqrt(cx * cx + cy * cy + cz * cz);
                // Triangle inequality in chord space: when the block's sphere lies beyond the reach, no offer in it is
                // within it (its remote offers were met in their run).
                if (centre > reach + radii[b]) continue;
                near[nearCount] = b;
                keys[nearCount++] = centre - radii[b];
            }
            keys[..nearCount].Sort(near[..nearCount]);

            ref var xyz0 = ref MemoryMarshal.GetArrayDataReference(_xyz);
            ref var survivor0 = ref MemoryMarshal.GetReference(survivors);
            var within = 0;
            for (var n = 0; n < nearCount; n++)
            {
                var blockStart = near[n] << BlockShift;
                // Two passes per block: a tight loop without calls that collects the survivors (appended without a
                // branch), then the survivors' checks and scores.
                found = ScanNearBlock(ref gate0, ref table0, ref xyz0, ref survivor0, blockStart, Math.Min(length, blockStart + BlockSize),
                    qx, qy, qz, limit, ref within);
                if (found > 0) Survivors(q, ref top, survivors[..found], default, _time, excluded, criteria, bound, countAll);
            }
            excluded[(int)ExclusionReason.Distance] += needsDistance - within;
        }
        finally
        {
            if (pooledBlocks is not null) ArrayPool<int>.Shared.Return(pooledBlocks);
            if (pooledKeys is not null) ArrayPool<double>.Shared.Return(pooledKeys);
        }
        top.SortBestFirst();
    }

    /// <summary>
    /// Adds the gate's exclusions of every slot (kind, capacity, level, by their count per gate value) to
    /// <paramref name="excluded"/>, and returns how many slots the gate sends on to the distance test.
    /// </summary>
    private int CountGateExclusions(byte[] table, Span<int> excluded)
    {
        var needsDistance = 0;
        var counts = _gateCount;
        for (var g = 0; g < GateValues; g++)
        {
            var count = counts[g];
            if (count == 0) continue;
            var outcome = table[g];
            if (outcome == NeedsDistance) needsDistance += count;
            else if (outcome < NeedsDistance) excluded[outcome] += count;
        }
        return needsDistance;
    }

    /// <summary>
    /// The survivors of one block's first pass: each is checked exactly (the counts need it) and each feasible one is
    /// scored and offered to the top k — unless the top k is full and the score's bound (<see cref="ScoreBound"/>) says
    /// it cannot enter: then it is counted but not scored, and without counts to keep not even checked.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Survivors(NewcomerQuery q, ref TopK top, scoped ReadOnlySpan<int> survivors, scoped ReadOnlySpan<int> timeAt, TimeFacts[] times,
        scoped Span<int> excluded, scoped Span<double> criteria, scoped Pruning bound, bool countAll)
    {
        var weights = q.Weights;
        var cells = q.Cells; // copied once a block, not once a survivor
        for (var j = 0; j < survivors.Length; j++)
        {
            var i = survivors[j];
            var gate = _gate[i];
            var p = 3 * i;
            // A remote offer's checks and bounds do not read its distance: only its score does (km for the explanation),
            // so a remote survivor's unit vector, apart in memory from its block's neighbours, is read only if it is scored.
            var remote = (gate & RemoteBit) != 0;
            var chord2 = remote ? 0 : GeoPoint.ChordSquared(q.X, q.Y, q.Z, _xyz[p], _xyz[p + 1], _xyz[p + 2]);
            ref readonly var time = ref times[timeAt.IsEmpty ? i : timeAt[j]];
            var pruning = bound.On && top.Full;
            if (pruning && !countAll && ScoreBound(q, gate, in time, bound.DistanceCeiling(gate, chord2), AvailabilityCeiling) < top.WorstScore) continue;
            var reason = HardReason(q, in cells, i, gate, chord2, in time, out var km, out var overlap, out var days);
            if (reason != ExclusionReason.None)
            {
                excluded[(int)reason]++;
                continue;
            }
            if (pruning)
            {
                var distance = bound.DistanceCeiling(gate, chord2);
                var availability = Formulas.AvailabilityFit(overlap, days, time.Hours);
                if (ScoreBound(q, gate, in time, distance, availability) < top.WorstScore) continue;
                // The interests and the shared language exactly, from the first line of the Cold struct: a tighter bound
                // before the distance's arcsine and exponential.
                if (RefinedScoreBound(q, gate, in time, in _cold[i], distance, availability) < top.WorstScore) continue;
            }
            if (remote) chord2 = GeoPoint.ChordSquared(q.X, q.Y, q.Z, _xyz[p], _xyz[p + 1], _xyz[p + 2]);
            Score(q, i, gate, chord2, ref km, overlap, days, criteria, out _, withInputs: false);
            var score = 0.0;
            for (var c = 0; c < criteria.Length; c++) score += weights[c] * criteria[c];
            if (top.CouldEnter(score)) top.Add(score, i, criteria, km);
        }
    }

    /// <summary>The score's pruning (<see cref="ScoreBound"/>); off only to test that it changes no result.</summary>
    internal bool PruneByScore { get; set; } = true;

    /// <summary>
    /// The score's bounds the scan would use for a feasible pair, before the time checks, after them, and refined by the
    /// exact interests and shared language; null when the
    /// pair is excluded or the scan would not prune (learned shapes, a negative weight). For the tests of the bound.
    /// </summary>
    internal (double BeforeTime, double AfterTime, double Refined)? ScoreBounds(NewcomerQuery q, string offerId)
    {
        Span<double> criteria = stackalloc double[Criteria.Count];
        Span<double> ceilings = stackalloc double[DistanceBands];
        ceilings.Fill(double.NaN);
        _lock.EnterReadLock();
        try
        {
            if (!_slotOf.TryGetValue(offerId, out var i)) return null;
            var bound = new Pruning(q.Shapes is null && NonNegative(q.Weights), q, ceilings);
            if (!bound.On || Evaluate(q, i, criteria, out _, out var overlap, out var days, out _) != ExclusionReason.None) return null;
            var gate = _gate[i];
            var p = 3 * i;
            var chord2 = GeoPoint.ChordSquared(q.X, q.Y, q.Z, _xyz[p], _xyz[p + 1], _xyz[p + 2]);
            ref readonly var time = ref _time[i];
            var distance = bound.DistanceCeiling(gate, chord2);
            var availability = Formulas.AvailabilityFit(overlap, days, time.Hours);
            return (ScoreBound(q, gate, in time, distance, AvailabilityCeiling), ScoreBound(q, gate, in time, distance, availability),
                RefinedScoreBound(q, gate, in time, in _cold[i], distance, availability));
        }
        finally { _lock.ExitReadLock(); }
    }

    // Bands of chord² within the reach, each with the distance score's ceiling at its near edge.
    private const int DistanceBands = 64;
    // Margins against rounding, far above the few ulps of error in sqrt, asin and exp: a band's near edge is moved in by
    // EdgeMargin (relative), and its ceiling raised by CeilingMargin.
    private const double EdgeMargin = 1e-9;
    private const double CeilingMargin = 1e-12;
    // The largest availability score: 0.6 × 1 + 0.4 × 1 (AvailabilityFit), exactly 1 in doubles.
    private const double AvailabilityCeiling = 1;

    /// <summary>Whether a scan prunes by score, and the distance score's ceiling per band of chord² (filled as met).</summary>
    private ref struct Pruning(bool on, NewcomerQuery q, Span<double> ceilings)
    {
        private readonly Span<double> _ceilings = ceilings;
        private readonly double _bandsPerChord2 = q.LimitChordSquaredHigh > 0 ? DistanceBands / q.LimitChordSquaredHigh : 0;

        public readonly bool On = on;

        /// <summary>
        /// A distance score at least the offer's: 1 for a remote offer, else the score at the near edge of the chord²'s band
        /// (km grows with chord², and the score falls with km). Survivors within reach lie in the bands; any chord² beyond
        /// falls in the last.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly double DistanceCeiling(byte gate, double chord2)
        {
            if ((gate & RemoteBit) != 0) return 1;
            var band = (int)Math.Min(chord2 * _bandsPerChord2, DistanceBands - 1);
            if (band <= 0) return 1;
            var ceiling = _ceilings[band];
            if (double.IsNaN(ceiling))
            {
                var edge = band / _bandsPerChord2 * (1 - EdgeMargin);
                ceiling = _ceilings[band] = Formulas.DistanceFit(GeoPoint.ChordToKm(edge), false, q.DistanceOffsetKm, q.GaussSigmaSquared) + CeilingMargin;
            }
            return ceiling;
        }
    }

    /// <summary>
    /// A bound of a feasible offer's score that reads no more than its <see cref="TimeFacts"/>: language and goals exactly
    /// (the maximum level and the setting are in the flags), availability as given (exact after the time checks, its
    /// ceiling 1 before), the distance score's ceiling, interests 0 when the offer's interests share no domain with the
    /// newcomer's (by their folds) and else 1 (0.5 when either lists none, as the formula), the bridging score 0 when
    /// the folded languages share no bit and else that of a shared language. Summed in the scan's order with
    /// non-negative weights: the sum is monotone in each criterion, rounding included, so with every term at least the
    /// true one the bound is never below the true score.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ScoreBound(NewcomerQuery q, byte gate, in TimeFacts time, double distance, double availability)
    {
        var flags = time.Flags;
        var interests = (flags & NoInterestsFlag) != 0 || q.InterestCount == 0 ? Formulas.NeutralInterest
            : ((flags >> DomainFoldShift) & q.DomainFold) == 0 ? 0
            : ((int)(time.Tail >> InterestFoldTailShift) & q.InterestFold) == 0 ? NoCommonInterestCeiling(q, time.Tail)
            : 1;
        var bridging = ((flags >> LanguageFoldShift) & q.LanguageFold) == 0 ? 0 : q.BridgingIfShared;
        return BoundSum(q, gate, flags, interests, distance, availability, bridging);
    }

    /// <summary>
    /// The interest score's ceiling for an offer that shares no interest with the newcomer (their folds share no bit): only
    /// the partial credit is left, and at most every one of the offer's interests earns it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double NoCommonInterestCeiling(NewcomerQuery q, ulong tail)
    {
        var count = (int)(tail >> InterestCountTailShift) & byte.MaxValue;
        return Formulas.InterestFit(0, count, q.InterestCount, count);
    }

    /// <summary><see cref="ScoreBound"/> with the interest and bridging scores exact (as <see cref="ScoreAllButTime"/> computes them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double RefinedScoreBound(NewcomerQuery q, byte gate, in TimeFacts time, in Cold cold, double distance, double availability)
    {
        var bridging = (q.Languages & cold.Languages).IsEmpty ? 0 : q.BridgingIfShared;
        return BoundSum(q, gate, time.Flags, InterestScore(q, in cold, out _), distance, availability, bridging);
    }

    /// <summary>The weighted sum in the scan's order, with language and goals exactly from the gate and the flags.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double BoundSum(NewcomerQuery q, byte gate, int flags, double interests, double distance, double availability, double bridging)
    {
        var weights = q.Weights;
        var kind = gate & KindBits;
        var language = Formulas.LanguageFit(q.Level, gate >> LevelShift, (flags >> LevelMaxShift) & 0b111, (OfferKind)kind);
        var goals = q.GoalTable[NewcomerQuery.GoalSlot(kind, (flags >> SettingShift) & 0b1111)];
        var sum = 0.0;
        sum += weights[(int)Criterion.Language] * language;
        sum += weights[(int)Criterion.Interests] * interests;
        sum += weights[(int)Criterion.Distance] * distance;
        sum += weights[(int)Criterion.Availability] * availability;
        sum += weights[(int)Criterion.BridgingLanguage] * bridging;
        sum += weights[(int)Criterion.Goals] * goals;
        return sum;
    }

    private static bool NonNegative(double[] weights)
    {
        foreach (var w in weights) if (!(w >= 0) || double.IsInfinity(w)) return false;
        return true;
    }

    /// <summary>
    /// First pass over a block within reach: the gate's outcome, and for those that need it the chord² test, chosen
    /// with arithmetic instead of branches (the outcomes come in no predictable order). Appends the survivors within
    /// reach (not the remote ones: they have their run) and adds to <paramref name="within"/> those that needed the distance test and passed it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int ScanNearBlock(ref byte gate0, ref byte table0, ref double xyz0, ref int survivor0,
        int start, int end, double qx, double qy, double qz, double limit, ref int within)
    {
        var found = 0;
        var passed = 0;
        for (var i = start; i < end; i++)
        {
            int outcome = Unsafe.Add(ref table0, Unsafe.Add(ref gate0, i));
            ref var v = ref Unsafe.Add(ref xyz0, 3 * i);
            var dx = qx - v;
            var dy = qy - Unsafe.Add(ref v, 1);
            var dz = qz - Unsafe.Add(ref v, 2);
            var inside = dx * dx + dy * dy + dz * dz > limit ? 0 : 1;
            var needs = outcome == NeedsDistance ? 1 : 0;
            var pass = needs & inside;
            passed += pass;
            Unsafe.Add(ref survivor0, found) = i;
            found += pass; // remote offers (the outcome Survivor) are met in their own run
        }
        within += passed;
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
        var gate = _gate[i];
        int outcome = q.GateTable[gate];
        var p = 3 * i;
        var chord2 = GeoPoint.ChordSquared(q.X, q.Y, q.Z, _xyz[p], _xyz[p + 1], _xyz[p + 2]);
        if (outcome == NeedsDistance) outcome = chord2 > q.LimitChordSquaredHigh ? (int)ExclusionReason.Distance : Survivor;
        if (outcome != Survivor) return (ExclusionReason)outcome;
        var cells = q.Cells;
        var reason = HardReason(q, in cells, i, gate, chord2, in _time[i], out km, out overlap, out days);
        if (reason == ExclusionReason.None) Score(q, i, gate, chord2, ref km, overlap, days, s, out inputs);
        return reason;
    }

    /// <summary>
    /// The hard constraints after the gate and the distance bound, in the order of their precedence: the exact distance
    /// where chord² alone cannot tell, age and gender (read from the offer's <see cref="Cold"/> struct only when it states
    /// them), then time: the available days, and the weekly overlap from the half-hour cells — exact when both lie on the
    /// half-hour grid; otherwise the cells' upper bound settles the commonest failure and the interval merge the rest.
    /// <paramref name="km"/> is −1 unless the exact distance was needed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ExclusionReason HardReason(NewcomerQuery q, in HalfHours cells, int i, byte gate, double chord2, in TimeFacts time, out double km, out int overlap,
        out long days)
    {
        overlap = 0;
        days = 0;
        km = -1;
        if ((gate & RemoteBit) == 0 && chord2 >= q.LimitChordSquaredLow)
        {
            km = GeoPoint.ChordToKm(chord2);
            if (km > q.MaxKm) return ExclusionReason.Distance;
        }
        var tail = time.Tail;
        if ((tail & RestrictionTail) != 0)
        {
            var ageMin = (int)(tail & AgeMask) - 1;
            var ageMax = (int)((tail >> AgeMaxTailShift) & AgeMask) - 1;
            if (ageMin >= 0 && q.Age >= 0 && (q.Age < ageMin || q.Age > ageMax)) return ExclusionReason.Age;
            var genders = (int)((tail >> GendersTailShift) & 0b111) << 1;
            if (genders != 0 && q.GenderBit != 0 && (genders & q.GenderBit) == 0) return ExclusionReason.Gender;
        }
        else if ((time.Flags & RestrictedFlag) != 0)
        {
            ref readonly var cold = ref _cold[i];
            if (cold.AgeMin >= 0 && q.Age >= 0 && (q.Age < cold.AgeMin || q.Age > cold.AgeMax)) return ExclusionReason.Age;
            if (cold.GenderMask != 0 && q.GenderBit != 0 && (cold.GenderMask & q.GenderBit) == 0) return ExclusionReason.Gender;
        }
        days = Formulas.AvailableDays(q.TodayDay, time.StartsOnDay, time.EndsOnDay, q.TrajectoryEndDayOrOpen, q.HorizonDays);
        if (days <= 0) return ExclusionReason.Time;
        var common = HalfHours.Common(in cells, in time.Cells);
        if (common == 0)
        {
            // No common minute. Only an offer asking no hours could still pass, and then only with a common hour.
            if (time.Hours > 0 || NoCommonHour(q, i)) return ExclusionReason.Time;
        }
        else if (q.OnGrid && (time.Flags & OnGridFlag) != 0)
        {
            overlap = HalfHours.CellMinutes * common;
        }
        else
        {
            if (!Formulas.TimeSuffices(HalfHours.CellMinutes * common, days, time.Hours)) return ExclusionReason.Time;
            ref readonly var cold = ref _cold[i];
            overlap = WeeklySlots.OverlapMinutes(q.Bounds, cold.BoundsLength == OverflowBounds
                ? _overflowBounds[i]
                : ((ReadOnlySpan<int>)cold.Bounds)[..cold.BoundsLength]);
        }
        return Formulas.TimeSuffices(overlap, days, time.Hours) ? ExclusionReason.None : ExclusionReason.Time;
    }

    private bool NoCommonHour(NewcomerQuery q, int i) =>
        ((q.H0 & _hours[3 * i]) | (q.H1 & _hours[3 * i + 1]) | (q.H2 & _hours[3 * i + 2] & ~RestrictedBit)) == 0;

    /// <summary>The criterion scores of a feasible offer (see <see cref="HardReason"/>); sets <paramref name="km"/> when it was not known yet.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Score(NewcomerQuery q, int i, byte gate, double chord2, ref double km, int overlap, long days, Span<double> s, out PairInputs inputs,
        bool withInputs = true)
    {
        if (km < 0) km = GeoPoint.ChordToKm(chord2);
        var remote = (gate & RemoteBit) != 0;
        ref readonly var cold = ref _cold[i];
        ScoreAllButTime(q, gate, in cold, km, remote, s, out var exact, out var shared);
        s[(int)Criterion.Availability] = Formulas.AvailabilityFit(overlap, days, cold.Hours);
        inputs = default;
        // The raw features: for the learned shapes, which replace the formulas of their criteria, and for the pair's facts.
        if (!withInputs && q.Shapes is null) return;
        inputs = new PairInputs(km, remote, q.Level, gate >> LevelShift, cold.LevelMax, (OfferKind)(gate & KindBits), exact,
            s[(int)Criterion.Interests], Shapes.TimeRatio(overlap, days, cold.Hours), shared, s[(int)Criterion.Goals]);
        q.Shapes?.Apply(s, inputs);
    }

    /// <summary>Every criterion score but availability, for an offer that passed the gate and the distance bound.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScoreAllButTime(NewcomerQuery q, byte gate, in Cold cold, double km, bool remote, Span<double> s, out int exact, out bool shared)
    {
        var kind = gate & KindBits;
        s[(int)Criterion.Language] = Formulas.LanguageFit(q.Level, gate >> LevelShift, cold.LevelMax, (OfferKind)kind);
        s[(int)Criterion.Interests] = InterestScore(q, in cold, out exact);
        s[(int)Criterion.Distance] = Formulas.DistanceFit(km, remote, q.DistanceOffsetKm, q.GaussSigmaSquared);
        shared = !(q.Languages & cold.Languages).IsEmpty;
        s[(int)Criterion.BridgingLanguage] = shared ? q.BridgingIfShared : 0;
        s[(int)Criterion.Goals] = q.GoalTable[NewcomerQuery.GoalSlot(kind, cold.Setting)];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double InterestScore(NewcomerQuery q, in Cold cold, out int exact)
    {
        exact = (q.Interests & cold.Interests).Count;
        var partial = (cold.Interests & ~q.Interests & q.InterestFamily).Count;
        return Formulas.InterestFit(exact, partial, q.InterestCount, cold.InterestCount);
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
        SetGate(slot, (byte)((int)offer.Kind
            | (offer.Remote ? RemoteBit : 0)
            | (offer.Capacity - held <= 0 ? FullBit : 0)
            | (offer.DutchLevel.Min.Ordinal << LevelShift)));
        _xyz[3 * slot] = x;
        _xyz[3 * slot + 1] = y;
        _xyz[3 * slot + 2] = z;
        IncludeInBlock(slot, x, y, z);
        _hours[3 * slot] = h0;
        _hours[3 * slot + 1] = h1;
        _hours[3 * slot + 2] = h2 | (offer.AgeRange is not null || genderMask != 0 ? RestrictedBit : 0);
        _capacity[slot] = offer.Capacity;
        _held[slot] = held;
        var bounds = offer.Schedule.Bounds;
        var cold = new Cold
        {
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
        var cells = offer.Schedule.HalfHourMask(out var onGrid);
        Debug.Assert(cells.W5 >> TailShift == 0, "The week's cells end below the tail.");
        // Age limits from 0 to 126 and the three genders fit the tail; anything else is checked from the Cold struct.
        var restrictionInTail = (cold.AgeMin < 0 || (cold.AgeMin <= MaxAgeInTail && cold.AgeMax is >= -1 and <= MaxAgeInTail)) && genderMask >> 4 == 0;
        var tail = (ulong)cold.InterestCount << InterestCountTailShift
            | (ulong)(uint)interests.Fold(InterestFoldBits) << InterestFoldTailShift;
        if (restrictionInTail)
        {
            var ageMin = (uint)(cold.AgeMin < 0 ? 0 : cold.AgeMin + 1);
            var ageMax = (uint)(cold.AgeMin < 0 ? 0 : cold.AgeMax + 1);
            tail |= ageMin | (ulong)ageMax << AgeMaxTailShift | (ulong)(uint)(genderMask >> 1) << GendersTailShift;
        }
        _time[slot] = new TimeFacts
        {
            Cells = cells with { W5 = cells.W5 | tail << TailShift },
            StartsOnDay = cold.StartsOnDay,
            EndsOnDay = cold.EndsOnDay,
            Hours = offer.Hours,
            Flags = (onGrid ? OnGridFlag : 0)
                | ((offer.AgeRange is not null || genderMask != 0) && !restrictionInTail ? RestrictedFlag : 0)
                | (cold.InterestCount == 0 ? NoInterestsFlag : 0)
                | (cold.LevelMax << LevelMaxShift)
                | (cold.Setting << SettingShift)
                | (cold.Languages.Fold(LanguageFoldBits) << LanguageFoldShift)
                | (_taxonomy.DomainsOf(interests).Fold(DomainFoldBits) << DomainFoldShift),
        };
        _offers[slot] = offer;
        if (offer.Remote) SetRemote(slot);
        else RemoveRemote(slot);
    }

    /// <summary>Adds the slot to the run of remote offers, or refreshes its copy of the TimeFacts there.</summary>
    private void SetRemote(int slot)
    {
        var at = _remoteAt[slot] - 1;
        if (at < 0)
        {
            at = _remoteCount++;
            if (at == _remoteSlots.Length)
            {
                var size = Math.Max(BlockSize, 2 * at);
                Array.Resize(ref _remoteSlots, size);
                Array.Resize(ref _remoteTime, size);
            }
            _remoteSlots[at] = slot;
            _remoteAt[slot] = at + 1;
        }
        _remoteTime[at] = _time[slot];
    }

    /// <summary>Takes the slot out of the run of remote offers (the last one fills its place), if it is there.</summary>
    private void RemoveRemote(int slot)
    {
        var at = _remoteAt[slot] - 1;
        if (at < 0) return;
        var last = --_remoteCount;
        _remoteSlots[at] = _remoteSlots[last];
        _remoteTime[at] = _remoteTime[last];
        _remoteAt[_remoteSlots[at]] = at + 1;
        _remoteAt[slot] = 0;
    }

    /// <summary>A fresh slot at the end, counted (as the zero gate it holds) until it is written.</summary>
    private int NewSlot()
    {
        var slot = _length++;
        EnsureCapacity(_length);
        _gateCount[_gate[slot]]++;
        return slot;
    }

    /// <summary>Sets a slot's gate and keeps the count per gate value.</summary>
    private void SetGate(int slot, byte gate)
    {
        _gateCount[_gate[slot]]--;
        _gateCount[gate]++;
        _gate[slot] = gate;
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
        Array.Resize(ref _remoteAt, size);
        Array.Fill(_blockRadius, -1, oldBlocks, _blockRadius.Length - oldBlocks);
        Array.Resize(ref _hours, 3 * size);
        Array.Resize(ref _capacity, size);
        Array.Resize(ref _held, size);
        Array.Resize(ref _cold, size);
        Array.Resize(ref _time, size);
        Array.Resize(ref _overflowBounds, size);
        Array.Resize(ref _offers, size);
        Array.Resize(ref _idOrder, size);
    }
}

/// <summary>What the kernel found for one pair, for explanations and override checks.</summary>
/// <remarks><see cref="Inputs"/> are the raw features the learned shapes read (default when excluded).</remarks>
internal sealed record PairFacts(ExclusionReason Reason, double Km, int OverlapMinutesPerWeek, long Days, Offer Offer, int Held, PairInputs Inputs);
