using System.Diagnostics;
using Matching.Data;
using Matching.Ranking;
using Matching.Scoring;

namespace Matching.Benchmarks;

/// <summary>A quick stopwatch loop for iterating on the scan (`-- probe 100000`); BenchmarkDotNet gives the figures of record.</summary>
internal static class Probe
{
    public static void Run(int offers)
    {
        var today = new DateOnly(2026, 11, 2);
        var data = new DemoDataGenerator(new DemoDataOptions { Seed = 2026, Offers = offers, Newcomers = 64, Today = today }).Generate();
        var engine = new MatchingEngine(new FixedTime(today));
        engine.UpsertMany(data.Offers.Select(o => (o, 0)));
        var queries = data.Newcomers.Select(n => engine.Compile(n, WeightProfile.Default, null)).ToArray();
        var excluded = new int[OfferIndex.OutcomeSlots];
        for (var round = 0; round < 5; round++)
        {
            var sw = Stopwatch.StartNew();
            var runs = 0;
            while (sw.ElapsedMilliseconds < 1000)
            {
                engine.Index.Rank(queries[runs & 63], 10, excluded);
                runs++;
            }
            Console.WriteLine($"{offers} offers: {sw.Elapsed.TotalMicroseconds / runs:F1} us per rank, {sw.Elapsed.TotalNanoseconds / runs / offers:F2} ns per offer");
        }
    }
}
