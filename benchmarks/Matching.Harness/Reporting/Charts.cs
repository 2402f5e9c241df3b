using Matching.Harness.Evaluation;
using Matching.Harness.Experiments;
using Matching.Harness.Learning;
using Matching.Harness.Replay;
using Matching.Scoring;
using ScottPlot;
using SkiaSharp;

namespace Matching.Harness.Reporting;

/// <summary>The report's PNG charts, drawn with ScottPlot off screen.</summary>
/// <remarks>Not thread-safe (ScottPlot's font cache); the report draws them one by one.</remarks>
internal static class Charts
{
    /// <summary>The chart files, in the report's order.</summary>
    public const string MetricByProfile = "metric-by-profile.png", MetricByGroup = "metric-by-group.png",
        ScoreDistributions = "score-distributions.png", Weights = "weights-default-vs-learned.png", Importance = "feature-importance.png",
        Shapes = "learned-shapes.png";

    private const int Width = 900, Height = 500;
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    /// <summary>The headline metric by ranker: oracle NDCG@10 and @5 (observed NDCG@10 and MRR without the oracle).</summary>
    public static void DrawMetricByProfile(ExperimentResult r, string path)
    {
        var plot = NewPlot();
        var series = r.HasOracle
            ? new (string Name, Func<MetricSet, double> Value)[] { ("NDCG@10 (oracle)", m => m.OracleNdcg10), ("NDCG@5 (oracle)", m => m.OracleNdcg5) }
            : [("NDCG@10 (observed)", m => m.ObservedNdcg10), ("MRR (observed)", m => m.ObservedMrr)];
        var values = r.Rows.Select(row => series.Select(s => s.Value(row.Evaluation.Overall)).ToArray()).ToArray();
        var floor = Floor(values.SelectMany(v => v));
        GroupedBars(plot, r.Rows.Select(x => x.Name).ToArray(), series.Select(s => s.Name).ToArray(), values, floor, labels: true);
        plot.Title($"Held-out {series[0].Name} by ranker ({r.TestNewcomers:N0} newcomers; axis from {floor:0.##})");
        plot.YLabel(series[0].Name);
        plot.SavePng(path, 1100, Height);
    }

    /// <summary>Oracle NDCG@10 (or observed NDCG@10) per group of each dimension, for default, tuned, learned and LightGBM.</summary>
    public static void DrawMetricByGroup(ExperimentResult r, string path)
    {
        var names = new[] { Experiment.Default, Experiment.Tuned, Experiment.Learned, Experiment.LightGbm };
        Func<MetricSet, double> value = r.HasOracle ? m => m.OracleNdcg10 : m => m.ObservedNdcg10;
        var panels = new List<Plot>();
        foreach (var dimension in Enum.GetValues<GroupDimension>())
        {
            var reports = names.Select(n => r.Row(n).Evaluation.ByGroup.Single(d => d.Dimension == dimension)).ToArray();
            var groups = reports[0].Groups.Where(g => g.InGap).Select(g => g.Group).Take(8).ToArray();
            var values = groups.Select(g => reports.Select(d => value(d.Groups.Single(x => x.Group == g).Metrics)).ToArray()).ToArray();
            var plot = NewPlot();
            var floor = Floor(values.SelectMany(v => v));
            GroupedBars(plot, groups, names, values, floor, labels: false);
            var gap = reports.Select((d, i) => $"{names[i]} {d.Gaps.FirstOrDefault(g => g.Metric == (r.HasOracle ? "oracleNdcg10" : "observedNdcg10"))?.Gap ?? double.NaN:0.000}");
            plot.Title($"By {Reports.DimensionName(dimension)} — gap: {string.Join(", ", gap)}", size: 13);
            plot.YLabel(r.HasOracle ? "NDCG@10 (oracle)" : "NDCG@10 (observed)");
            panels.Add(plot);
        }
        SavePanels(path, panels, columns: 2, Width, Height);
    }

    /// <summary>Per profile: the score of each held-out historical match, completed against stopped, as shares per bin.</summary>
    public static void DrawScoreDistributions(ExperimentResult r, string path)
    {
        var panels = new List<Plot>();
        foreach (var d in r.Distributions)
        {
            var plot = NewPlot();
            const int bins = 20;
            var all = d.Completed.Concat(d.Stopped).ToArray();
            var (min, max) = all.Length == 0 ? (0.0, 1.0) : (all.Min(), all.Max());
            if (max <= min) max = min + 1;
            var width = (max - min) / bins;
            foreach (var (label, values, colour) in new[] { ("completed", d.Completed, Palette.GetColor(2)), ("stopped", d.Stopped, Palette.GetColor(3)) })
            {
                var counts = new double[bins];
                foreach (var v in values) counts[Math.Clamp((int)((v - min) / width), 0, bins - 1)]++;
                var xs = new List<double>();
                var ys = new List<double>();
                for (var b = 0; b < bins; b++)
                {
                    // A step outline: both outcomes stay visible where they overlap.
                    var share = values.Count == 0 ? 0 : counts[b] / values.Count;
                    xs.Add(min + b * width); ys.Add(share);
                    xs.Add(min + (b + 1) * width); ys.Add(share);
                }
                var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray());
                line.Color = colour;
                line.LineWidth = 2.5f;
                line.LegendText = $"{label} (n = {values.Count}, mean {(values.Count == 0 ? double.NaN : values.Average()):0.000})";
            }
            plot.Title($"{d.Profile}: score of the historical match", size: 13);
            plot.XLabel("profile score");
            plot.YLabel("share of matches");
            plot.Axes.SetLimitsY(0, double.NaN);
            plot.ShowLegend(Alignment.UpperLeft);
            panels.Add(plot);
        }
        SavePanels(path, panels, columns: panels.Count, 600, 450);
    }

    /// <summary>The weight of each criterion in the default, tuned, learned (and oracle-tuned) profiles.</summary>
    public static void DrawWeights(ExperimentResult r, string path)
    {
        var profiles = Reports.Profiles(r);
        var plot = NewPlot();
        var values = Criteria.All.Select(c => profiles.Select(p => p.Profile.Weight(c)).ToArray()).ToArray();
        GroupedBars(plot, Criteria.All.Select(Criteria.Name).ToArray(), profiles.Select(p => p.Name).ToArray(), values, 0, labels: false);
        plot.Title("Weights: default against tuned and learned");
        plot.YLabel("normalised weight");
        plot.SavePng(path, Width, Height);
    }

    /// <summary>Permutation importance of the learned profile's criteria and LightGBM's top features.</summary>
    public static void DrawImportance(ExperimentResult r, string path)
    {
        var panels = new List<Plot>();
        foreach (var (name, list) in new[] { (Experiment.Learned, r.LinearImportance), (Experiment.LightGbm, r.LightGbmImportance.Take(12).ToList()) })
        {
            var plot = NewPlot();
            GroupedBars(plot, list.Select(f => f.Feature).ToArray(), [name], list.Select(f => new[] { f.Drop }).ToArray(), Math.Min(0, list.Min(f => f.Drop)), labels: false);
            plot.Title($"{name}: drop in held-out {(r.HasOracle ? "oracle" : "observed")} NDCG@10 when shuffled", size: 13);
            plot.YLabel("NDCG@10 drop");
            plot.HideLegend();
            panels.Add(plot);
        }
        SavePanels(path, panels, columns: 2, Width, Height);
    }

    /// <summary>
    /// Per learned curve: the knots the profile keeps, the GAM's own effect before the projection, the default formula
    /// over the same raw feature (where it is a function of it alone), and the data's density at each knot.
    /// </summary>
    public static void DrawShapes(ExperimentResult r, string path)
    {
        var panels = new List<Plot>();
        foreach (var c in r.Shaped.Curves)
        {
            var plot = NewPlot();
            var total = Math.Max(1, c.Samples.Sum());
            var width = c.X.Length > 1 ? (c.X[^1] - c.X[0]) / c.X.Length * 0.6 : 0.5;
            var bars = plot.Add.Bars(c.X.Zip(c.Samples, (x, n) => new Bar { Position = x, Value = n / (double)total, Size = width, FillColor = Colors.LightGray }).ToArray());
            var learned = plot.Add.ScatterLine(c.X, c.Y);
            learned.Color = Palette.GetColor(0);
            learned.LineWidth = 3;
            learned.MarkerSize = 7;
            learned.LegendText = $"learned (weight {c.Weight:0.000})";
            var gam = plot.Add.ScatterPoints(c.X, c.ModelEffect);
            gam.Color = Palette.GetColor(1);
            gam.MarkerSize = 6;
            gam.LegendText = "fitted effect, before the projection";
            if (DefaultFormula(c.Feature, c.Slot) is { } formula)
            {
                var xs = Enumerable.Range(0, 60).Select(i => c.X[0] + (c.X[^1] - c.X[0]) * i / 59.0).ToArray();
                var line = plot.Add.ScatterLine(xs, xs.Select(formula).ToArray());
                line.Color = Palette.GetColor(7);
                line.LinePattern = LinePattern.Dashed;
                line.LineWidth = 2;
                line.LegendText = "default formula";
            }
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "share of matches (density)", FillColor = Colors.LightGray });
            plot.Title($"{c.Slot}: curve over {Model.WireNames.Of(c.Feature)}", size: 13);
            plot.XLabel(Model.WireNames.Of(c.Feature));
            plot.YLabel("criterion score");
            plot.ShowLegend(Alignment.UpperRight);
            panels.Add(plot);
        }
        if (panels.Count == 0) panels.Add(NewPlot());
        SavePanels(path, panels, columns: 2, 650, 420);
    }

    /// <summary>The default formula as a function of a raw feature alone; null where it also needs other facts (the interest counts).</summary>
    private static Func<double, double>? DefaultFormula(ShapeFeature feature, string slot)
    {
        var d = WeightProfile.Default;
        return feature switch
        {
            ShapeFeature.Km => km => Formulas.DistanceFit(km, false, d.DistanceOffsetKm, d.GaussSigmaSquared),
            ShapeFeature.LevelGap => gap => Formulas.LanguageFit(3 + (int)Math.Round(gap), 3, 3, Model.OfferKind.Buddy),
            ShapeFeature.LevelGapLanguageInternship => gap => Formulas.LanguageFit(3 + (int)Math.Round(gap), 3, 3, Model.OfferKind.LanguageInternship),
            ShapeFeature.TimeRatio => ratio => Formulas.AvailabilityAtExactCover * Math.Min(ratio, 1) + (1 - Formulas.AvailabilityAtExactCover) * Math.Clamp(ratio - 1, 0, 1),
            ShapeFeature.BridgingLevel => level => Formulas.BridgingFit(true, Math.Clamp((int)Math.Round(level), 0, 6)),
            ShapeFeature.GoalFit or ShapeFeature.InterestFit => x => x,
            _ => null,
        };
    }

    private static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        return plot;
    }

    /// <summary>A y-axis floor a bit below the smallest value, rounded to a tenth, so that close values stay apart; 0 for small values.</summary>
    private static double Floor(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0) return 0;
        var floor = Math.Floor((finite.Min() - 0.02) * 10) / 10;
        return floor < 0.3 ? 0 : floor;
    }

    /// <summary>Bars grouped by category, one colour per series, with a legend and the categories as ticks.</summary>
    private static void GroupedBars(Plot plot, string[] categories, string[] series, double[][] values, double floor, bool labels)
    {
        var bars = new List<Bar>();
        var width = 0.8 / series.Length;
        for (var c = 0; c < categories.Length; c++)
        {
            for (var s = 0; s < series.Length; s++)
            {
                var v = values[c][s];
                bars.Add(new Bar
                {
                    Position = c + (s - (series.Length - 1) / 2.0) * width,
                    Value = double.IsFinite(v) ? v : floor,
                    ValueBase = floor,
                    Size = width * 0.95,
                    FillColor = Palette.GetColor(s),
                    Label = labels && double.IsFinite(v) ? v.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) : "",
                });
            }
        }
        var plottable = plot.Add.Bars(bars);
        if (labels)
        {
            plottable.ValueLabelStyle.FontSize = 11;
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, categories.Length).Select(i => (double)i).ToArray(), categories);
        if (categories.Sum(c => c.Length) > 90)
        {
            // Long labels are turned; the axis then needs room for them or they run off the image.
            plot.Axes.Bottom.TickLabelStyle.Rotation = 30;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
            plot.Axes.Bottom.MinimumSize = 12 + 6.5f * categories.Max(c => c.Length);
        }
        plot.Axes.Margins(bottom: 0);
        var top = values.SelectMany(v => v).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        plot.Axes.SetLimitsY(floor, top + (top - floor) * 0.15);
        if (series.Length > 1)
        {
            for (var s = 0; s < series.Length; s++) plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s], FillColor = Palette.GetColor(s) });
            plot.ShowLegend(Alignment.UpperRight, Orientation.Horizontal);
        }
    }

    /// <summary>Several plots side by side (and in rows) in one PNG.</summary>
    internal static void SavePanels(string path, IReadOnlyList<Plot> plots, int columns, int panelWidth, int panelHeight)
    {
        var rows = (plots.Count + columns - 1) / columns;
        using var surface = SKSurface.Create(new SKImageInfo(columns * panelWidth, rows * panelHeight));
        surface.Canvas.Clear(SKColors.White);
        for (var i = 0; i < plots.Count; i++)
        {
            // Each panel on its own surface: a plot clears the canvas it renders on.
            using var panel = SKSurface.Create(new SKImageInfo(panelWidth, panelHeight));
            plots[i].Render(panel);
            using var image = panel.Snapshot();
            surface.Canvas.DrawImage(image, i % columns * panelWidth, i / columns * panelHeight);
        }
        using var whole = surface.Snapshot();
        using var data = whole.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        data.SaveTo(file);
    }
}
