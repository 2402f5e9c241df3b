using System.Globalization;
using System.Text;
using System.Text.Json;
using Matching.Harness.Cli;
using Matching.Harness.Reporting;
using ScottPlot;

namespace Matching.Harness.Simulation;

/// <summary>The simulation's tables, charts and JSON.</summary>
/// <remarks>Not thread-safe (ScottPlot's font cache).</remarks>
internal static class SimulationReport
{
    /// <summary>The files written by <see cref="Write"/>.</summary>
    public const string MarkdownFile = "simulation.md", PrefixChart = "simulation-by-prefix.png", GroupChart = "simulation-by-group.png", JsonFile = "results.json";

    /// <summary>The policy as written in tables and JSON.</summary>
    public static string Name(Policy p) => p switch
    {
        Policy.Greedy => "1 greedy on arrival",
        Policy.MyopicBatch => "2 weekly batch, myopic",
        Policy.PricedBatch => "3 weekly batch, priced",
        Policy.PricedArrival => "4 on arrival, priced",
        Policy.DiscordBatch => "3b weekly batch, min. discord",
        Policy.SaaBatch => "3c weekly batch, stochastic program",
        Policy.PricedArrivalWait => "4b on arrival, priced, wait advice",
        _ => "hindsight optimum",
    };

    public static string Key(Policy p) => JsonNamingPolicy.CamelCase.ConvertName(p.ToString());

    private static string Share(Spread s) => string.Create(CultureInfo.InvariantCulture, $"{100 * s.Mean:F2} % ± {100 * s.Sd:F2} [{100 * s.Min:F1}, {100 * s.Max:F1}]");

    /// <summary>The headline table: policy × share of hindsight.</summary>
    public static TextTable PolicyTable(SimulationSummary s)
    {
        var t = new TextTable("policy", "placed, share of hindsight", "total score, share of hindsight", "mean placed", "mean score", "ms per weekly decision (mean / p95)");
        foreach (var p in s.Policies)
        {
            t.Add(Name(p.Policy), Share(p.Placed), Share(p.Score), TextTable.Num(p.MeanPlaced, 1), TextTable.Num(p.MeanScore, 1),
                p.Policy == Policy.Hindsight ? "–" : $"{TextTable.Num(p.DecisionMs.Mean, 1)} / {TextTable.Num(p.DecisionMsP95, 1)}");
        }
        return t;
    }

    /// <summary>Placed as a share of each prefix's optimum.</summary>
    public static TextTable PrefixTable(SimulationSummary s, bool score)
    {
        var t = new TextTable(["weeks", .. s.Run.Select(Name)]);
        for (var k = 0; k < s.PrefixWeeks.Count; k++)
        {
            t.Add([s.PrefixWeeks[k].ToString(CultureInfo.InvariantCulture), .. s.Run.Select(p =>
            {
                var v = score ? s.Of(p).PrefixScore[k] : s.Of(p).PrefixPlaced[k];
                return string.Create(CultureInfo.InvariantCulture, $"{100 * v.Mean:F1} ± {100 * v.Sd:F1}");
            })]);
        }
        return t;
    }

    /// <summary>Per group: the share of its arrivals placed under hindsight, and each policy's placed as a share of hindsight's.</summary>
    public static TextTable GroupTable(SimulationSummary s, string dimension)
    {
        var policies = s.Run.Where(p => p != Policy.Hindsight).ToArray();
        var t = new TextTable([dimension, "arrivals", "hindsight placed", .. policies.Select(p => Name(p) + " / hindsight")]);
        foreach (var g in s.Groups.Where(g => g.Dimension == dimension))
        {
            var h = g.PlacedRate[Policy.Hindsight];
            t.Add([g.Group, g.Arrivals.ToString("N0", CultureInfo.InvariantCulture), TextTable.Pct(h), .. policies.Select(p => h > 0 ? TextTable.Pct(g.PlacedRate[p] / h) : "–")]);
        }
        return t;
    }

    /// <summary>The whole text output.</summary>
    public static string Text(SimulationSummary s)
    {
        var sb = new StringBuilder();
        sb.Append(Setting(s)).Append("\n\n");
        sb.Append(PolicyTable(s).ToText()).Append('\n');
        sb.Append(Targets(s)).Append("\n\n");
        sb.Append("Placed among the arrivals of each prefix of the year, as a share of that prefix's optimum (mean ± sd, %):\n");
        sb.Append(PrefixTable(s, score: false).ToText()).Append('\n');
        foreach (var d in SimulationWorld.Dimensions)
        {
            sb.Append($"By {d} (placed, pooled over seeds):\n");
            sb.Append(GroupTable(s, d).ToText()).Append('\n');
        }
        return sb.ToString();
    }

    private static string Setting(SimulationSummary s)
    {
        var o = s.Options;
        return string.Create(CultureInfo.InvariantCulture,
            $"{s.Seeds.Count} simulated years (seeds {s.Seeds.Min()}–{s.Seeds.Max()}): {s.MeanArrivals:F0} arrivals and {s.MeanPlaces:F0} places over {o.Offers} offers a year on average, "
            + $"{s.MeanFeasible:F1} feasible offers per newcomer; hindsight places {s.Of(Policy.Hindsight).MeanPlaced:F0}.\n"
            + $"Pricing: k = {o.Samples} sampled futures from the last {o.WindowWeeks} weeks' arrivals, {o.Forecast.ToString().ToLowerInvariant()} forecast, placement value V = {o.PlacementValue}, "
            + $"the batch {(o.PriceWithBatch ? "in" : "not in")} its own pricing LP. Stochastic program (3c): "
            + $"{(o.SaaSamples == 0 ? "one expected future" : $"k = {o.SaaSamples} sampled futures")}, W = {o.SaaPlacementValue}. Wait advice (4b): at most {o.MaxWaitWeeks} weeks.");
    }

    /// <summary>The issue's targets against what was reached.</summary>
    public static string Targets(SimulationSummary s)
    {
        string Mark(bool ok) => ok ? "met" : "NOT met";
        var parts = new List<string>();
        foreach (var p in new[] { Policy.PricedBatch, Policy.SaaBatch })
        {
            if (s.Find(p) is not { } x) continue;
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Name(p)} ≥ 99 % of hindsight on placed ({100 * x.Placed.Mean:F2} %: {Mark(x.Placed.Mean >= 0.99)}) and on score ({100 * x.Score.Mean:F2} %: {Mark(x.Score.Mean >= 0.99)})"));
        }
        foreach (var p in new[] { Policy.PricedArrival, Policy.PricedArrivalWait })
        {
            if (s.Find(p) is not { } x) continue;
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Name(p)} ≥ 97 % ({100 * x.Placed.Mean:F2} % / {100 * x.Score.Mean:F2} %: {Mark(x.Placed.Mean >= 0.97 && x.Score.Mean >= 0.97)})"));
        }
        if (s.Find(Policy.Greedy) is { } g) parts.Add(string.Create(CultureInfo.InvariantCulture, $"greedy {100 * g.Placed.Mean:F2} % / {100 * g.Score.Mean:F2} %"));
        return "Targets: " + string.Join("; ", parts) + ".";
    }

    /// <summary>The summary as plain data for --json and results.json.</summary>
    public static object Json(SimulationSummary s) => new
    {
        options = new
        {
            firstSeed = s.Options.Seed,
            seeds = s.Seeds.Count,
            s.Options.Arrivals,
            s.Options.Offers,
            places = new[] { s.Options.MinPlaces, s.Options.MaxPlaces },
            s.Options.Weeks,
            s.Options.Seasonality,
            window = s.Options.WindowWeeks,
            s.Options.Samples,
            s.Options.PlacementValue,
            s.Options.Forecast,
            batchInLp = s.Options.PriceWithBatch,
            s.Options.SaaSamples,
            s.Options.SaaPlacementValue,
            maxWait = s.Options.MaxWaitWeeks,
        },
        s.MeanArrivals,
        s.MeanPlaces,
        s.MeanFeasible,
        policies = s.Policies.Select(p => new
        {
            policy = Key(p.Policy),
            placedShare = p.Placed,
            scoreShare = p.Score,
            p.MeanPlaced,
            p.MeanScore,
            decisionMs = p.DecisionMs,
            decisionMsP95 = p.DecisionMsP95,
            byPrefix = s.PrefixWeeks.Select((w, k) => new { weeks = w, placedShare = p.PrefixPlaced[k], scoreShare = p.PrefixScore[k] }),
        }),
        groups = s.Groups.Select(g => new { g.Dimension, g.Group, g.Arrivals, placedRate = g.PlacedRate.ToDictionary(x => Key(x.Key), x => x.Value) }),
    };

    /// <summary>Writes simulation.md, the two charts and results.json into the folder.</summary>
    public static void Write(SimulationSummary s, string directory, string command)
    {
        Directory.CreateDirectory(directory);
        DrawPrefixes(s, Path.Combine(directory, PrefixChart));
        DrawGroups(s, Path.Combine(directory, GroupChart));
        File.WriteAllText(Path.Combine(directory, JsonFile), JsonOutput.Serialize(Json(s)) + "\n", new UTF8Encoding(false));
        var md = new StringBuilder();
        md.Append("# Scarcity over time: the simulated year\n\n");
        md.Append("Made with `dotnet run -c Release --project benchmarks/Matching.Harness -- ").Append(command.Trim()).Append("`.\n\n");
        md.Append(Setting(s)).Append("\n\n");
        md.Append(PolicyTable(s).ToMarkdown()).Append('\n');
        md.Append("Shares: mean ± standard deviation over the seeds [lowest, highest].\n\n");
        md.Append(Targets(s)).Append("\n\n");
        md.Append("## By prefix of the year\n\nPlaced among the arrivals of the first weeks, as a share of the optimum of those arrivals alone (mean ± sd, %):\n\n");
        md.Append(PrefixTable(s, score: false).ToMarkdown()).Append('\n');
        md.Append("Total score, the same way:\n\n");
        md.Append(PrefixTable(s, score: true).ToMarkdown()).Append('\n');
        md.Append($"![by prefix]({PrefixChart})\n\n");
        md.Append("## By group\n\nThe share of each group's arrivals that hindsight places, and what each policy places of it (pooled over seeds):\n\n");
        foreach (var d in SimulationWorld.Dimensions) md.Append(GroupTable(s, d).ToMarkdown()).Append('\n');
        md.Append($"![by group]({GroupChart})\n");
        File.WriteAllText(Path.Combine(directory, MarkdownFile), md.ToString(), new UTF8Encoding(false));
    }

    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    private static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        return plot;
    }

    private static void DrawPrefixes(SimulationSummary s, string path)
    {
        var panels = new List<Plot>();
        foreach (var score in new[] { false, true })
        {
            var plot = NewPlot();
            var xs = s.PrefixWeeks.Select(w => (double)w).ToArray();
            var low = 1.0;
            for (var k = 0; k < s.Run.Length; k++)
            {
                var p = s.Run[k];
                var values = score ? s.Of(p).PrefixScore : s.Of(p).PrefixPlaced;
                var ys = values.Select(v => 100 * v.Mean).ToArray();
                low = Math.Min(low, values.Min(v => v.Mean - v.Sd));
                var line = plot.Add.ScatterLine(xs, ys);
                line.Color = Palette.GetColor(k);
                line.LineWidth = 2.5f;
                line.MarkerSize = 6;
                line.LegendText = Name(p);
            }
            plot.Title(score ? "Total score, share of the prefix's optimum (%)" : "Placed, share of the prefix's optimum (%)", size: 13);
            plot.XLabel("weeks of the year");
            plot.YLabel("% of the optimum");
            plot.Axes.SetLimitsY(Math.Floor(100 * low / 5) * 5, 101);
            plot.ShowLegend(Alignment.LowerRight);
            panels.Add(plot);
        }
        Charts.SavePanels(path, panels, 2, 800, 500);
    }

    private static void DrawGroups(SimulationSummary s, string path)
    {
        var policies = s.Run.Where(p => p != Policy.Hindsight).ToArray();
        var panels = new List<Plot>();
        foreach (var d in SimulationWorld.Dimensions)
        {
            var groups = s.Groups.Where(g => g.Dimension == d && g.PlacedRate[Policy.Hindsight] > 0 && g.Arrivals >= 20 * s.Seeds.Count).ToArray();
            var plot = NewPlot();
            var bars = new List<Bar>();
            var width = 0.8 / policies.Length;
            var values = new List<double>();
            for (var c = 0; c < groups.Length; c++)
            {
                for (var k = 0; k < policies.Length; k++)
                {
                    var v = 100 * groups[c].PlacedRate[policies[k]] / groups[c].PlacedRate[Policy.Hindsight];
                    values.Add(v);
                    bars.Add(new Bar { Position = c + (k - (policies.Length - 1) / 2.0) * width, Value = v, ValueBase = 0, Size = width * 0.95, FillColor = Palette.GetColor(k) });
                }
            }
            plot.Add.Bars(bars);
            plot.Axes.Bottom.SetTicks(Enumerable.Range(0, groups.Length).Select(i => (double)i).ToArray(), groups.Select(g => g.Group).ToArray());
            var floor = values.Count == 0 ? 0 : Math.Floor((values.Min() - 3) / 5) * 5;
            plot.Axes.SetLimitsY(floor, Math.Max(101, values.DefaultIfEmpty(100).Max() + 4));
            for (var k = 0; k < policies.Length; k++) plot.Legend.ManualItems.Add(new LegendItem { LabelText = Name(policies[k]), FillColor = Palette.GetColor(k) });
            plot.ShowLegend(Alignment.UpperRight, Orientation.Horizontal);
            plot.Title($"Placed by {d}, % of hindsight's placed in the group", size: 13);
            panels.Add(plot);
        }
        Charts.SavePanels(path, panels, 1, 1100, 420);
    }
}
