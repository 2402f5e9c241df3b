using System.Globalization;
using Matching.Allocation;
using Matching.Harness.Cli;

namespace Matching.Harness.Simulation;

/// <summary>The harness's simulate verb: a year of arrivals over scarce places, every policy against hindsight.</summary>
internal static class SimulateVerb
{
    /// <summary>The verb's help.</summary>
    public const string Help = """
        usage: simulate [--seeds 20] [--seed 1] [--arrivals 3000] [--offers 600] [--out DIR] [--json] [--quiet]

        A year of weekly decisions (52 Mondays from 2027-01-04). Newcomers from the demo generator arrive at a seasonal
        rate (a Poisson count per week, peak in early September); offers from the demo generator get 1–3 yearly places and
        their own start and end dates; each newcomer's trajectory ends 45–400 days after arrival. Feasibility and scores
        are the engine's own, on the newcomer's decision day. Policies, each on the same years:
          greedy          on arrival, the best feasible offer with a free place (first come, first served)
          myopicBatch     each week, the optimal allocation of that week's newcomers (placed first, then score)
          pricedBatch     each week, maximise Σ(V + score − price); prices are the capacity duals of the assignment
                          LP (GLOP) over a future sampled from the last --window weeks' arrivals, in segments of
                          --segment weeks each as of its own days, averaged over --samples futures (Ahani et al. 2024)
          discordBatch    each week, the batch allocation agreeing most with the optimum of the batch and each of
                          --discord-samples sampled futures (Bansak and Paulson's minimum discord)
          saaBatch        (3c) each week, a two-stage stochastic program: one LP (GLOP) with the batch's assignment
                          shared by --saa-samples sampled futures, each with its own assignment and the places binding
                          in each, pairs worth W + score (W = --saa-placement-value); the batch rounded by a flow
          pricedArrival   on arrival, the free feasible offer of the highest score − price, prices refreshed weekly
          pricedArrivalWait (4b) as pricedArrival, but a newcomer whose every free feasible place is worth less than
                          its price (V + score − price < 0) is advised to wait and asks again each Monday while an
                          offer of theirs stays feasible (at most --max-wait weeks)
          hindsight       the yardstick: one optimal allocation of the whole year, every arrival known
        Reported as shares of hindsight (placed, total score): mean and spread over seeds, per prefix of the year (the
        optimum of the prefix's arrivals), by Dutch level, province and gender, and the time per weekly decision.

          --seeds N            years to simulate, seeds --seed … --seed+N−1 (default 20)
          --seed N             the first seed (default 1)
          --arrivals N         expected arrivals per year (default 3000)
          --offers N           offers (default 600)
          --places MIN-MAX     yearly places per offer (default 1-3)
          --weeks N            weekly decisions (default 52)
          --seasonality A      amplitude of the seasonal rate, 0..0.9 (default 0.4)
          --window W           weeks of recent arrivals the futures are sampled from (default 16)
          --segment S          weeks per segment of a sampled future, each drawn as of its middle week; 0 = one
                               segment as of the decision day (default 4)
          --samples K          sampled futures per price estimate (default 5)
          --placement-value V  value of a placement beside its score in the priced objective (default 1)
          --discord-samples K  sampled futures per minimum-discord decision (default 10)
          --forecast KIND      seasonal (default: last year's curve) or window (the window's mean rate); for a diagnosis,
                               generator (futures from fresh generated newcomers: the true distribution) or oracle
                               (prices from the actual rest of the year: perfect foresight)
          --saa-samples K      sampled futures per stochastic-program decision (default 5); 0 = one expected
                               future, every recent arrival counted by its expected share (fluid)
          --saa-placement-value W  W of the stochastic program (default 100: placed first, then score)
          --known-weeks L      for a diagnosis: the pricing of policies 3, 3c, 4 and 4b knows the actual arrivals
                               of the next L weeks (intakes already registered) as known rows and samples the rest
                               (default 0)
          --reprice-per-week R the on-arrival policies (4, 4b) compute prices R times a week, before each R-th part of
                               the week's arrivals, from the places left then (default 1: Mondays only)
          --max-wait N         most weeks a newcomer waits under pricedArrivalWait (default 52)
          --policies LIST      comma-separated policies to run (default all; hindsight always runs)
          --batch-in-lp yes|no whether the priced batch's own newcomers are in its pricing LP (default no)
          --out DIR            write simulation.md, simulation-by-prefix.png, simulation-by-group.png, results.json
          --json               print JSON on stdout instead of text
          --quiet              no progress on stderr
        """;

    /// <summary>Flags with a value.</summary>
    public static readonly string[] Valued = ["seeds", "seed", "arrivals", "offers", "places", "weeks", "seasonality", "window", "samples", "placement-value", "forecast", "batch-in-lp", "discord-samples", "segment", "saa-samples", "saa-placement-value", "max-wait", "known-weeks", "reprice-per-week", "policies", "out"];

    /// <summary>Bare switches.</summary>
    public static readonly string[] Switches = [];

    /// <summary>Parses the options; throws <see cref="FormatException"/> on a bad value.</summary>
    public static (SimulationOptions Options, int Seeds) Parse(Flags flags)
    {
        var places = flags.Get("places") ?? "1-3";
        var parts = places.Split('-');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var min)
            || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var max) || min < 1 || max < min || max > 100)
        {
            throw new FormatException($"--places must look like 1-3 (1 ≤ min ≤ max ≤ 100), not '{places}'.");
        }
        var options = new SimulationOptions
        {
            Seed = flags.Int("seed", 1),
            Arrivals = flags.Int("arrivals", 3_000, 1, 1_000_000),
            Offers = flags.Int("offers", 600, 1, 100_000),
            MinPlaces = min,
            MaxPlaces = max,
            Weeks = flags.Int("weeks", 52, 1, 520),
            Seasonality = flags.Double("seasonality", 0.4, 0, 0.9),
            WindowWeeks = flags.Int("window", 16, 1, 104),
            Samples = flags.Int("samples", 5, 1, PlacePricing.MaxSamples),
            SegmentWeeks = flags.Int("segment", 4, 0, 520),
            DiscordSamples = flags.Int("discord-samples", 10, 1, PlacePricing.MaxSamples),
            PlacementValue = flags.Double("placement-value", 1, 0, PlacePricing.MaxPlacementValue),
            SaaSamples = flags.Int("saa-samples", 5, 0, PlacePricing.MaxSamples),
            SaaPlacementValue = flags.Double("saa-placement-value", ScenarioAllocation.DefaultPlacementValue, 0, PlacePricing.MaxPlacementValue),
            MaxWaitWeeks = flags.Int("max-wait", 52, 0, 520),
            KnownWeeks = flags.Int("known-weeks", 0, 0, 520),
            RepricePerWeek = flags.Int("reprice-per-week", 1, 1, 100),
            Policies = flags.Get("policies") is { } list ? ParsePolicies(list) : null,
            Forecast = flags.Get("forecast") switch
            {
                null or "seasonal" => ForecastKind.Seasonal,
                "window" => ForecastKind.Window,
                "oracle" => ForecastKind.Oracle,
                "generator" => ForecastKind.Generator,
                var other => throw new FormatException($"--forecast must be seasonal or window, not '{other}'."),
            },
            PriceWithBatch = flags.Get("batch-in-lp") switch
            {
                "yes" => true,
                null or "no" => false,
                var other => throw new FormatException($"--batch-in-lp must be yes or no, not '{other}'."),
            },
        };
        return (options, flags.Int("seeds", 20, 1, 10_000));
    }

    private static HashSet<Policy> ParsePolicies(string list)
    {
        var set = new HashSet<Policy>();
        foreach (var name in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var policy = SimulationSummary.Order.FirstOrDefault(p => p != Policy.Hindsight && string.Equals(SimulationReport.Key(p), name, StringComparison.OrdinalIgnoreCase), Policy.Hindsight);
            if (policy == Policy.Hindsight) throw new FormatException($"--policies: unknown policy '{name}'.");
            set.Add(policy);
        }
        return set;
    }

    /// <summary>Runs the seeds (in parallel; each year is deterministic by its seed) and summarises them.</summary>
    public static SimulationSummary Simulate(SimulationOptions options, int seeds, Action<string>? progress = null)
    {
        var runs = new SeedRun[seeds];
        var done = 0;
        Parallel.For(0, seeds, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, s =>
        {
            runs[s] = Simulator.Run(options with { Seed = options.Seed + s });
            var d = Interlocked.Increment(ref done);
            var r = runs[s].Runs;
            progress?.Invoke(FormattableString.Invariant(
                $"seed {options.Seed + s} ({d}/{seeds}): hindsight placed {r[Policy.Hindsight].Placed}; {string.Join(", ", r.Keys.Where(p => p != Policy.Hindsight).Order().Select(p => SimulationReport.Key(p) + " " + Pct(r, p)))} (placed / score)"));
        });
        return SimulationSummary.Of(options, runs);
    }

    private static string Pct(IReadOnlyDictionary<Policy, PolicyRun> r, Policy p) => FormattableString.Invariant(
        $"{100.0 * r[p].Placed / Math.Max(1, r[Policy.Hindsight].Placed):F1}/{100.0 * r[p].Score / Math.Max(1e-9, r[Policy.Hindsight].Score):F1}");

    /// <summary>Runs the verb.</summary>
    public static int Run(Flags flags, TextWriter output, Progress progress)
    {
        var (options, seeds) = Parse(flags);
        progress.Report($"simulate {seeds} years of ~{options.Arrivals} arrivals over {options.Offers} offers");
        var summary = Simulate(options, seeds, progress.Report);
        if (flags.Get("out") is { } dir)
        {
            progress.Report($"write the report into {dir}");
            SimulationReport.Write(summary, dir, "simulate " + flags.Original);
        }
        if (flags.Has("json"))
        {
            output.WriteLine(JsonOutput.Serialize(SimulationReport.Json(summary)));
            return 0;
        }
        output.Write(SimulationReport.Text(summary));
        return 0;
    }
}
