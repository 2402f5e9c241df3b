using System.Runtime.CompilerServices;
using Matching.Model;
using Matching.Scoring;

namespace Matching.Ranking;

/// <summary>The criterion scores of one scored pair, in <see cref="Criterion"/> order (a fixed-size buffer, no array).</summary>
[InlineArray(Criteria.Count)]
internal struct CriterionScores
{
    private double _element;
}

/// <summary>What the scan knew about one winner: its criterion scores and the distance behind them, to explain it.</summary>
internal struct WinnerFacts
{
    /// <summary>The criterion scores the winner's score is the weighted sum of.</summary>
    public CriterionScores Criteria;
    /// <summary>The great-circle distance in km (also for a remote offer).</summary>
    public double Km;
}

/// <summary>
/// Keeps the k best (score, slot) pairs of a scan without sorting everything: a binary heap whose root is the worst
/// kept. Ties are broken by ascending offer id, so the result is deterministic. When given room for them it keeps, per
/// kept entry, the <see cref="WinnerFacts"/> too, so the winners can be explained without asking the index again.
/// </summary>
/// <remarks>All storage is the caller's (stack or arrays): nothing is allocated, per offer or at all.</remarks>
internal ref struct TopK
{
    private readonly Span<double> _scores;
    private readonly Span<int> _slots;
    private readonly Span<WinnerFacts> _facts; // empty when the caller keeps no facts
    private readonly Offer?[] _offers; // the index's offers by slot, for the tie order
    private readonly int[] _idOrder; // the index's id order by slot (0 when unknown), to settle most ties without the ids
    private int _count;

    /// <summary>
    /// A heap of <c>scores.Length</c> entries; <paramref name="facts"/> is empty or just as long. <paramref name="idOrder"/>
    /// gives per slot its id's place in the ordinal order of the ids (any increasing numbering), or 0 when unknown.
    /// </summary>
    public TopK(Span<double> scores, Span<int> slots, Span<WinnerFacts> facts, Offer?[] offers, int[] idOrder)
    {
        if (slots.Length != scores.Length || (!facts.IsEmpty && facts.Length != scores.Length))
        {
            throw new ArgumentException("The slots (and the facts, when kept) need one entry per score.", nameof(slots));
        }
        _scores = scores;
        _slots = slots;
        _facts = facts;
        _offers = offers;
        _idOrder = idOrder;
    }

    /// <summary>Entries kept.</summary>
    public readonly int Count => _count;

    /// <summary>Whether every place is taken, so that only a score of at least <see cref="WorstScore"/> can still enter.</summary>
    public readonly bool Full => _count == _scores.Length && _count > 0;

    /// <summary>The worst kept score (the heap's root); meaningful when <see cref="Full"/>.</summary>
    public readonly double WorstScore => _scores[0];

    /// <summary>Whether a new score could enter at all (a cheap test before the exact one).</summary>
    public readonly bool CouldEnter(double score) => _count < _scores.Length || score >= _scores[0];

    /// <summary>Adds a scored slot if it is among the k best so far; its criteria and distance are kept with it when facts are kept.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(double score, int slot, scoped ReadOnlySpan<double> criteria, double km)
    {
        if (_scores.Length == 0) return;
        if (_count < _scores.Length)
        {
            Set(_count, score, slot, criteria, km);
            SiftUp(_count++);
            return;
        }
        if (!Better(score, slot, _scores[0], _slots[0])) return;
        Set(0, score, slot, criteria, km);
        SiftDown(0, _count);
    }

    /// <summary>
    /// Sorts the kept entries best first, in place (a heap sort: the worst goes to the end, again and again); then
    /// <see cref="ScoreAt"/>, <see cref="SlotAt"/> and the facts span are in rank order. Add nothing after this.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly void SortBestFirst()
    {
        for (var end = _count - 1; end > 0; end--)
        {
            Swap(0, end);
            SiftDown(0, end);
        }
    }

    /// <summary>The score of the entry at a position.</summary>
    public readonly double ScoreAt(int position) => _scores[position];

    /// <summary>The slot of the entry at a position.</summary>
    public readonly int SlotAt(int position) => _slots[position];

    private readonly void Set(int at, double score, int slot, scoped ReadOnlySpan<double> criteria, double km)
    {
        _scores[at] = score;
        _slots[at] = slot;
        if (_facts.IsEmpty) return;
        ref var facts = ref _facts[at];
        criteria.CopyTo(facts.Criteria);
        facts.Km = km;
    }

    private readonly bool Better(double s1, int slot1, double s2, int slot2) => s1 > s2 || (s1 == s2 && IdBefore(slot1, slot2));

    // Equal scores are common (offers at one place with the same facts), and comparing the ids reads two objects and two
    // strings per comparison: the numbering settles it when both slots have one.
    private readonly bool IdBefore(int slot1, int slot2)
    {
        var order1 = _idOrder[slot1];
        var order2 = _idOrder[slot2];
        return order1 != 0 && order2 != 0 ? order1 < order2 : string.CompareOrdinal(_offers[slot1]!.Id, _offers[slot2]!.Id) < 0;
    }

    private readonly bool Better(int a, int b) => Better(_scores[a], _slots[a], _scores[b], _slots[b]);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private readonly void SiftUp(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (!Better(parent, i)) break;
            Swap(i, parent);
            i = parent;
        }
    }

    /// <summary>Moves the entry at <paramref name="i"/> down within the heap of the first <paramref name="count"/> entries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private readonly void SiftDown(int i, int count)
    {
        while (true)
        {
            var l = 2 * i + 1;
            var r = l + 1;
            var worst = i;
            if (l < count && Better(worst, l)) worst = l;
            if (r < count && Better(worst, r)) worst = r;
            if (worst == i) return;
            Swap(i, worst);
            i = worst;
        }
    }

    private readonly void Swap(int a, int b)
    {
        (_scores[a], _scores[b]) = (_scores[b], _scores[a]);
        (_slots[a], _slots[b]) = (_slots[b], _slots[a]);
        if (!_facts.IsEmpty) (_facts[a], _facts[b]) = (_facts[b], _facts[a]);
    }
}
