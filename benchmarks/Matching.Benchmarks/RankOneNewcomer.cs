using BenchmarkDotNet.Attributes;
using Matching.Data;
using Matching.Model;
using Matching.Ranking;
using Matching.Reference;
using Matching.Scoring;

namespace Matching.Benchmarks;

/// <summary>
/// Ranks one newcomer against N offers: the offer index (flat arrays, bitsets, top-k heap) against the plain
/// LINQ-over-objects reference scorer of the same semantics. Each operation ranks the next of 64 demo newcomers.
/// </summary>
[MemoryDiagnoser]
public class RankOneNewcomer
{
    private static readonly DateOnly Today = new(2026, 11, 2);
    private const int Newcomers = 64; // a power of two: each operation takes the next with a mask
    private MatchingEngine _engine = null!;
    private ReferenceScorer _reference = null!;
    private List<(Offer Offer, int Held)> _offers = null!;
    private NewcomerQuery[] _queries = null!;
    private Newcomer[] _newcomers = null!;
    private int _next;
    private int[] _excluded = new int[OfferIndex.OutcomeSlots];

    /// <summary>Offers in the index.</summary>
    [Params(1_000, 10_000, 100_000)]
    public int Offers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var data = new DemoDataGenerator(new DemoDataOptions { Seed = 2026, Offers = Offers, Newcomers = Newcomers, Today = Today }).Generate();
        _engine = new MatchingEngine(new FixedTime(Today));
        _engine.UpsertMany(data.Offers.Select(o => (o, 0)));
        _offers = data.Offers.Select(o => (o, 0)).ToList();
        _reference = new ReferenceScorer(_engine.Taxonomy, _engine.Languages);
        _newcomers = [.. data.Newcomers];
        _queries = _newcomers.Select(n => _engine.Compile(n, WeightProfile.Default, null)).ToArray();
    }

    /// <summary>The straightforward way: LINQ over objects, evaluate every pair, sort all.</summary>
    [Benchmark(Baseline = true)]
    public int LinqBaseline()
    {
        var n = _newcomers[_next++ & (Newcomers - 1)];
        return _reference.Rank(n, _offers, WeightProfile.Default, Today, null, 10).Count;
    }

    /// <summary>The index scan alone: hard constraints, criteria and the top-10 heap over every offer.</summary>
    [Benchmark]
    public int IndexScan()
    {
        var q = _queries[_next++ & (Newcomers - 1)];
        Array.Clear(_excluded);
        return _engine.Index.Rank(q, 10, _excluded).Count;
    }

    /// <summary>The whole answer as the API gives it: compile the newcomer, scan, explain the top 10 in Dutch.</summary>
    [Benchmark]
    public int SuggestWithExplanations()
    {
        var n = _newcomers[_next++ & (Newcomers - 1)];
        return _engine.Suggest(n).Suggestions.Count;
    }

}
