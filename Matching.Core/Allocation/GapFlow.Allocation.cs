using System.Numerics;
using System.Runtime.CompilerServices;
using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;

namespace Matching.Allocation;

// The maximum allocation of one kind's places: a greedy start from the offers' side, then augmenting paths (see the
// class's summary in GapFlow.cs for why it is exact).
internal sealed partial class GapFlow
{
    /// <summary>
    /// A maximum allocation of the free places of one kind's offers: per newcomer, the slot of the offer it is placed
    /// with, or −1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int[] MaximumAllocation(OfferKind kind)
    {
        var slots = new List<int>();
        var free = new List<int>();
        for (var s = 0; s < _offers.SlotCount; s++)
        {
            if (_offers.KindAt(s) != (int)kind) continue;
            var (offer, capacity, held) = _offers.At(s);
            _ = offer;
            slots.Add(s);
            free.Add(Math.Max(0, capacity - held));
        }
        var flow = new KindFlow(this, [.. slots], [.. free]);
        flow.Solve();
        // In place: the flow is done with it.
        var offerOf = flow.Mate;
        for (var u = 0; u < offerOf.Length; u++) offerOf[u] = offerOf[u] < 0 ? -1 : slots[offerOf[u]];
        return offerOf;
    }

    /// <summary>The state of one kind's allocation: offers by index into <c>slots</c>, newcomers by index into the queries.</summary>
    private sealed class KindFlow
    {
        private readonly GapFlow _flow;
        private readonly int[] _slots;
        private readonly int[] _free;
        private readonly int[] _load;
        private readonly OfferScanFacts[] _facts;
        private readonly OfferTime[] _time;
        private readonly uint[] _timeBuckets;
        private readonly int[]?[] _cellsOf; // per offer, the newcomer cells around it, nearest first (when first walked)
        private readonly Dictionary<(int, int), int[]> _cellsAround = []; // by the offer's cell
        private int[]? _everyCell;
        private readonly int[] _cursorCell; // per offer, how far its walk has come: the cell in _cellsOf
        private readonly int[] _cursorPosition; // and the position in it (−1: its start)
        private readonly int[]?[] _adjacent; // per offer whose walk ended: every feasible newcomer
        private readonly bool[] _dead;
        private readonly int[] _visit;
        private readonly int[] _parent;
        private readonly int[] _via;
        private readonly int[] _next; // by position: itself while unplaced, else a later position (disjoint sets)
        private readonly List<int> _queue = [];
        private int _stamp;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public KindFlow(GapFlow flow, int[] slots, int[] free)
        {
            _flow = flow;
            _slots = slots;
            _free = free;
            var m = slots.Length;
            _load = new int[m];
            _facts = new OfferScanFacts[m];
            _time = new OfferTime[m];
            _timeBuckets = new uint[m];
            for (var j = 0; j < m; j++)
            {
                _facts[j] = flow._offers.ScanFactsAt(slots[j]);
                _timeBuckets[j] = TimeBuckets(_facts[j].H0, _facts[j].H1, _facts[j].H2);
                var (hours, startsOn, endsOn) = flow._offers.TimeAt(slots[j]);
                _time[j] = new OfferTime(hours, startsOn, endsOn);
            }
            _cellsOf = new int[m][];
            _cursorCell = new int[m];
            _cursorPosition = new int[m];
            Array.Fill(_cursorPosition, -1);
            _adjacent = new int[m][];
            _dead = new bool[m];
            _visit = new int[m];
            _parent = new int[m];
            _via = new int[m];
            var n = flow._count;
            Mate = new int[n];
            Array.Fill(Mate, -1);
            _next = new int[n + 1];
            for (var p = 0; p <= n; p++) _next[p] = p;
        }

        /// <summary>Per newcomer, the offer (index into the slots) it is placed with, or −1.</summary>
        public int[] Mate { get; }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Solve()
        {
            // Greedy start: each offer fills its free places with the nearest unplaced feasible newcomers.
            for (var j = 0; j < _slots.Length; j++)
            {
                while (_load[j] < _free[j])
                {
                    var u = NextFree(j);
                    if (u < 0) break;
                    Place(u, j);
                    _load[j]++;
                }
            }
            // Then augmenting paths from every offer with a free place left, until none has one.
            for (var j = 0; j < _slots.Length; j++)
            {
                while (_load[j] < _free[j] && !_dead[j] && Augment(j)) { }
            }
        }

        private void Place(int u, int j)
        {
            Mate[u] = j;
            var p = _flow._positionOf[u];
            _next[p] = p + 1;
        }

        /// <summary>The first unplaced position at or after p (path halving).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int Find(int p)
        {
            var next = _next;
            while (next[p] != p)
            {
                next[p] = next[next[p]];
                p = next[p];
            }
            return p;
        }

        /// <summary>The next unplaced newcomer feasible for offer j on its walk, or −1 when the walk has ended.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int NextFree(int j)
        {
            var cells = _cellsOf[j] ??= CellsOf(j);
            var flow = _flow;
            ref readonly var facts = ref _facts[j];
            var slot = _slots[j];
            var buckets = _timeBuckets[j];
            while (_cursorCell[j] < cells.Length)
            {
                var c = cells[_cursorCell[j]];
                if (!flow.CellWithinReach(c, facts))
                {
                    _cursorCell[j]++;
                    continue;
                }
                var end = flow._cellStart[c + 1];
                var p = Find(_cursorPosition[j] < 0 ? flow._cellStart[c] : _cursorPosition[j]);
                while (p < end && flow._level[p] >= facts.MinLevel)
                {
                    var skip = flow.WithoutCommonHour(p, buckets);
                    if (skip > 0)
                    {
                        p = Find(Math.Min(p + skip, end));
                        continue;
                    }
                    if (flow.MayReach(p, facts, _time[j]) && flow._offers.FeasibleUnlocked(flow.Pair(p), slot))
                    {
                        _cursorPosition[j] = p + 1;
                        return flow._order[p];
                    }
                    p = Find(p + 1);
                }
                _cursorCell[j]++;
                _cursorPosition[j] = -1;
            }
            return -1;
        }

        /// <summary>The cells offer j walks, nearest first: those around the offer's cell, or every one (remote, or a reach too wide).</summary>
        private int[] CellsOf(int j)
        {
            if (_facts[j].Remote) return _everyCell ??= Enumerable.Range(0, _flow.CellCount).ToArray();
            if (_flow._reachLat < 0) return _flow.CellsWithinReach(_facts[j]);
            var key = CellKey(_flow._offers.At(_slots[j]).Offer.Location.Point);
            if (!_cellsAround.TryGetValue(key, out var cells)) _cellsAround[key] = cells = _flow.CellsAround(key);
            return cells;
        }

        /// <summary>Every newcomer feasible for offer j (asked once its walk has ended, when all of them are placed).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int[] Adjacent(int j)
        {
            if (_adjacent[j] is { } known) return known;
            var list = new List<int>();
            var flow = _flow;
            ref readonly var facts = ref _facts[j];
            foreach (var c in _cellsOf[j]!)
            {
                if (!flow.CellWithinReach(c, facts)) continue;
                for (var p = flow._cellStart[c]; p < flow._cellStart[c + 1] && flow._level[p] >= facts.MinLevel; p++)
                {
                    if (flow.MayReach(p, facts, _time[j]) && flow._offers.FeasibleUnlocked(flow.Pair(p), _slots[j])) list.Add(flow._order[p]);
                }
            }
            return _adjacent[j] = [.. list];
        }

        /// <summary>
        /// Breadth-first search for an augmenting path from offer s (which has a free place); true when one was found and
        /// applied. When none exists, every offer visited is marked dead: none of them will ever have one.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Augment(int s)
        {
            _stamp++;
            _queue.Clear();
            _queue.Add(s);
            _visit[s] = _stamp;
            for (var h = 0; h < _queue.Count; h++)
            {
                var j = _queue[h];
                var u = NextFree(j);
                if (u >= 0)
                {
                    // u goes to j; along the path back each offer takes the newcomer it was reached through.
                    Place(u, j);
                    while (j != s)
                    {
                        Mate[_via[j]] = _parent[j];
                        j = _parent[j];
                    }
                    _load[s]++;
                    return true;
                }
                foreach (var v in Adjacent(j))
                {
                    var other = Mate[v];
                    if (other == j || _dead[other] || _visit[other] == _stamp) continue;
                    _visit[other] = _stamp;
                    _parent[other] = j;
                    _via[other] = v;
                    _queue.Add(other);
                }
            }
            foreach (var j in _queue) _dead[j] = true;
            return false;
        }
    }
}
