using System.Globalization;
using Matching.Harness.Cli;
using Matching.Harness.Evaluation;
using Matching.Harness.Experiments;
using Matching.Harness.Replay;
using Matching.Scoring;

namespace Matching.Harness.Reporting;

/// <summary>The tables the console output and report.md share.</summary>
internal static class Reports
{
    /// <summary>The metrics whose group gaps are printed.</summary>
    public static IReadOnlySet<string> GapMetrics { get; } = new HashSet<string>(StringComparer.Ordinal) { "coverage", "observedNdcg10", "observedMrr", "oracleNdcg10" };

    private static readonly (string Label, Func<MetricSet, double> Value, int Decimals)[] MetricRows =
    [
        ("coverage", m => m.Coverage, 4),
        ("observed NDCG@5", m => m.ObservedNdcg5, 4),
        ("observed NDCG@10", m => m.ObservedNdcg10, 4),
        ("observed precision@5", m => m.ObservedPrecision5, 4),
        ("observed MRR", m => m.ObservedMrr, 4),
        ("observed MRR of stopped", m => m.ObservedMrrStopped, 4),
        ("outcome AUC", m => m.OutcomeAuc, 4),
        ("oracle NDCG@5", m => m.OracleNdcg5, 4),
        ("oracle NDCG@10", m => m.OracleNdcg10, 4),
        ("oracle precision@5", m => m.OraclePrecision5, 4),
        ("oracle MRR", m => m.OracleMrr, 4),
    ];

    /// <summary>Metrics as rows, rankers as columns.</summary>
    public static TextTable MetricTable(IReadOnlyList<EvaluationResult> results)
    {
        var table = new TextTable(["metric", .. results.Select(r => r.Ranker)]);
        table.Add(["newcomers", .. results.Select(r => r.Overall.Newcomers.ToString(CultureInfo.InvariantCulture))]);
        table.Add(["completed matches", .. results.Select(r => r.Overall.CompletedMatches.ToString(CultureInfo.InvariantCulture))]);
        foreach (var (label, value, decimals) in MetricRows) table.Add([label, .. results.Select(r => TextTable.Num(value(r.Overall), decimals))]);
        return table;
    }

    /// <summary>Rankers as rows with the headline metrics and the share of the default→oracle gap closed.</summary>
    public static TextTable HeldOutTable(ExperimentResult result)
    {
        var table = new TextTable("ranker", "oracle NDCG@10", "oracle NDCG@5", "oracle P@5", "oracle MRR", "observed NDCG@10", "observed MRR", "outcome AUC", "coverage", "gap closed");
        foreach (var row in result.Rows)
        {
            var m = row.Evaluation.Overall;
            table.Add(row.Name, TextTable.Num(m.OracleNdcg10), TextTable.Num(m.OracleNdcg5), TextTable.Num(m.OraclePrecision5), TextTable.Num(m.OracleMrr),
                TextTable.Num(m.ObservedNdcg10), TextTable.Num(m.ObservedMrr), TextTable.Num(m.OutcomeAuc), TextTable.Num(m.Coverage, 3), TextTable.Pct(row.GapClosed));
        }
        return table;
    }

    /// <summary>One dimension's groups: size, coverage, observed NDCG@10 and MRR, oracle NDCG@10.</summary>
    public static TextTable GroupTable(DimensionReport d, bool hasOracle)
    {
        var table = hasOracle
            ? new TextTable("group", "newcomers", "coverage", "observed NDCG@10", "observed MRR", "oracle NDCG@10", "in gap")
            : new TextTable("group", "newcomers", "coverage", "observed NDCG@10", "observed MRR", "in gap");
        foreach (var g in d.Groups)
        {
            var m = g.Metrics;
            string[] cells = hasOracle
                ? [g.Group, m.Newcomers.ToString(CultureInfo.InvariantCulture), TextTable.Num(m.Coverage, 3), TextTable.Num(m.ObservedNdcg10), TextTable.Num(m.ObservedMrr), TextTable.Num(m.OracleNdcg10), g.InGap ? "yes" : "too small"]
                : [g.Group, m.Newcomers.ToString(CultureInfo.InvariantCulture), TextTable.Num(m.Coverage, 3), TextTable.Num(m.ObservedNdcg10), TextTable.Num(m.ObservedMrr), g.InGap ? "yes" : "too small"];
            table.Add(cells);
        }
        return table;
    }

    /// <summary>The profiles of a run: default, tuned, learned and, when searched, the oracle-tuned ceiling.</summary>
    public static IReadOnlyList<(string Name, WeightProfile Profile)> Profiles(ExperimentResult r)
    {
        var list = new List<(string, WeightProfile)> { (Experiment.Default, WeightProfile.Default), (Experiment.Tuned, r.Tuned), (Experiment.Learned, r.Linear.Profile) };
        if (r.CeilingProfile is not null) list.Add(("oracle-tuned", r.CeilingProfile));
        return list;
    }

    /// <summary>Criteria and settings as rows, profiles as columns.</summary>
    public static TextTable WeightTable(IReadOnlyList<(string Name, WeightProfile Profile)> profiles)
    {
        var table = new TextTable(["weight", .. profiles.Select(p => p.Name)]);
        foreach (var c in Criteria.All) table.Add([Criteria.Name(c), .. profiles.Select(p => TextTable.Num(p.Profile.Weight(c), 3))]);
        table.Add(["levelTolerance", .. profiles.Select(p => p.Profile.LevelTolerance.ToString(CultureInfo.InvariantCulture))]);
        table.Add(["distance offset km", .. profiles.Select(p => TextTable.Num(p.Profile.DistanceOffsetKm, 2))]);
        table.Add(["distance scale km", .. profiles.Select(p => TextTable.Num(p.Profile.DistanceScaleKm, 2))]);
        return table;
    }

    /// <summary>Per history size and learner: the gap closed and oracle NDCG@10, mean (min–max) over the seeds.</summary>
    public static TextTable SpreadTable(SpreadResult result)
    {
        var table = new TextTable("matches", "ranker", "gap closed: mean", "min", "max", "NDCG@10: mean", "min", "max");
        foreach (var s in result.Summary)
        {
            var taken = result.Cells.Where(c => c.Size == s.Size).Select(c => c.Matches).Distinct().ToList();
            var size = taken.Count == 1 ? taken[0].ToString("N0", CultureInfo.InvariantCulture) : $"{taken.Min():N0}–{taken.Max():N0}";
            table.Add(size, s.Ranker, TextTable.Pct(s.GapClosed.Mean), TextTable.Pct(s.GapClosed.Min), TextTable.Pct(s.GapClosed.Max),
                TextTable.Num(s.OracleNdcg10.Mean), TextTable.Num(s.OracleNdcg10.Min), TextTable.Num(s.OracleNdcg10.Max));
        }
        return table;
    }

    /// <summary>The spread as a Markdown page: the summary, then the gap closed per seed.</summary>
    public static string SpreadMarkdown(SpreadResult result, string command)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append("# Learners over split seeds and history sizes\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"History: `{result.Source}`; seeds {string.Join(", ", result.Seeds)}. For each size, that many matches drawn from the history (whole newcomers, shuffled by the seed), 30 % of the newcomers held out by the seed; the learners fitted on the rest **without the oracle** (`ReplayQuery.WithoutOracle`), scored on the held-out newcomers by the oracle. Gap closed = (ranker − default) ÷ (oracle − default) in held-out oracle NDCG@10.\n\n");
        sb.Append("```sh\ndotnet run -c Release --project benchmarks/Matching.Harness -- spread ").Append(command).Append("\n```\n\n");
        sb.Append(SpreadTable(result).ToMarkdown()).Append('\n');
        sb.Append("Gap closed per seed:\n\n");
        sb.Append(SpreadPerSeedTable(result).ToMarkdown());
        return sb.ToString();
    }

    /// <summary>The gap closed per history size, learner and seed (the default, 0 by definition, left out).</summary>
    public static TextTable SpreadPerSeedTable(SpreadResult result)
    {
        var perSeed = new TextTable(["matches", "ranker", .. result.Seeds.Select(s => "seed " + s.ToString(CultureInfo.InvariantCulture))]);
        foreach (var g in result.Cells.GroupBy(c => (c.Size, c.Ranker)).OrderBy(g => g.Key.Size).ThenBy(g => Array.IndexOf(Spread.Rankers, g.Key.Ranker)))
        {
            if (g.Key.Ranker == Experiment.Default) continue;
            perSeed.Add([g.Key.Size.ToString("N0", CultureInfo.InvariantCulture), g.Key.Ranker, .. result.Seeds.Select(s => TextTable.Pct(g.Single(c => c.Seed == s).GapClosed))]);
        }
        return perSeed;
    }

    /// <summary>A dimension's name in prose.</summary>
    public static string DimensionName(GroupDimension d) => d switch
    {
        GroupDimension.Gender => "gender",
        GroupDimension.DutchLevel => "Dutch level",
        GroupDimension.Region => "region (province)",
        _ => "home language",
    };
}
