using Matching.Model;

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
                _overflowBounds = _overflowBounds[.._length],
                _offers = _offers[.._length],
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

    /// <summary>The slot's unit vector.</summary>
    internal (double X, double Y, double Z) UnitVectorAt(int slot) => (_xyz[3 * slot], _xyz[3 * slot + 1], _xyz[3 * slot + 2]);

    /// <summary>
    /// Whether the pair passes every hard constraint that <paramref name="q"/>'s gate table asks for — exactly the test
    /// of the scan and of <see cref="EvaluatePair"/> (compile the query with <c>ignoreCapacity</c> for "feasible with a
    /// free place"). Takes no lock: for a <see cref="Freeze"/>d copy. <paramref name="scratch"/> holds the criteria.
    /// </summary>
    internal bool FeasibleUnlocked(NewcomerQuery q, int slot, Span<double> scratch) =>
        Evaluate(q, slot, scratch, out _, out _, out _, out _) == ExclusionReason.None;
}
