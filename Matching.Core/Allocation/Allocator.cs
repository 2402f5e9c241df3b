using System.Runtime.InteropServices;
using Google.OrTools.Graph;

namespace Matching.Allocation;

/// <summary>How to allocate.</summary>
public enum AllocationMode
{
    /// <summary>Place as many newcomers as possible, then maximise the total score (min-cost flow, OR-Tools).</summary>
    Optimal,
    /// <summary>Newcomer-proposing deferred acceptance: no newcomer and offer both prefer each other to what they got.</summary>
    Stable,
    /// <summary>Pairs by descending score, each taken if both are free: the baseline.</summary>
    Greedy,
    /// <summary>
    /// Maximise Σ(V + score − price) with a price per offer place learned from the recent arrivals
    /// (<see cref="PlacePricing"/>): places the future needs more are kept for it. Without prices, every price is 0.
    /// </summary>
    Dynamic,
}

/// <summary>Why a newcomer was left without a place.</summary>
public enum UnplacedReason
{
    /// <summary>No offer was feasible for the newcomer at all.</summary>
    NoFeasibleOffer,
    /// <summary>Feasible offers existed, but their places went to others.</summary>
    FeasibleOffersTaken,
    /// <summary>A feasible place was free, but its price (dynamic mode) says later arrivals need it more.</summary>
    HeldForLater,
    /// <summary>The newcomer's trajectory starts after today (a registered intake): not allocated until then.</summary>
    NotStarted,
}

/// <summary>One candidate pair of an allocation problem.</summary>
/// <param name="Newcomer">Index of the newcomer, 0 ≤ Newcomer &lt; newcomer count.</param>
/// <param name="Offer">Index of the offer, 0 ≤ Offer &lt; offer count.</param>
/// <param name="Score">The pair's score in [0, 1] (the newcomer's side).</param>
/// <param name="OfferSideScore">How the offer ranks the newcomer, in [0, 1], for the stable mode (often the same score).</param>
public readonly record struct CandidatePair(int Newcomer, int Offer, double Score, double OfferSideScore);

/// <summary>
/// An allocation problem over explicit candidates and capacities: the generic entry point for tests and analysts.
/// Only the listed pairs may be assigned (they are the feasible ones); an offer takes at most its capacity.
/// </summary>
/// <param name="NewcomerCount">Newcomers, indexed 0..n−1 (ties break by index, so order them by id).</param>
/// <param name="Capacities">Free places per offer, indexed 0..m−1 (ties break by index).</param>
/// <param name="Candidates">The feasible pairs; at most one per newcomer and offer.</param>
public sealed record AllocationProblem(int NewcomerCount, IReadOnlyList<int> Capacities, IReadOnlyList<CandidatePair> Candidates);

/// <summary>The allocation: for each newcomer the offer index or −1, and why the unplaced are unplaced.</summary>
/// <param name="OfferOf">Per newcomer, the assigned offer's index, or −1.</param>
/// <param name="Placed">Newcomers placed.</param>
/// <param name="TotalScore">Sum of the placed pairs' scores.</param>
/// <param name="Unplaced">Per unplaced newcomer (by index), the reason.</param>
public sealed record AllocationSolution(int[] OfferOf, int Placed, double TotalScore, IReadOnlyDictionary<int, UnplacedReason> Unplaced);

/// <summary>
/// Allocates scarce places across many newcomers at once. Deterministic: the same problem gives the same answer.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class Allocator
{
    /// <summary>
    /// Integer cost resolution of a score: costs are (Scale − round(score × Scale)), so totals up to 10⁷ pairs stay far
    /// inside 64 bits, and two allocations whose totals differ by 10⁻⁶ are told apart.
    /// </summary>
    public const long Scale = 1_000_000;

    /// <summary>Solves the problem in the given mode; <paramref name="prices"/> (one per offer, ≥ 0) only serve the dynamic mode.</summary>
    /// <exception cref="ArgumentException">A pair names an index out of range, repeats, or has a score outside [0, 1]; or the prices do not fit.</exception>
    public static AllocationSolution Solve(AllocationProblem problem, AllocationMode mode, IReadOnlyList<double>? prices = null)
    {
        if (mode == AllocationMode.Dynamic)
        {
            return PlacePricing.SolvePriced(problem, prices ?? new double[problem.Capacities.Count], PricingOptions.DefaultPlacementValue);
        }
        Validate(problem);
        var offerOf = mode switch
        {
            AllocationMode.Optimal => SolveOptimal(problem),
            AllocationMode.Stable => SolveStable(problem),
            _ => SolveGreedy(problem),
        };
        return Summarise(problem, offerOf);
    }

    /// <summary>
    /// Max flow at min cost on source → newcomer (1) → offer (1 per candidate pair) → sink (capacity). The solver
    /// maximises the flow first — the number placed — and among maximum flows minimises Σ(Scale − score), which is
    /// maximising the total score: exactly the lexicographic objective.
    /// </summary>
    private static int[] SolveOptimal(AllocationProblem p) => SolveOptimal(p, Scale);

    /// <summary>The optimal mode with scores resolved to 1/<paramref name="scale"/> (the benchmark compares resolutions).</summary>
    internal static int[] SolveOptimal(AllocationProblem p, long scale)
    {
        var n = p.NewcomerCount;
        var capacities = AsSpan(p.Capacities);
        var pairs = AsSpan(p.Candidates);
        var m = capacities.Length;
        var source = n + m;
        var sink = source + 1;
        var offerOf = new int[n];
        Array.Fill(offerOf, -1);
        if (pairs.Length == 0) return offerOf;
        var flow = new MinCostFlow(n + m + 2, 2 * (n + m) + pairs.Length);
        var hasCandidate = new bool[n];
        foreach (ref readonly var c in pairs) hasCandidate[c.Newcomer] = true;
        for (var i = 0; i < n; i++) if (hasCandidate[i]) flow.AddArcWithCapacityAndUnitCost(source, i, 1, 0);
        var pairArcs = new int[pairs.Length];
        for (var k = 0; k < pairs.Length; k++)
        {
            ref readonly var c = ref pairs[k];
            pairArcs[k] = flow.AddArcWithCapacityAndUnitCost(c.Newcomer, n + c.Offer, 1, scale - (long)Math.Round(c.Score * scale));
        }
        for (var j = 0; j < m; j++) if (capacities[j] > 0) flow.AddArcWithCapacityAndUnitCost(n + j, sink, capacities[j], 0);
        // SolveMaxFlowWithMinCost sends as much as it can from the nodes with supply to those with demand.
        flow.SetNodeSupply(source, n);
        flow.SetNodeSupply(sink, -n);
        var status = flow.SolveMaxFlowWithMinCost();
        if (status != MinCostFlowBase.Status.OPTIMAL) throw new InvalidOperationException($"The min-cost-flow solver ended with {status}.");
        for (var k = 0; k < pairArcs.Length; k++)
        {
            if (flow.Flow(pairArcs[k]) > 0) offerOf[pairs[k].Newcomer] = pairs[k].Offer;
        }
        return offerOf;
    }

    /// <summary>Newcomer-proposing deferred acceptance with capacities (Gale–Shapley, many-to-one).</summary>
    private static int[] SolveStable(AllocationProblem p)
    {
        var n = p.NewcomerCount;
        var m = p.Capacities.Count;
        // Each newcomer's list, best first; each offer's view of a proposer as a comparable key.
        var lists = new List<CandidatePair>[n];
        for (var i = 0; i < n; i++) lists[i] = [];
        foreach (var c in p.Candidates) lists[c.Newcomer].Add(c);
        foreach (var list in lists) list.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.Offer.CompareTo(b.Offer));
        var held = new List<(double Key, int Newcomer)>[m];
        for (var j = 0; j < m; j++) held[j] = [];
        var next = new int[n];
        var offerOf = new int[n];
        Array.Fill(offerOf, -1);
        var free = new Queue<int>(Enumerable.Range(0, n));
        while (free.Count > 0)
        {
            var i = free.Dequeue();
            if (next[i] >= lists[i].Count) continue; // exhausted: stays unplaced
            var c = lists[i][next[i]++];
            var j = c.Offer;
            if (p.Capacities[j] <= 0) { free.Enqueue(i); continue; }
            var h = held[j];
            if (h.Count < p.Capacities[j])
            {
                h.Add((c.OfferSideScore, i));
                offerOf[i] = j;
                continue;
            }
            // The offer keeps its best; the worst is the lowest key, and among equal keys the highest index.
            var worst = 0;
            for (var k = 1; k < h.Count; k++) if (OfferPrefers(h[worst], h[k])) worst = k;
            if (OfferPrefers((c.OfferSideScore, i), h[worst]))
            {
                var rejected = h[worst].Newcomer;
                h[worst] = (c.OfferSideScore, i);
                offerOf[i] = j;
                offerOf[rejected] = -1;
                free.Enqueue(rejected);
            }
            else
            {
                free.Enqueue(i);
            }
        }
        return offerOf;
    }

    /// <summary>Whether an offer prefers the first proposer to the second: higher score, then lower index.</summary>
    internal static bool OfferPrefers((double Key, int Newcomer) a, (double Key, int Newcomer) b) =>
        a.Key > b.Key || (a.Key == b.Key && a.Newcomer < b.Newcomer);

    private static int[] SolveGreedy(AllocationProblem p)
    {
        var order = p.Candidates.ToArray();
        Array.Sort(order, (a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score)
            : a.Newcomer != b.Newcomer ? a.Newcomer.CompareTo(b.Newcomer) : a.Offer.CompareTo(b.Offer));
        var left = p.Capacities.ToArray();
        var offerOf = new int[p.NewcomerCount];
        Array.Fill(offerOf, -1);
        foreach (var c in order)
        {
            if (offerOf[c.Newcomer] >= 0 || left[c.Offer] <= 0) continue;
            offerOf[c.Newcomer] = c.Offer;
            left[c.Offer]--;
        }
        return offerOf;
    }

    internal static AllocationSolution Summarise(AllocationProblem p, int[] offerOf)
    {
        // One pass over the pairs finds each placed newcomer's score (a pair is listed once, so at most one matches).
        var n = p.NewcomerCount;
        var scoreOf = new double[n];
        var matched = new bool[n];
        var hasCandidate = new bool[n];
        foreach (ref readonly var c in AsSpan(p.Candidates))
        {
            hasCandidate[c.Newcomer] = true;
            if (offerOf[c.Newcomer] != c.Offer) continue;
            scoreOf[c.Newcomer] = c.Score;
            matched[c.Newcomer] = true;
        }
        var placed = 0;
        var total = 0.0;
        var unplaced = new SortedDictionary<int, UnplacedReason>();
        for (var i = 0; i < offerOf.Length; i++)
        {
            if (offerOf[i] >= 0)
            {
                if (!matched[i]) throw new KeyNotFoundException($"Newcomer {i} was given offer {offerOf[i]}, which is not among its candidates.");
                placed++;
                total += scoreOf[i];
            }
            else
            {
                unplaced[i] = hasCandidate[i] ? UnplacedReason.FeasibleOffersTaken : UnplacedReason.NoFeasibleOffer;
            }
        }
        return new AllocationSolution(offerOf, placed, total, unplaced);
    }

    internal static void Validate(AllocationProblem p)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(p.NewcomerCount);
        var capacities = AsSpan(p.Capacities);
        foreach (var c in capacities) if (c < 0) throw new ArgumentException("Capacities must not be negative.", nameof(p));
        var pairs = AsSpan(p.Candidates);
        var n = p.NewcomerCount;
        // Ranges and scores first, counting each newcomer's pairs; then the pairs grouped by newcomer (a counting sort)
        // and each group's offers marked with the newcomer: a repeat finds its own mark. Arrays only, no hashing.
        var start = new int[n + 1];
        foreach (ref readonly var c in pairs)
        {
            if ((uint)c.Newcomer >= (uint)n || (uint)c.Offer >= (uint)capacities.Length)
            {
                throw new ArgumentException($"Pair ({c.Newcomer}, {c.Offer}) is out of range.", nameof(p));
            }
            if (!(c.Score is >= 0 and <= 1) || !(c.OfferSideScore is >= 0 and <= 1))
            {
                throw new ArgumentException($"Pair ({c.Newcomer}, {c.Offer}) has a score outside [0, 1].", nameof(p));
            }
            start[c.Newcomer + 1]++;
        }
        for (var i = 0; i < n; i++) start[i + 1] += start[i];
        var next = start[..n];
        var grouped = new int[pairs.Length];
        foreach (ref readonly var c in pairs) grouped[next[c.Newcomer]++] = c.Offer;
        var mark = new int[capacities.Length];
        Array.Fill(mark, -1);
        for (var i = 0; i < n; i++)
        {
            for (var q = start[i]; q < start[i + 1]; q++)
            {
                if (mark[grouped[q]] == i) throw new ArgumentException($"Pair ({i}, {grouped[q]}) is listed twice.", nameof(p));
                mark[grouped[q]] = i;
            }
        }
    }

    /// <summary>The list's elements as a span without a copy when it is an array or a list (as the planner builds it).</summary>
    internal static ReadOnlySpan<T> AsSpan<T>(IReadOnlyList<T> list) => list switch
    {
        T[] array => array,
        List<T> items => CollectionsMarshal.AsSpan(items),
        _ => list.ToArray(),
    };
}
