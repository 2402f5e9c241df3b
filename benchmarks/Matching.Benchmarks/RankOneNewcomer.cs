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
    private NewcomerQuery[] _shapedQueries = null!;
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
        _shapedQueries = _newcomers.Select(n => _engine.Compile(n, Shaped, null)).ToArray();
    }

    /// <summary>A learned-shaped profile's form: a curve of 8 to 12 knots on every criterion, both interactions included.</summary>
    private static readonly WeightProfile Shaped = WeightProfile.Create(new WeightProfileDocument
    {
        Name = "shaped",
        Weights = new() { ["language"] = 0.2, ["interests"] = 0.1, ["distance"] = 0.4, ["availability"] = 0.1, ["bridgingLanguage"] = 0.1, ["goals"] = 0.1 },
        // Tolerance 0 as the default's, so that the two scans see the same survivors and differ only in the curves.
        Shapes = new()
        {
            ["distance"] = new() { Feature = "km", Knots = [[0, 1], [1, 0.98], [2, 0.95], [3, 0.9], [5, 0.8], [7, 0.65], [9, 0.5], [12, 0.35], [15, 0.2], [20, 0.1], [25, 0.05], [40, 0]] },
            ["distanceBeginner"] = new() { Feature = "km", Knots = [[0, 1], [2, 0.8], [4, 0.55], [6, 0.35], [8, 0.2], [10, 0.1], [15, 0.03], [25, 0]] },
            ["language"] = new() { Feature = "levelGap", Knots = [[-1, 0.1], [0, 1], [1, 0.9], [2, 0.7], [3, 0.5], [4, 0.4]] },
            ["languageInternship"] = new() { Feature = "levelGapLanguageInternship", Knots = [[-1, 0.1], [0, 1], [1, 0.6], [2, 0.2]] },
            ["interests"] = new() { Feature = "exactInterests", Knots = [[0, 0], [1, 0.6], [2, 0.85], [3, 1]] },
            ["availability"] = new() { Feature = "timeRatio", Knots = [[1, 0], [1.2, 0.2], [1.5, 0.4], [2, 0.6], [3, 0.8], [4.5, 1]] },
            ["bridgingLanguage"] = new() { Feature = "bridgingLevel", Knots = [[0, 1], [1, 0.9], [2, 0.6], [3, 0.3], [4, 0.1], [6, 0]] },
            ["goals"] = new() { Feature = "goalFit", Knots = [[0.3, 0], [0.5, 0.3], [0.7, 0.6], [1, 1]] },
        },
    }, out _)!;

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

    /// <summary>The same scan under a profile with a learned curve on every criterion.</summary>
    [Benchmark]
    public int IndexScanShaped()
    {
        var q = _shapedQueries[_next++ & (Newcomers - 1)];
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

    /// <summary>The whole answer under the shaped profile: compile, scan with the curves, explain the top 10.</summary>
    [Benchmark]
    public int SuggestWithExplanationsShaped()
    {
        var n = _newcomers[_next++ & (Newcomers - 1)];
        return _engine.Suggest(n, ShapedOptions).Suggestions.Count;
    }

    private static readonly RankingOptions ShapedOptions = new() { Profile = Shaped };

}
