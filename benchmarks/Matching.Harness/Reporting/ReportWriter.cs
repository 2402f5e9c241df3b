using System.Globalization;
using System.Text;
using Matching.Harness.Cli;
using Matching.Harness.Experiments;
using Matching.Harness.Learning;
using Matching.Harness.Replay;
using Matching.Scoring;

namespace Matching.Harness.Reporting;

/// <summary>Writes report.md with its charts, the tuned and learned profiles and results.json into a folder.</summary>
internal static class ReportWriter
{
    /// <summary>The report's file name.</summary>
    public const string MarkdownFile = "report.md";

    /// <summary>Every file the report writes, charts first.</summary>
    public static IReadOnlyList<string> Files { get; } =
        [Charts.MetricByProfile, Charts.MetricByGroup, Charts.ScoreDistributions, Charts.Weights, Charts.Importance, Charts.Shapes, MarkdownFile, "tuned.json", "learned.json", "learned-shaped.json", "results.json"];

    /// <summary>Writes everything; <paramref name="arguments"/> are the flags the report was made with, quoted in it.</summary>
    /// <param name="r">The run.</param>
    /// <param name="directory">Where to write.</param>
    /// <param name="arguments">The flags, quoted in the report.</param>
    /// <param name="spread">The learners over split seeds on the same history, when asked for.</param>
    public static void Write(ExperimentResult r, string directory, string arguments, SpreadResult? spread = null)
    {
        Directory.CreateDirectory(directory);
        Charts.DrawMetricByProfile(r, Path.Combine(directory, Charts.MetricByProfile));
        Charts.DrawMetricByGroup(r, Path.Combine(directory, Charts.MetricByGroup));
        Charts.DrawScoreDistributions(r, Path.Combine(directory, Charts.ScoreDistributions));
        Charts.DrawWeights(r, Path.Combine(directory, Charts.Weights));
        Charts.DrawImportance(r, Path.Combine(directory, Charts.Importance));
        Charts.DrawShapes(r, Path.Combine(directory, Charts.Shapes));
        HarnessCli.WriteProfile(r.Tuned, Path.Combine(directory, "tuned.json"));
        HarnessCli.WriteProfile(r.Linear.Profile, Path.Combine(directory, "learned.json"));
        HarnessCli.WriteProfile(r.Shaped.Profile, Path.Combine(directory, "learned-shaped.json"));
        var utf8 = new UTF8Encoding(false);
        File.WriteAllText(Path.Combine(directory, "results.json"), JsonOutput.Serialize(JsonOutput.Experiment(r)) + "\n", utf8);
        File.WriteAllText(Path.Combine(directory, MarkdownFile), Markdown(r, arguments, directory, spread), utf8);
    }

    /// <summary>The report's text.</summary>
    internal static string Markdown(ExperimentResult r, string arguments, string directory, SpreadResult? spread = null)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        void Line(string text = "") => sb.Append(text).Append('\n');
        var best = r.Rows.Where(x => x.Name is Experiment.Tuned or Experiment.Learned).MaxBy(x => double.IsNaN(x.GapClosed) ? double.MinValue : x.GapClosed)!;

        Line("# Analysts' harness: example report");
        Line();
        Line($"Made with `dotnet run -c Release --project benchmarks/Matching.Harness -- report {arguments}`.");
        Line("Every figure below comes from that command: the same history and seed give the same numbers.");
        Line();
        Line("## The data");
        Line();
        Line(string.Create(inv, $"- History: `{r.Source}`: {r.Matches:N0} past matches of {r.Newcomers:N0} newcomers, {r.CompletionRate:P1} completed."));
        Line(string.Create(inv, $"- Candidates: for each newcomer, the offers feasible on the day the match was proposed, {r.MeanCandidates:F1} on average."));
        Line(string.Create(inv, $"- Split by newcomer (seed {r.Options.Seed}): {r.TrainNewcomers:N0} to tune and learn on, {r.TestNewcomers:N0} held out. Every figure is on the held-out newcomers."));
        Line(r.HasOracle
            ? "- The history is generated, so `hidden.csv` gives the oracle: the generator's true completion probability of any pair."
            : "- No `hidden.csv`: only the observed metrics; there is no oracle and no gap to close.");
        Line();
        Line("## The protocol");
        Line();
        Line("1. **Replay.** Each historical newcomer is compiled for the day their match was proposed and run through the engine's own");
        Line("   kernel (the offer index) against every offer of the history's world. The candidates are the offers that pass the hard");
        Line("   constraints that day (distance, time before the ends, age, gender) with a tolerance of one Dutch level below an offer's");
        Line("   minimum, as the case workers stretched. Places are not replayed: a history of outcomes does not say when places were free.");
        Line("   A profile with `levelTolerance` 0 does not show the offers below the newcomer's level.");
        Line("2. **Observed metrics** use only the actual outcomes: the historical match is the one relevant offer when it completed.");
        Line("   NDCG@k, precision@5 and MRR are averaged over the newcomers whose match completed; precision@5 is at most 0.2, since one");
        Line("   match per newcomer is known. *MRR of stopped* is the same rank measure for matches that stopped (lower is better), and");
        Line("   *outcome AUC* is the chance that a completed match scores above a stopped one.");
        Line("3. **Oracle metrics** (generated histories only): every candidate's true completion probability (noise averaged) is its");
        Line("   graded relevance, with linear gains; the ideal ranking is over every candidate, so that excluding a good offer costs.");
        Line("   Precision@5 is the expected share of the top 5 that completes; MRR is the reciprocal rank of the oracle's best offer.");
        Line("4. **Coverage** is the share of newcomers with at least one offer the ranker shows.");
        Line("5. **Tune** searches weights, level tolerance and distance offset and scale on the training newcomers by outcome AUC");
        Line("   (random profiles, then local refinement), with K-fold cross-validation by newcomer. **Learned-linear** is an ML.NET");
        Line("   logistic regression of completed against stopped on the six criterion scores (non-negative weights, decay chosen by");
        Line("   cross-validated log-loss), its weights normalised into a profile. **LightGBM** is a LambdaRank ranker on all pair");
        Line("   features over lists of matches proposed on the same day (tree size chosen by cross-validated AUC). None of them sees a");
        Line("   hidden trait or the oracle. The **oracle-tuned profile** is the search run on the oracle's own NDCG@10: the best any");
        Line("   weight profile can do with the engine's criteria, shown only to tell what limits the profiles.");
        Line();
        Line("## Held-out results");
        Line();
        Line($"![metric by profile]({Charts.MetricByProfile})");
        Line();
        Line(Reports.HeldOutTable(r).ToMarkdown());
        if (r.HasOracle)
        {
            var d = r.Row(Experiment.Default).Evaluation.Overall.OracleNdcg10;
            var o = r.Row(Experiment.Oracle).Evaluation.Overall.OracleNdcg10;
            Line(string.Create(inv, $"*Gap closed* = (ranker − default) ÷ (oracle − default) in held-out oracle NDCG@10; default {d:F4}, oracle {o:F4}."));
            Line(string.Create(inv, $"The best of tuned and learned-linear, **{best.Name}**, closes **{best.GapClosed:P1}** of the gap (the target is 80 %): {(best.GapClosed >= 0.8 ? "met" : "not met")}."));
            if (r.CeilingProfile is not null)
            {
                Line(string.Create(inv, $"No weight profile over the engine's six criteria did better than {r.Row(Experiment.Ceiling).GapClosed:P1} here, even searched on the oracle itself."));
            }
            Line(string.Create(inv, $"LightGBM, with the raw pair features a profile cannot weigh, closes {r.Row(Experiment.LightGbm).GapClosed:P1}; "
                + $"the shaped profile (a learned curve per criterion, still a sum of per-criterion contributions) closes **{r.Row(Experiment.Shaped).GapClosed:P1}**."));
            Line();
        }
        Line("The observed metrics favour the default: 80 % of the historical matches were a case worker's pick from the default");
        Line("ranking, so any other ranking moves those matches down whether or not they completed. Compare profiles on the outcome AUC,");
        Line("the MRR of completed against stopped, and (for a generated history) the oracle.");
        Line();
        if (spread is not null)
        {
            Line("### Across split seeds");
            Line();
            Line(string.Create(inv, $"The same learners on the same history split by each of the seeds {string.Join(", ", spread.Seeds)} (30 % of the newcomers held out), learned without the oracle and scored by it; no tuning and no ceiling (the `spread` verb):"));
            Line();
            Line(Reports.SpreadTable(spread).ToMarkdown());
            Line(Reports.SpreadPerSeedTable(spread).ToMarkdown());
        }
        else
        {
            Line("How much these figures move with the split: `report --seeds 1,2,3,4,5,42`, or the `spread` verb, which also draws");
            Line("smaller histories from this one (`--sizes`).");
            Line();
        }
        Line("## By group");
        Line();
        Line($"![metric by group]({Charts.MetricByGroup})");
        Line();
        Line(string.Create(inv, $"Groups of fewer than {r.Options.MinGroupSize} held-out newcomers are shown in the tables but not counted in a gap; rare home languages are pooled as `other`."));
        Line();
        var gapTable = new TextTable("ranker", "dimension", "metric", "best group", "worst group", "gap");
        // The oracle is 1 in every group and the ceiling is no candidate: the gaps that matter are the deployable rankers'.
        foreach (var row in r.Rows.Where(x => x.Name is Experiment.Default or Experiment.Tuned or Experiment.Learned or Experiment.LightGbm))
        {
            foreach (var dim in row.Evaluation.ByGroup)
            {
                foreach (var gap in dim.Gaps.Where(g => g.Metric == (r.HasOracle ? "oracleNdcg10" : "observedNdcg10") || g.Metric == "coverage" && g.Gap > 0))
                {
                    gapTable.Add(row.Name, Reports.DimensionName(dim.Dimension), gap.Metric,
                        string.Create(inv, $"{gap.Best} {gap.BestValue:F4}"), string.Create(inv, $"{gap.Worst} {gap.WorstValue:F4}"), TextTable.Num(gap.Gap));
                }
            }
        }
        Line(gapTable.ToMarkdown());
        var learned = r.Row(best.Name).Evaluation;
        foreach (var dim in learned.ByGroup)
        {
            Line($"**{best.Name} by {Reports.DimensionName(dim.Dimension)}**");
            Line();
            Line(Reports.GroupTable(dim, r.HasOracle).ToMarkdown());
        }
        Line("## Score distributions");
        Line();
        Line($"![score distributions]({Charts.ScoreDistributions})");
        Line();
        Line("The score each profile gives the held-out historical matches, completed against stopped: the further apart, the");
        Line("better the profile tells them apart (offers it excludes are left out).");
        Line();
        Line("## Weights: default against tuned and learned");
        Line();
        Line($"![weights]({Charts.Weights})");
        Line();
        Line(Reports.WeightTable(Reports.Profiles(r)).ToMarkdown());
        Line("The logistic regression's logit change per unit of each criterion score (before normalising): "
            + string.Join(", ", Criteria.All.Select(c => string.Create(inv, $"{Criteria.Name(c)} {r.Linear.LogitWeights[(int)c]:F3}")))
            + string.Create(inv, $"; intercept {r.Linear.Bias:F3}. Its level tolerance was chosen by the outcome AUC on the cross-validation folds (0: {r.Linear.ToleranceAuc[0]:F4}, 1: {r.Linear.ToleranceAuc[1]:F4}; the per-fold difference has a standard error of {r.Linear.ToleranceAucDifferenceSe:F4}{(r.Linear.ToleranceWithinNoise ? ", so the choice is within noise" : "")})."));
        Line();
        if (r.Tuning is { } t)
        {
            var gain = t.FoldObjectives.Average() - t.FoldDefaultObjectives.Average();
            Line(string.Create(inv, $"Tuning: cross-validated outcome AUC {t.FoldObjectives.Average():F4} against the default's {t.FoldDefaultObjectives.Average():F4} on the same folds, a gain of {gain:+0.0000;-0.0000} ({t.Evaluations:N0} profiles evaluated)."));
            if (gain < 0.01) Line("That gain is within the noise of this much history: the search partly fits chance, so trust the tuned weights little.");
            Line();
        }
        Line("## Learned shapes");
        Line();
        Line($"![learned shapes]({Charts.Shapes})");
        Line();
        Line("**learned-shaped** gives each criterion a curve over one raw feature: km, the signed level gap, the exact interest");
        Line("count, the time ratio, the Dutch level where a language is shared, and the goal fit; an interaction slot is a second");
        Line("curve of one criterion for part of the pairs (the level gap of taalstages, distance at A0/A1 or with a shared interest,");
        Line("availability and goal fit of introductory internships), kept only where it pays. Two families of additive logistic models of completed");
        Line("against stopped are fitted, and the one with the lower cross-validated log-loss is kept: a generalized additive model");
        Line("(ML.NET `Gam`, boosted one-feature stumps) and penalised piecewise-linear splines (a logistic regression on a line and");
        Line("hinges per continuous feature, steps per discrete one, with a ridge penalty on the changes of slope or the steps). Either");
        Line("is read at up to 16 knots, projected onto the nearest monotone or unimodal curve (pool-adjacent-violators, weighted by the");
        Line("matches at each knot) and scaled into [0, 1]; the criterion's weight is its curve's range in logits. The engine evaluates");
        Line("the curves in its scan; the explanation stays score × weight = contribution per criterion.");
        Line();
        var sh = r.Shaped;
        Line(string.Create(inv, $"Chosen by {r.Options.Folds}-fold cross-validated log-loss: **{(sh.Family == ShapedProfileLearner.Spline ? $"penalised splines, penalty {sh.Penalty}" : $"GAM, {sh.Iterations} rounds, leaves of at least {sh.MinLeaf}")}**. GAM: ")
            + string.Join(", ", sh.Trials.Select(t => string.Create(inv, $"{t.Iterations} rounds/{t.MinLeaf}: {t.LogLoss:F4} bits")))
            + (sh.SplineTrials.Count == 0 ? "" : "; splines: " + string.Join(", ", sh.SplineTrials.Select(t => string.Create(inv, $"penalty {t.Penalty}: {t.LogLoss:F4} bits"))))
            + string.Create(inv, $"; always predicting the base rate: {sh.BaseRateLogLoss:F4} bits. Interaction curves, by forward selection (a slot is taken when it lowers ")
            + string.Create(inv, $"the log-loss by at least one standard error of the per-match differences), from {sh.WithoutInteractionsLogLoss:F4} bits without any: ")
            + (sh.Selection.Count == 0 ? "none offered." : string.Join("; ", sh.Selection.Select(t => string.Create(inv, $"{t.Slot} {t.LogLoss:F4} bits, {(t.Taken ? "taken" : "not taken")}"))) + "."));
        Line();
        var curves = new TextTable("curve", "feature", "weight", "knots (x → score)");
        foreach (var c in sh.Curves)
        {
            curves.Add(c.Slot, Matching.Model.WireNames.Of(c.Feature), TextTable.Num(c.Weight, 3),
                string.Join(", ", c.X.Zip(c.Y, (x, y) => string.Create(inv, $"{x:0.###} → {y:0.00}"))));
        }
        Line(curves.ToMarkdown());
        Line("`learned-shaped.json` beside this report is its PUT body (schema 2).");
        Line();
        Line("## Permutation feature importance");
        Line();
        Line($"![feature importance]({Charts.Importance})");
        Line();
        Line($"The drop in held-out {(r.HasOracle ? "oracle" : "observed")} NDCG@10 when one feature is shuffled across every candidate pair (at most {r.Options.ImportanceNewcomers} held-out newcomers).");
        Line();
        var imp = new TextTable("learned-linear criterion", "drop", "LightGBM feature", "drop");
        for (var i = 0; i < Math.Max(r.LinearImportance.Count, 10); i++)
        {
            var a = i < r.LinearImportance.Count ? r.LinearImportance[i] : null;
            var b = i < r.LightGbmImportance.Count ? r.LightGbmImportance[i] : null;
            imp.Add(a?.Feature ?? "", a is null ? "" : TextTable.Num(a.Drop), b?.Feature ?? "", b is null ? "" : TextTable.Num(b.Drop));
        }
        Line(imp.ToMarkdown());
        Line(string.Create(inv, $"LightGBM: {r.LightGbm.Leaves} leaves, leaves of at least {r.LightGbm.MinLeaf} matches, {r.LightGbm.Iterations} rounds at rate {r.LightGbm.LearningRate}, lists of {r.LightGbm.ListSize}; tree sizes tried (cross-validated outcome AUC): ")
            + string.Join(", ", r.LightGbmTrials.Select(x => string.Create(inv, $"{x.Options.Leaves}/{x.Options.MinLeaf}: {x.Auc:F4}"))) + ".");
        Line();
        Line("## The black box beside the explainable model");
        Line();
        var cr = r.Contributions;
        Line(string.Create(inv, $"LightGBM's per-prediction feature contributions (ML.NET `CalculateFeatureContribution`, not normalised) summed per criterion, beside the shaped profile's contributions (weight × criterion score), on {cr.Pairs:N0} candidate pairs of the same held-out newcomers. "));
        Line("LightGBM's features are grouped by the criterion they describe (km, remote and the travel limit with distance; the level");
        Line("gaps with language; interest counts with interests; the time ratio, schedule shapes and hours with availability; a shared");
        Line("language with bridging; goals with goals); kind, setting and the Dutch level, which no single criterion owns, stand apart.");
        Line("Both are centred per newcomer (a ranking sees only differences within a list) and compared as shares, since the two");
        Line("score on different scales.");
        Line();
        var attribution = new TextTable("criterion", "shaped: mean abs. contribution", "share", "LightGBM: mean abs. contribution", "share");
        foreach (var a in cr.Groups) attribution.Add(a.Group, TextTable.Num(a.Shaped), TextTable.Pct(a.ShapedShare), TextTable.Num(a.LightGbm), TextTable.Pct(a.LightGbmShare));
        Line(attribution.ToMarkdown());
        Line("Where they disagree most, among candidates either model puts in a newcomer's top 10 (contributions in shares of each");
        Line("model's typical total, centred per newcomer; *shaped / LightGBM*):");
        Line();
        var dis = new TextTable(["newcomer", "offer", "rank shaped", "rank LightGBM", "km", "level gap", "exact interests", "time ratio", .. ContributionComparison.Groups, "largest gap"]);
        foreach (var d in cr.Examples)
        {
            dis.Add([d.NewcomerId, d.OfferId, d.ShapedRank.ToString(inv), d.LightGbmRank.ToString(inv),
                TextTable.Num(d.Inputs.Feature(ShapeFeature.Km), 1), d.Inputs.Feature(ShapeFeature.LevelGap).ToString(inv),
                d.Inputs.Feature(ShapeFeature.ExactInterests).ToString(inv), TextTable.Num(d.Inputs.Feature(ShapeFeature.TimeRatio), 2),
                .. ContributionComparison.Groups.Select((_, i) => string.Create(inv, $"{d.Shaped[i]:+0.00;−0.00;0.00} / {d.LightGbm[i]:+0.00;−0.00;0.00}")), d.LargestGap]);
        }
        Line(dis.ToMarkdown());
        Line("## From here to a live profile");
        Line();
        var learnedPath = Path.Combine(directory, "learned.json");
        Line("`tuned.json` and `learned.json` beside this report are the PUT bodies. Check one on the history, then make it live:");
        Line();
        Line("```sh");
        Line($"dotnet run -c Release --project benchmarks/Matching.Harness -- evaluate --history {r.Source} --profile {learnedPath} --held-out --seed {r.Options.Seed}");
        Line($"curl -X PUT -H 'X-Api-Key: …' -H 'Content-Type: application/json' --data @{learnedPath} http://localhost:5080/api/v1/weight-profiles/{r.Linear.Profile.Name}");
        Line("```");
        Line();
        Line("## Limits");
        Line();
        Line("- A weight profile is a weighted sum of the engine's six criterion formulas. The ground truth counts interests by exact");
        Line("  code only, lets the time slack grow logarithmically, weighs distance 5× for A0/A1 newcomers without transport, penalises");
        Line("  evening and weekend offers for newcomers with care duties, and has its own goal table; transport and care duties are");
        Line("  hidden from the engine. No choice of weights reaches that, which is what the oracle-tuned row measures.");
        Line("- Outcomes are noisy (per-match noise σ 0.7 and a per-newcomer motivation σ 0.5 on the logit): small histories make");
        Line("  the tuned and learned weights unstable. Read the cross-validation before trusting a profile.");
        Line("- The observed metrics carry the selection of the history (case workers picked from the default's ranking); coverage");
        Line("  is of newcomers who had a feasible offer, since the others never got a match.");
        Line("- The group gaps describe the held-out set; with a few dozen newcomers per group, differences of a few hundredths are noise.");
        return sb.ToString();
    }
}
