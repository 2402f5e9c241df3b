using System.Diagnostics;
using Matching.Data;
using Matching.Ranking;
using Matching.Scoring;

namespace Matching.Benchmarks;

/// <summary>
/// A quick stopwatch loop for iterating on the scan (`-- probe 100000`) or the whole answer with explanations
/// (`-- probe 100000 suggest`); BenchmarkDotNet gives the figures of record.
/// </summary>
internal static class Probe
{
    private const int Newcomers = 64; // a power of two: the loop cycles through them with a mask

    public static void Run(int offers, bool suggest = false)
    {
        var today = new DateOnly(2026, 11, 2);
        var data = new DemoDataGenerator(new DemoDataOptions { Seed = 2026, Offers = offers, Newcomers = Newcomers, Today = today }).Generate();
        var engine = new MatchingEngine(new FixedTime(today));
        engine.UpsertMany(data.Offers.Select(o => (o, 0)));
        var newcomers = data.Newcomers.ToArray();
        var queries = newcomers.Select(n => engine.Compile(n, WeightProfile.Default, null)).ToArray();
        var excluded = new int[OfferIndex.OutcomeSlots];
        for (var round = 0; round < 5; round++)
        {
            var sw = Stopwatch.StartNew();
            var runs = 0;
            while (sw.ElapsedMilliseconds < 1000)
            {
                if (suggest) engine.Suggest(newcomers[runs & (Newcomers - 1)]);
                else engine.Index.Rank(queries[runs & (Newcomers - 1)], 10, excluded);
                runs++;
            }
            Console.WriteLine($"{offers} offers: {sw.Elapsed.TotalMicroseconds / runs:F1} us per {(suggest ? "suggest" : "rank")}, {sw.Elapsed.TotalNanoseconds / runs / offers:F2} ns per offer");
        }
    }
}
