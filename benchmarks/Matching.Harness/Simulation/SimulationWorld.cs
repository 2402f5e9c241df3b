using Matching.Allocation;
using Matching.Data;
using Matching.Harness.Replay;
using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;

namespace Matching.Harness.Simulation;

/// <summary>How the number of future arrivals is forecast when prices are estimated.</summary>
internal enum ForecastKind
{
    /// <summary>The seasonal arrival curve, as last year's intake shows it: the expected count of each remaining week.</summary>
    Seasonal,
    /// <summary>The mean weekly count of the sampling window, for every remaining week (no knowledge of the season).</summary>
    Window,
    /// <summary>A diagnosis, not a forecast: the actual rest of the year, every arrival known (prices only).</summary>
    Oracle,
    /// <summary>A diagnosis: futures drawn from fresh newcomers of the generator (the true distribution, not the window's).</summary>
    Generator,
}

/// <summary>The sizes and the methods' settings of one simulated year.</summary>
internal sealed record SimulationOptions
{
    /// <summary>Seed of the year (newcomers, offers, arrivals) and of the price samples.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Expected newcomers arriving over the year.</summary>
    public int Arrivals { get; init; } = 3_000;
    /// <summary>Offers open during the year.</summary>
    public int Offers { get; init; } = 600;
    /// <summary>Fewest yearly places of an offer.</summary>
    public int MinPlaces { get; init; } = 1;
    /// <summary>Most yearly places of an offer.</summary>
    public int MaxPlaces { get; init; } = 3;
    /// <summary>Weeks in the year (one decision day per week).</summary>
    public int Weeks { get; init; } = 52;
    /// <summary>Amplitude of the seasonal arrival rate: rate ∝ 1 + a·cos(2π(week − peak)/52), peak in early September.</summary>
    public double Seasonality { get; init; } = 0.4;
    /// <summary>Weeks of recent arrivals the future is sampled from.</summary>
    public int WindowWeeks { get; init; } = 16;
    /// <summary>Sampled futures per price estimate (k).</summary>
    public int Samples { get; init; } = 5;
    /// <summary>The value of a placement beside its score (V of <see cref="PricingOptions.PlacementValue"/>).</summary>
    public double PlacementValue { get; init; } = 1;
    /// <summary>Weeks per segment of the sampled future, each sampled from the window as of its middle week; 0 for one segment as of today.</summary>
    public int SegmentWeeks { get; init; } = 4;
    /// <summary>Sampled futures per minimum-discord decision.</summary>
    public int DiscordSamples { get; init; } = 10;
    /// <summary>Whether the priced batch's own newcomers are part of its pricing LP (besides the sampled future).</summary>
    public bool PriceWithBatch { get; init; }
    /// <summary>Sampled futures per stochastic-program decision (policy 3c).</summary>
    public int SaaSamples { get; init; } = 5;
    /// <summary>W of the stochastic program: the value of a placement beside its score (policy 3c).</summary>
    public double SaaPlacementValue { get; init; } = ScenarioAllocation.DefaultPlacementValue;
    /// <summary>Weeks whose actual arrivals the pricing of policies 3, 3c, 4 and 4b knows (registered intakes); 0 for none.</summary>
    public int KnownWeeks { get; init; }
    /// <summary>
    /// How often a week the on-arrival policies (4, 4b) compute their prices again: the week's arrivals in this many
    /// equal parts, each priced with the places left before it and the part of the week still to come (1: Mondays only).
    /// </summary>
    public int RepricePerWeek { get; init; } = 1;
    /// <summary>The most weeks a newcomer advised to wait keeps waiting (policy 4b).</summary>
    public int MaxWaitWeeks { get; init; } = 52;
    /// <summary>The policies to run (hindsight always runs); null for all.</summary>
    public IReadOnlySet<Policy>? Policies { get; init; }
    /// <summary>How future arrivals are counted.</summary>
    public ForecastKind Forecast { get; init; } = ForecastKind.Seasonal;
    /// <summary>The first decision day (a Monday).</summary>
    public DateOnly YearStart { get; init; } = new(2027, 1, 4);

    /// <summary>The week whose arrivals peak.</summary>
    public const int PeakWeek = 35;
}

/// <summary>One arriving newcomer with the offers feasible for them on their decision day, best first.</summary>
/// <param name="Newcomer">The newcomer, trajectory end relative to the arrival.</param>
/// <param name="Week">The decision week (negative for the weeks before the year, which only feed the samples).</param>
/// <param name="Groups">Dutch level, province, gender.</param>
/// <param name="Offers">Feasible offers' indices, best first (ties by offer id).</param>
/// <param name="Scores">Their scores, in [0, 1].</param>
internal sealed record Arrival(Newcomer Newcomer, int Week, string[] Groups, int[] Offers, double[] Scores);

/// <summary>
/// A simulated year: offers with yearly places and their own start and end dates, newcomers arriving every week at a
/// seasonal rate, each with the offers feasible for them on their week's decision day — feasibility and scores from the
/// engine's own index (<see cref="OfferIndex"/>) with a query compiled for that day, so the hard constraints are the
/// engine's: level, distance, age, gender, and enough weekly overlap to do the hours before the trajectory or the offer ends.
/// </summary>
/// <remarks>Places are the simulation's to count: the index sees every offer with all its places free.</remarks>
internal sealed class SimulationWorld
{
    /// <summary>Group dimensions, in the order of <see cref="Arrival.Groups"/>.</summary>
    public static readonly string[] Dimensions = ["dutchLevel", "province", "gender"];

    private readonly OfferIndex _index;
    private readonly Dictionary<string, int> _offerIndex;
    private readonly WeightProfile _profile = WeightProfile.Default;
    private readonly Dictionary<(int, int), AllocationProblem> _pools = [];
    private readonly Lock _poolGate = new();
    private readonly Dictionary<(string, int), HashSet<int>> _feasibleOn = [];

    private SimulationWorld(SimulationOptions options, Offer[] offers, int[] places, List<Arrival> warmUp, List<Arrival> year, double[] rate, OfferIndex index)
    {
        Options = options;
        Offers = offers;
        Places = places;
        WarmUp = warmUp;
        Year = year;
        ExpectedPerWeek = rate;
        _index = index;
        _offerIndex = offers.Select((o, j) => (o.Id, j)).ToDictionary(x => x.Id, x => x.j, StringComparer.Ordinal);
        ByWeek = Enumerable.Range(0, options.Weeks).Select(w => year.Where(a => a.Week == w).ToArray()).ToArray();
    }

    private Lazy<Arrival[]> Fresh => _fresh ??= new Lazy<Arrival[]>(() =>
    {
        // As many newcomers as the window holds, from a generator the year never sees, all "arriving" at the year's start.
        var generator = new DemoDataGenerator(new DemoDataOptions { Seed = unchecked(Options.Seed * 7_919 + 1), Today = Options.YearStart });
        var count = (int)Math.Round(Options.Arrivals * Options.WindowWeeks / (double)Options.Weeks);
        return Enumerable.Range(0, count).Select(k => generator.NextNewcomer($"fresh-{k:D6}")).Select(n => new Arrival(n, 0, ["", "", ""], [], [])).ToArray();
    });

    private Lazy<Arrival[]>? _fresh;

    /// <summary>The options the year was made with.</summary>
    public SimulationOptions Options { get; }
    /// <summary>The offers.</summary>
    public Offer[] Offers { get; }
    /// <summary>Yearly places per offer.</summary>
    public int[] Places { get; }
    /// <summary>Arrivals of the weeks before the year (only sampled from).</summary>
    public IReadOnlyList<Arrival> WarmUp { get; }
    /// <summary>The year's arrivals in order of arrival.</summary>
    public IReadOnlyList<Arrival> Year { get; }
    /// <summary>The year's arrivals per decision week, in order of arrival.</summary>
    public Arrival[][] ByWeek { get; }
    /// <summary>Expected arrivals per week of the year (the seasonal curve).</summary>
    public double[] ExpectedPerWeek { get; }

    /// <summary>The decision day of a week.</summary>
    public DateOnly Day(int week) => Options.YearStart.AddDays(7 * week);

    /// <summary>Generates the year of the options' seed.</summary>
    public static SimulationWorld Create(SimulationOptions options)
    {
        var rng = new Random(options.Seed);
        var generator = new DemoDataGenerator(new DemoDataOptions { Seed = options.Seed, Today = options.YearStart });
        var offers = new Offer[options.Offers];
        var places = new int[options.Offers];
        for (var j = 0; j < offers.Length; j++)
        {
            var o = generator.NextOffer($"offer-{j + 1:D5}");
            // Offers open and close through the year; each keeps the generator's length of period.
            var start = options.YearStart.AddDays(rng.Next(-120, 300));
            var end = o.EndsOn is { } e && o.StartsOn is { } s ? start.AddDays(e.DayNumber - s.DayNumber) : (DateOnly?)null;
            places[j] = rng.Next(options.MinPlaces, options.MaxPlaces + 1);
            offers[j] = o with { StartsOn = start, EndsOn = end, Capacity = places[j] };
        }
        var index = new OfferIndex(InterestTaxonomy.Default, LanguageRegistry.Default);
        foreach (var o in offers) index.Upsert(o, 0);
        index.Compact();

        var weeks = options.Weeks;
        var rate = new double[weeks];
        for (var w = 0; w < weeks; w++) rate[w] = 1 + options.Seasonality * Math.Cos(2 * Math.PI * (w - SimulationOptions.PeakWeek) / 52.0);
        var norm = options.Arrivals / rate.Sum();
        for (var w = 0; w < weeks; w++) rate[w] *= norm;
        double RateOf(int week) => norm * (1 + options.Seasonality * Math.Cos(2 * Math.PI * (week - SimulationOptions.PeakWeek) / 52.0));

        var warmUp = new List<(Newcomer, int)>();
        var year = new List<(Newcomer, int)>();
        var next = 0;
        for (var w = -options.WindowWeeks; w < weeks; w++)
        {
            var count = Poisson(rng, RateOf(w));
            for (var k = 0; k < count; k++)
            {
                var n = generator.NextNewcomer($"nc-{++next:D6}");
                var arrival = options.YearStart.AddDays(7 * w);
                n = n with { TrajectoryEnd = n.TrajectoryEnd is { } t ? arrival.AddDays(t.DayNumber - options.YearStart.DayNumber) : null };
                (w < 0 ? warmUp : year).Add((n, w));
            }
        }
        var world = new SimulationWorld(options, offers, places, [], [], rate, index);
        var built = new Arrival[warmUp.Count + year.Count];
        var all = warmUp.Concat(year).ToArray();
        Parallel.For(0, all.Length, i => built[i] = world.Evaluate(all[i].Item1, all[i].Item2, world.Day(all[i].Item2)));
        return new SimulationWorld(options, offers, places, built.Take(warmUp.Count).ToList(), built.Skip(warmUp.Count).ToList(), rate, index);
    }

    /// <summary>
    /// The sampling pool for pricing at a week: the arrivals of the window before it, each as if arriving on the decision
    /// day of <paramref name="asOfWeek"/> (trajectory end moved with them), so that offers closed by then are not feasible
    /// and offers opening by then are. Capacities are the yearly places; callers replace them with what is left.
    /// </summary>
    public AllocationProblem Pool(int week, int asOfWeek)
    {
        lock (_poolGate)
        {
            if (_pools.TryGetValue((week, asOfWeek), out var cached)) return cached;
        }
        var recent = Options.Forecast == ForecastKind.Generator
            ? Fresh.Value
            : WarmUp.Concat(Year).Where(a => a.Week >= week - Options.WindowWeeks && a.Week < week).ToArray();
        var day = Day(asOfWeek);
        var rows = new Arrival[recent.Length];
        for (var i = 0; i < recent.Length; i++)
        {
            var a = recent[i];
            var n = a.Newcomer with { TrajectoryEnd = a.Newcomer.TrajectoryEnd is { } t ? t.AddDays(day.DayNumber - Day(a.Week).DayNumber) : null };
            rows[i] = Evaluate(n, asOfWeek, day);
        }
        var pool = Problem(rows, Places);
        lock (_poolGate) _pools[(week, asOfWeek)] = pool;
        return pool;
    }

    /// <summary>
    /// The future from week <paramref name="from"/> to the year's end as seen at <paramref name="week"/>: segments of
    /// <see cref="SimulationOptions.SegmentWeeks"/> weeks, each with the window's arrivals as of its middle week and its
    /// forecast count, over the given free places.
    /// </summary>
    /// <param name="week">The decision's week (whose window the future is sampled from).</param>
    /// <param name="from">The first week of the future.</param>
    /// <param name="free">The places left.</param>
    /// <param name="passed">The share of week <paramref name="from"/> already gone (a decision in the middle of a week).</param>
    public List<FutureSegment> Future(int week, int from, IReadOnlyList<int> free, double passed = 0)
    {
        var segments = new List<FutureSegment>();
        var length = Options.SegmentWeeks <= 0 ? Options.Weeks : Options.SegmentWeeks;
        // Segments end on multiples of their length, so that the policies pricing from this week and from the next share
        // every pool but the first.
        for (var start = from; start < Options.Weeks;)
        {
            var end = Math.Min(Options.Weeks, (start / length + 1) * length);
            var asOf = Options.SegmentWeeks <= 0 ? week : (start + end - 1) / 2;
            var expected = Forecast(week, start) - Forecast(week, end);
            if (start == from && passed > 0) expected -= passed * (Forecast(week, start) - Forecast(week, start + 1));
            segments.Add(new FutureSegment(Pool(week, asOf) with { Capacities = free }, expected));
            start = end;
        }
        // At the year's end nothing more arrives: one empty segment, so that every place is priced at zero.
        if (segments.Count == 0) segments.Add(new FutureSegment(Pool(week, week) with { Capacities = free }, 0));
        return segments;
    }

    /// <summary>The offers feasible for an arrival on a later week's decision day (their own trajectory end, not moved).</summary>
    public HashSet<int> FeasibleOn(Arrival a, int week)
    {
        var key = (a.Newcomer.Id, week);
        lock (_poolGate)
        {
            if (_feasibleOn.TryGetValue(key, out var cached)) return cached;
        }
        var set = Evaluate(a.Newcomer, week, Day(week)).Offers.ToHashSet();
        lock (_poolGate) _feasibleOn[key] = set;
        return set;
    }

    /// <summary>An allocation problem over arrivals with the given free places.</summary>
    public static AllocationProblem Problem(IReadOnlyList<Arrival> arrivals, IReadOnlyList<int> free)
    {
        var pairs = new List<CandidatePair>();
        for (var i = 0; i < arrivals.Count; i++)
        {
            var a = arrivals[i];
            for (var c = 0; c < a.Offers.Length; c++) pairs.Add(new CandidatePair(i, a.Offers[c], a.Scores[c], a.Scores[c]));
        }
        return new AllocationProblem(arrivals.Count, free, pairs);
    }

    /// <summary>Mean arrivals per week over the window before a week.</summary>
    public double WindowRate(int week) =>
        WarmUp.Concat(Year).Count(a => a.Week >= week - Options.WindowWeeks && a.Week < week) / (double)Options.WindowWeeks;

    /// <summary>The forecast of arrivals from week <paramref name="from"/> to the end of the year, as seen at <paramref name="now"/>.</summary>
    public double Forecast(int now, int from) => Options.Forecast != ForecastKind.Window
        ? ExpectedPerWeek.Skip(from).Sum()
        : WindowRate(now) * Math.Max(0, Options.Weeks - from);

    private Arrival Evaluate(Newcomer n, int week, DateOnly day)
    {
        var query = NewcomerQuery.Compile(n, _profile, day, null, InterestTaxonomy.Default, LanguageRegistry.Default);
        Span<int> excluded = stackalloc int[OfferIndex.OutcomeSlots];
        var feasible = _index.Rank(query, Math.Max(1, _index.Count), excluded);
        var offers = new int[feasible.Count];
        var scores = new double[feasible.Count];
        for (var c = 0; c < feasible.Count; c++)
        {
            offers[c] = _offerIndex[feasible[c].Offer.Id];
            scores[c] = Math.Clamp(feasible[c].Score, 0, 1);
        }
        var groups = ReplayBuilder.GroupsOf(n);
        return new Arrival(n, week, [groups[1], groups[2], groups[0]], offers, scores);
    }

    private static int Poisson(Random rng, double lambda)
    {
        // Knuth's product of uniforms, in halves so that e^−λ stays far from underflow for any realistic weekly rate.
        var count = 0;
        var remaining = lambda;
        while (remaining > 0)
        {
            var step = Math.Min(remaining, 30);
            remaining -= step;
            var limit = Math.Exp(-step);
            var p = rng.NextDouble();
            while (p > limit)
            {
                count++;
                p *= rng.NextDouble();
            }
        }
        return count;
    }
}
