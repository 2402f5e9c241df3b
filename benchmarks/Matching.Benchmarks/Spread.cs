using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Matching.Data;
using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;

namespace Matching.Benchmarks;

/// <summary>
/// The spread of one ranking's cost over many newcomers (`-- spread 100000 [newcomers] [rounds]`): the dense world of
/// <c>run-dense.sh</c> (the demo generator, seed 42, the offers clustered around the cities), each newcomer's top 10
/// ranked single-threaded as a suggestion ranks it (exclusions counted, winners' facts kept), round after round over
/// every newcomer so that the machine's noise falls on all alike. Prints the distribution of the per-ranking time and
/// allocation, and the costliest newcomers with what the scan met for them (offers past the gate and the distance bound,
/// feasible offers). Times are the thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so that on a shared machine the time
/// the scheduler gives to others is not counted (their use of the caches still is).
/// </summary>
internal static class Spread
{
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID

    private static long ThreadCpuNanoseconds()
    {
        ClockGetTime(ThreadCpuClock, out var t);
        return t.Seconds * 1_000_000_000 + t.Nanoseconds;
    }

    public static void Run(int offers, int newcomerCount, int rounds)
    {
        var today = new DateOnly(2026, 11, 30);
        var data = new DemoDataGenerator(new DemoDataOptions { Seed = 42, Offers = offers, Newcomers = newcomerCount, Today = today }).Generate();
        var engine = new MatchingEngine(new FixedTime(today));
        engine.UpsertMany(data.Offers.Select(o => (o, 0)));
        var newcomers = data.Newcomers.ToArray();
        var queries = newcomers.Select(n => engine.Compile(n, WeightProfile.Default, null)).ToArray();
        var excluded = new int[OfferIndex.OutcomeSlots];
        var winners = new WinnerFacts[10];
        var samples = new double[rounds, newcomers.Length];
        var checksum = 0.0;
        // A warm-up round that the JIT's tiers settle in, then the measured rounds.
        for (var round = -1; round < rounds; round++)
        {
            for (var j = 0; j < newcomers.Length; j++)
            {
                Array.Clear(excluded);
                var t0 = ThreadCpuNanoseconds();
                var top = engine.Index.Rank(queries[j], 10, excluded, winners);
                var t1 = ThreadCpuNanoseconds();
                checksum += top.Count == 0 ? 0 : top[0].Score;
                if (round >= 0) samples[round, j] = (t1 - t0) / 1000.0;
            }
        }
        var wall = Stopwatch.StartNew();
        for (var j = 0; j < newcomers.Length; j++) engine.Index.Rank(queries[j], 10, excluded, winners);
        var wallPerRanking = wall.Elapsed.TotalMicroseconds / newcomers.Length;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (var j = 0; j < newcomers.Length; j++) engine.Index.Rank(queries[j], 10, excluded, winners);
        var allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)newcomers.Length;

        var all = new List<double>(rounds * newcomers.Length);
        for (var r = 0; r < rounds; r++) for (var j = 0; j < newcomers.Length; j++) all.Add(samples[r, j]);
        all.Sort();
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"{offers} offers, {newcomers.Length} newcomers, {rounds} rounds ({all.Count} rankings, checksum {checksum:F3})"));
        Console.WriteLine(string.Create(inv,
            $"per ranking, thread CPU µs: mean {all.Average():F1}  p50 {At(all, 0.5):F1}  p90 {At(all, 0.9):F1}  p99 {At(all, 0.99):F1}  max {all[^1]:F1}; allocated {allocated:F0} B; wall mean of one more round {wallPerRanking:F1} µs"));

        // Per newcomer: the median over rounds, and what the scan met.
        var rows = new List<(double Median, int Index, int Survivors, int Feasible)>();
        for (var j = 0; j < newcomers.Length; j++)
        {
            var times = new double[rounds];
            for (var r = 0; r < rounds; r++) times[r] = samples[r, j];
            Array.Sort(times);
            Array.Clear(excluded);
            engine.Index.Rank(queries[j], 10, excluded, winners);
            var hot = excluded[(int)ExclusionReason.Kind] + excluded[(int)ExclusionReason.Capacity] + excluded[(int)ExclusionReason.DutchLevel];
            var total = 0;
            for (var r = 1; r < excluded.Length; r++) total += excluded[r];
            var feasible = offers - total;
            // Past the gate: everything not excluded by it; the distance exclusions include those the exact km made.
            rows.Add((times[rounds / 2], j, offers - hot - excluded[(int)ExclusionReason.Distance], feasible));
        }
        var medians = rows.Select(r => r.Median).Order().ToList();
        Console.WriteLine(string.Create(inv,
            $"per newcomer median µs: p10 {At(medians, 0.1):F1}  p50 {At(medians, 0.5):F1}  p90 {At(medians, 0.9):F1}  max {medians[^1]:F1}"));
        Console.WriteLine("costliest newcomers: median µs, place, max km, level, interests, offers within reach past the gate, feasible");
        foreach (var row in rows.OrderByDescending(r => r.Median).Take(8).Concat(rows.OrderBy(r => r.Median).Take(3)))
        {
            var n = newcomers[row.Index];
            Console.WriteLine(string.Create(inv,
                $"  {row.Median,8:F1}  {n.Location.Place,-22} {n.MaxTravelKm,4} km  {n.DutchLevel}  {n.Interests.Count}  {row.Survivors,6}  {row.Feasible,6}"));
        }
    }

    private static double At(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)(q * sorted.Count))];
}
