using System.Globalization;
using System.Text;
using System.Text.Json;
using Matching.Harness.Evaluation;
using Matching.Harness.Experiments;
using Matching.Harness.Replay;
using Matching.Harness.Reporting;
using Matching.Harness.Tuning;
using Matching.Scoring;

namespace Matching.Harness.Cli;

/// <summary>The verbs of the analysts' harness: evaluate, tune, learn and report.</summary>
internal static class HarnessCli
{
    private const string Overview = """
        Matching.Harness — evaluate, tune and learn weight profiles on historical outcomes.

        usage: Matching.Harness VERB [flags]     (dotnet run -c Release --project benchmarks/Matching.Harness -- VERB …)

        verbs:
          evaluate  replay every historical newcomer against the offers feasible that day and score a profile:
                    NDCG@5/@10, precision@5, MRR (completed = relevant), coverage, the same per group with the gap
          tune      random search + local refinement of weights, level tolerance and distance decay, cross-validated
                    by newcomer; writes the best profile as JSON for PUT /api/v1/weight-profiles/{name}
          learn     ML.NET: a logistic regression whose weights become a profile, and a LightGBM LambdaRank ranker;
                    held-out NDCG of random, default, tuned, learned-linear, LightGBM and the oracle; permutation importance
          report    learn, then write report.md with PNG charts, the profiles and results.json into a folder
          spread    the learners over several split seeds and history sizes (mean, min, max of the gap closed and NDCG@10)
          simulate  a year of weekly arrivals over scarce places: greedy, weekly batch, priced batch and priced
                    suggestions against the hindsight optimum, over many seeds, by prefix of the year and by group

        Every verb but simulate takes --history FILE (history.jsonl; history-newcomers.jsonl, history-offers.jsonl and, for the
        oracle, hidden.csv are read from beside it), --seed N (default 42) and --json (machine-readable stdout).
        Progress goes to stderr (--quiet to silence it). 'VERB --help' lists a verb's flags.
        """;

    private const string CommonHelp = """
          --history FILE       history.jsonl (required)
          --newcomers FILE     the history's newcomers (default: history-newcomers.jsonl beside it)
          --offers FILE        the history's offers (default: history-offers.jsonl beside it)
          --hidden FILE|none   the oracle's hidden traits (default: hidden.csv beside it, when present)
          --seed N             seed of the split, the search and the models (default 42)
          --test-share X       share of newcomers held out (default 0.3)
          --json               print JSON on stdout instead of text
          --quiet              no progress on stderr
        """;

    private static readonly Dictionary<string, string> VerbHelp = new(StringComparer.Ordinal)
    {
        ["evaluate"] = """
            usage: evaluate --history FILE --profile FILE [--held-out] [--min-group 30] [common flags]

            Replays each historical newcomer on the proposal day against every offer feasible then (hard constraints with
            one level of tolerance; places not replayed) and ranks them with the profile. Observed metrics: the historical
            match is the one relevant offer when it completed. Oracle metrics (with hidden.csv): every candidate's true
            completion probability is its graded relevance. Also per gender, Dutch level, region and home language, with
            the gap between the best and the worst group of at least --min-group newcomers.

              --profile FILE       the weight profile (JSON as PUT /api/v1/weight-profiles/{name} takes)
              --held-out           only the held-out newcomers of the seed's split (to compare with tune/learn)
              --min-group N        smallest group counted in a gap (default 30)
            """,
        ["tune"] = """
            usage: tune --history FILE [--objective outcomes|oracle] [--out tuned.json] [--name tuned] [common flags]

            Random profiles (weights uniform on the simplex, level tolerance 0/1, distance offset and scale), then a local
            refinement of the best, on the training newcomers; K-fold cross-validation by newcomer estimates how the search
            does on newcomers it never saw. Writes the profile found on all training newcomers.

              --objective KIND     outcomes (default): AUC of completed against stopped historical matches — only what
                                   an analyst has; oracle: the oracle's NDCG@10 (needs hidden.csv; a ceiling, not for live use)
              --samples N          random profiles per search (default 400)
              --refine N           refinement moves per search (default 300)
              --folds K            cross-validation folds (default 5)
              --out FILE           where to write the profile (default tuned.json)
              --name NAME          the profile's name (default tuned)
            """,
        ["learn"] = """
            usage: learn --history FILE [--tuned FILE] [--out learned.json] [--shaped-out FILE] [--name learned-linear] [common flags]

            On the training newcomers: tune (unless --tuned gives a profile), a logistic regression of completed against
            stopped on the six criterion scores (ML.NET L-BFGS, non-negative weights, distance decay chosen by
            cross-validated log-loss) mapped onto a profile, and a LightGBM LambdaRank ranker on every pair feature
            (tree size chosen by cross-validated AUC), and a shaped profile: a curve per criterion over one raw feature, from a
            generalized additive model (ML.NET Gam) or penalised splines, whichever has the lower cross-validated log-loss,
            projected monotone or unimodal. Then every ranker on the held-out newcomers, the share of the
            default→oracle gap in NDCG@10 each closes, and permutation feature importance.

              --tuned FILE         a tuned profile to compare instead of tuning
              --out FILE           where to write the learned profile (default learned.json)
              --shaped-out FILE    where to write the shaped profile (default learned-shaped.json beside --out)
              --name NAME          the learned profile's name (default learned-linear)
              --folds K            cross-validation folds (default 5)
              --samples N, --refine N   the tuner's budget (defaults 400, 300)
              --no-ceiling         skip the oracle-tuned profile (the best any weight profile can do)
            """,
        ["report"] = """
            usage: report --history FILE --out DIR [--seeds 1,2,3,4,5,42] [learn's flags]

            Runs learn and writes into DIR: report.md (the protocol, the held-out table, the groups, the weights, the
            importances, the learned curves, LightGBM's feature contributions beside the shaped profile's, the commands),
            PNG charts (metric by profile, metric by group, score distributions, default vs learned weights, importances,
            curves), tuned.json, learned.json, learned-shaped.json and results.json (what --json prints).

              --seeds LIST         also the learners over these split seeds (as the spread verb; needs hidden.csv)
            """,
        ["spread"] = """
            usage: spread --history FILE [--seeds 1,2,3,4,5,42] [--sizes 1500,5000,20000] [--out FILE.md] [common flags]

            How robust learn is: for every size, a history of that many matches drawn from this one (whole newcomers,
            shuffled by the seed; the whole history when the size is larger), split by newcomer with the seed, the linear,
            shaped and LightGBM learners fitted on the training part with the oracle taken away, and each scored on the
            held-out part by the oracle (needs hidden.csv). No tuning, no ceiling. Prints the mean, smallest and largest
            share of the default→oracle gap closed and oracle NDCG@10 per size and learner; --out writes them as Markdown.

              --seeds LIST         split seeds, comma-separated (default 1,2,3,4,5,42)
              --sizes LIST         history sizes in matches, comma-separated (default: the whole history)
              --out FILE           also write the tables as Markdown
              --folds K            cross-validation folds of the learners (default 5)
              --shaped-only        the shaped learner alone beside the default (how its variants were compared, quickly)
            """,
        ["simulate"] = Simulation.SimulateVerb.Help,
    };

    private static readonly HashSet<string> Common = ["history", "newcomers", "offers", "hidden", "seed", "test-share"];
    private static readonly HashSet<string> CommonSwitches = ["json", "quiet"];

    private static readonly Dictionary<string, (string[] Valued, string[] Switches)> VerbFlags = new(StringComparer.Ordinal)
    {
        ["evaluate"] = (["profile", "min-group"], ["held-out"]),
        ["tune"] = (["objective", "samples", "refine", "folds", "out", "name"], []),
        ["learn"] = (["tuned", "out", "shaped-out", "name", "folds", "samples", "refine"], ["no-ceiling"]),
        ["report"] = (["tuned", "out", "folds", "samples", "refine", "seeds"], ["no-ceiling"]),
        ["spread"] = (["seeds", "sizes", "out", "folds"], ["shaped-only"]),
        ["simulate"] = (Simulation.SimulateVerb.Valued, Simulation.SimulateVerb.Switches),
    };

    /// <summary>Runs one verb; returns the exit code: 0 done, 1 bad data or a failed run, 2 bad usage.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Length == 0 ? error : output).WriteLine(Overview);
            return args.Length == 0 ? 2 : 0;
        }
        var verb = args[0];
        if (!VerbFlags.TryGetValue(verb, out var known))
        {
            error.WriteLine($"Unknown verb '{verb}'.");
            error.WriteLine(Overview);
            return 2;
        }
        Flags flags;
        try
        {
            // The simulation generates its own year: the history's flags mean nothing to it.
            var valued = verb == "simulate" ? known.Valued : Common.Concat(known.Valued);
            flags = Flags.Parse(args.AsSpan(1), valued.ToHashSet(), CommonSwitches.Concat(known.Switches).ToHashSet());
        }
        catch (FormatException ex)
        {
            error.WriteLine(ex.Message);
            error.WriteLine(VerbHelp[verb]);
            return 2;
        }
        if (flags.Has("help"))
        {
            output.WriteLine(VerbHelp[verb]);
            if (verb == "simulate") return 0;
            output.WriteLine("common flags:");
            output.WriteLine(CommonHelp);
            return 0;
        }
        var progress = new Progress(error, flags.Has("quiet"));
        try
        {
            if (verb == "simulate") return Simulation.SimulateVerb.Run(flags, output, progress);
            // Every verb reads a history: say so before touching any other file.
            flags.Require("history");
            return verb switch
            {
                "evaluate" => Evaluate(flags, output, progress),
                "tune" => Tune(flags, output, progress),
                "learn" => Learn(flags, output, progress, reportDir: null),
                "spread" => SpreadVerb(flags, output, progress),
                _ => Learn(flags, output, progress, reportDir: flags.Require("out")),
            };
        }
        catch (FormatException ex)
        {
            error.WriteLine(ex.Message);
            error.WriteLine(VerbHelp[verb]);
            return 2;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }

    private static (HistoryWorld World, IReadOnlyList<ReplayQuery> Queries) Load(Flags flags, Progress progress, int horizonDays = 182)
    {
        var history = flags.Require("history");
        progress.Report($"load {history}");
        var world = HistoryWorld.Load(history, flags.Get("newcomers"), flags.Get("offers"), flags.Get("hidden"));
        progress.Report($"replay {world.Records.Count} newcomers against {world.Offers.Count} offers{(world.HasOracle ? " (with the oracle)" : " (no hidden.csv: no oracle metrics)")}");
        var queries = ReplayBuilder.Build(world, horizonDays, (done, total) => progress.Report($"replay {done}/{total}"));
        return (world, queries);
    }

    private static int Evaluate(Flags flags, TextWriter output, Progress progress)
    {
        var path = flags.Require("profile");
        var profile = WeightProfile.Parse(File.ReadAllText(path), out var errors)
            ?? throw new InvalidDataException($"{path}: not a valid profile: {string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))}");
        var seed = flags.Int("seed", 42);
        var minGroup = flags.Int("min-group", Evaluator.DefaultMinGroupSize, 1);
        var (world, queries) = Load(flags, progress, profile.HorizonDays);
        var heldOut = flags.Has("held-out");
        var set = heldOut ? Splits.TrainTest(queries, seed, flags.Double("test-share", Splits.DefaultTestShare, 0.01, 0.99)).Test : queries;

        var rankers = new List<IRanker> { new ProfileRanker(profile) };
        if (profile.Name != WeightProfile.Default.Name) rankers.Add(new ProfileRanker(WeightProfile.Default));
        rankers.Add(new RandomRanker(seed));
        if (world.HasOracle) rankers.Add(new OracleRanker());
        var results = rankers.Select(r =>
        {
            progress.Report($"evaluate {r.Name} on {set.Count} newcomers");
            return Evaluator.Evaluate(r, set, minGroup);
        }).ToList();

        if (flags.Has("json"))
        {
            output.WriteLine(JsonOutput.Serialize(new
            {
                source = world.Source,
                newcomers = queries.Count,
                evaluatedOn = heldOut ? "held-out" : "all",
                evaluated = set.Count,
                seed,
                meanCandidates = set.Count == 0 ? 0 : set.Average(q => q.Count),
                profile = profile.ToDocument(),
                results = results.Select(JsonOutput.Evaluation),
            }));
            return 0;
        }
        output.WriteLine($"History: {world.Source}: {queries.Count:N0} newcomers, {TextTable.Pct(queries.Count(q => q.Completed) / (double)Math.Max(1, queries.Count))} of their matches completed.");
        output.WriteLine(heldOut
            ? $"Evaluated on the {set.Count:N0} held-out newcomers (seed {seed})."
            : $"Evaluated on all {set.Count:N0} newcomers.");
        output.WriteLine($"Candidates: the offers feasible on the proposal day (hard constraints, one level of tolerance), {(set.Count == 0 ? 0 : set.Average(q => q.Count)):F1} per newcomer.");
        output.WriteLine($"Profile: {profile.Name} v{profile.Version}: {WeightsText(profile)}");
        output.WriteLine();
        output.Write(Reports.MetricTable(results).ToText());
        output.WriteLine();
        output.WriteLine("observed = the historical match is the one relevant offer when it completed (precision@5 at most 0.2);");
        output.WriteLine("oracle = each candidate's true completion probability is its gain (only for a generated history).");
        output.WriteLine();
        foreach (var d in results[0].ByGroup)
        {
            output.WriteLine($"{profile.Name} by {Reports.DimensionName(d.Dimension)}:");
            output.Write(Reports.GroupTable(d, world.HasOracle).ToText());
            foreach (var gap in d.Gaps.Where(g => Reports.GapMetrics.Contains(g.Metric)))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  gap in {gap.Metric}: {gap.Gap:F4} (best {gap.Best} {gap.BestValue:F4}, worst {gap.Worst} {gap.WorstValue:F4})"));
            }
            output.WriteLine();
        }
        return 0;
    }

    private static int Tune(Flags flags, TextWriter output, Progress progress)
    {
        var seed = flags.Int("seed", 42);
        var objective = flags.Get("objective") switch
        {
            null or "outcomes" => ObjectiveKind.Outcomes,
            "oracle" => ObjectiveKind.Oracle,
            var other => throw new FormatException($"--objective must be outcomes or oracle, not '{other}'."),
        };
        var options = new TunerOptions
        {
            Seed = seed,
            Objective = objective,
            Samples = flags.Int("samples", 400, 1, 1_000_000),
            RefineSteps = flags.Int("refine", 300, 0, 1_000_000),
            Folds = flags.Int("folds", 5, 2, 20),
        };
        var name = flags.Get("name") ?? "tuned";
        var outPath = flags.Get("out") ?? "tuned.json";
        var (world, queries) = Load(flags, progress);
        if (objective == ObjectiveKind.Oracle && !world.HasOracle) throw new InvalidDataException("--objective oracle needs hidden.csv beside the history (or --hidden FILE).");
        var (train, test) = Splits.TrainTest(queries, seed, flags.Double("test-share", Splits.DefaultTestShare, 0.01, 0.99));
        progress.Report($"tune on {train.Count} training newcomers ({options.Folds}-fold cross-validation), {test.Count} held out");
        var result = new WeightTuner(options, progress.Report).Tune(train);
        var description = objective == ObjectiveKind.Outcomes
            ? Experiment.TuneDescription(result, seed)
            : "Tuned on the oracle's NDCG@10 (hidden traits of a generated history): a ceiling to compare with, not a profile to deploy.";
        var profile = result.Best.ToProfile(name, description);
        WriteProfile(profile, outPath);
        var held = new[] { new ProfileRanker(profile), new ProfileRanker(WeightProfile.Default) }.Select(r => Evaluator.Evaluate(r, test)).ToList();

        if (flags.Has("json"))
        {
            output.WriteLine(JsonOutput.Serialize(new
            {
                source = world.Source,
                seed,
                objective,
                trainNewcomers = train.Count,
                testNewcomers = test.Count,
                tuning = JsonOutput.Tuning(result),
                profile = profile.ToDocument(),
                @out = outPath,
                heldOut = held.Select(e => new { ranker = e.Ranker, overall = e.Overall }),
            }));
            return 0;
        }
        var metric = objective == ObjectiveKind.Outcomes ? "outcome AUC" : "oracle NDCG@10";
        output.WriteLine($"Tuned on {train.Count:N0} training newcomers of {world.Source} by {metric}, seed {seed}; {result.Evaluations:N0} profiles evaluated.");
        output.WriteLine();
        var folds = new TextTable("fold", $"tuned {metric}", $"default {metric}");
        for (var f = 0; f < result.FoldObjectives.Count; f++) folds.Add((f + 1).ToString(CultureInfo.InvariantCulture), TextTable.Num(result.FoldObjectives[f]), TextTable.Num(result.FoldDefaultObjectives[f]));
        folds.Add("mean", TextTable.Num(result.FoldObjectives.Average()), TextTable.Num(result.FoldDefaultObjectives.Average()));
        output.WriteLine("Cross-validation by newcomer (each fold scored with the profile searched on the other folds):");
        output.Write(folds.ToText());
        var gain = result.FoldObjectives.Average() - result.FoldDefaultObjectives.Average();
        if (gain <= 0) output.WriteLine("The search does not beat the default on newcomers it did not see: keep the default, or bring more history.");
        else if (gain < 0.01) output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"The cross-validated gain ({gain:+0.0000}) is within the noise of this much history: trust the tuned weights little."));
        output.WriteLine();
        output.Write(Reports.WeightTable([("default", WeightProfile.Default), (name, profile)]).ToText());
        output.WriteLine();
        output.WriteLine($"Held out ({test.Count:N0} newcomers):");
        output.Write(Reports.MetricTable(held).ToText());
        output.WriteLine();
        output.WriteLine($"Wrote {outPath}. Make it live with:");
        output.WriteLine($"  curl -X PUT -H 'X-Api-Key: …' -H 'Content-Type: application/json' --data @{outPath} http://localhost:5080/api/v1/weight-profiles/{name}");
        return 0;
    }

    private static int Learn(Flags flags, TextWriter output, Progress progress, string? reportDir)
    {
        var seed = flags.Int("seed", 42);
        var name = flags.Get("name") ?? Experiment.Learned;
        WeightProfile? tuned = null;
        if (flags.Get("tuned") is { } tunedPath)
        {
            tuned = WeightProfile.Parse(File.ReadAllText(tunedPath), out var errors)
                ?? throw new InvalidDataException($"{tunedPath}: not a valid profile: {string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))}");
        }
        var folds = flags.Int("folds", 5, 2, 20);
        var options = new ExperimentOptions
        {
            Seed = seed,
            TestShare = flags.Double("test-share", Splits.DefaultTestShare, 0.01, 0.99),
            Folds = folds,
            Tuner = new TunerOptions { Samples = flags.Int("samples", 400, 1, 1_000_000), RefineSteps = flags.Int("refine", 300, 0, 1_000_000) },
            Ceiling = !flags.Has("no-ceiling"),
            Tuned = tuned,
        };
        var (world, queries) = Load(flags, progress);
        var result = Experiment.Run(queries, world.Source, options, progress.Report);
        var learned = result.Linear.Profile.WithIdentity(name, 1);
        if (reportDir is not null)
        {
            var spread = flags.Get("seeds") is { } seeds
                ? Spread.Run(queries, world.Source, [queries.Count], IntList("seeds", seeds), options with { Ceiling = false }, progress.Report)
                : null;
            progress.Report($"write the report into {reportDir}");
            ReportWriter.Write(result, reportDir, CommandLine(flags), spread);
        }
        else
        {
            var outPath = flags.Get("out") ?? "learned.json";
            WriteProfile(learned, outPath);
            WriteProfile(result.Shaped.Profile, flags.Get("shaped-out") ?? Path.Combine(Path.GetDirectoryName(outPath) ?? "", "learned-shaped.json"));
        }

        if (flags.Has("json"))
        {
            output.WriteLine(JsonOutput.Serialize(JsonOutput.Experiment(result)));
            return 0;
        }
        output.WriteLine($"{world.Source}: {result.Matches:N0} matches of {result.Newcomers:N0} newcomers, {TextTable.Pct(result.CompletionRate)} completed, {result.MeanCandidates:F1} candidates each; "
            + $"learned on {result.TrainNewcomers:N0}, scored on {result.TestNewcomers:N0} held out (seed {seed}).");
        output.WriteLine();
        output.Write(Reports.HeldOutTable(result).ToText());
        output.WriteLine();
        output.Write(Reports.WeightTable(Reports.Profiles(result)).ToText());
        output.WriteLine();
        output.WriteLine(result.Shaped.Family == Learning.ShapedProfileLearner.Spline
            ? string.Create(CultureInfo.InvariantCulture, $"Shaped: penalised splines, penalty {result.Shaped.Penalty} (cross-validated log-loss {result.Shaped.ChosenLogLoss:F4} bits; the best GAM {result.Shaped.Trials.Min(t => t.LogLoss):F4}).")
            : string.Create(CultureInfo.InvariantCulture, $"Shaped: GAM, {result.Shaped.Iterations} rounds, leaves of at least {result.Shaped.MinLeaf} (cross-validated log-loss {result.Shaped.ChosenLogLoss:F4} bits)."));
        output.WriteLine($"LightGBM: {result.LightGbm.Leaves} leaves, leaves of at least {result.LightGbm.MinLeaf} matches, {result.LightGbm.Iterations} rounds (chosen by cross-validated outcome AUC).");
        output.WriteLine("Permutation importance (drop in held-out " + (result.HasOracle ? "oracle" : "observed") + " NDCG@10 when shuffled):");
        output.WriteLine("  learned-linear: " + string.Join(", ", result.LinearImportance.Select(f => $"{f.Feature} {f.Drop.ToString("F4", CultureInfo.InvariantCulture)}")));
        output.WriteLine("  lightgbm:       " + string.Join(", ", result.LightGbmImportance.Take(8).Select(f => $"{f.Feature} {f.Drop.ToString("F4", CultureInfo.InvariantCulture)}")));
        output.WriteLine("Mean |contribution| per criterion, centred per newcomer, as a share of each model's total (shaped profile / LightGBM's feature contributions):");
        output.WriteLine("  " + string.Join(", ", result.Contributions.Groups.Select(g => $"{g.Group} {TextTable.Pct(g.ShapedShare)} / {TextTable.Pct(g.LightGbmShare)}")));
        output.WriteLine();
        output.WriteLine(reportDir is null
            ? $"Wrote {flags.Get("out") ?? "learned.json"} and the shaped profile {flags.Get("shaped-out") ?? "learned-shaped.json (beside it)"}."
            : $"Wrote {Path.Combine(reportDir, ReportWriter.MarkdownFile)} with its charts, tuned.json, learned.json and results.json.");
        return 0;
    }

    private static int SpreadVerb(Flags flags, TextWriter output, Progress progress)
    {
        var seeds = flags.Get("seeds") is { } s ? IntList("seeds", s) : Spread.DefaultSeeds;
        var options = new ExperimentOptions
        {
            TestShare = flags.Double("test-share", Splits.DefaultTestShare, 0.01, 0.99),
            Folds = flags.Int("folds", 5, 2, 20),
            Ceiling = false,
            ShapedOnly = flags.Has("shaped-only"),
        };
        var sizesText = flags.Get("sizes");
        var (world, queries) = Load(flags, progress);
        var sizes = sizesText is null ? [queries.Count] : IntList("sizes", sizesText);
        var result = Spread.Run(queries, world.Source, sizes, seeds, options, progress.Report);
        if (flags.Get("out") is { } path)
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir is not null) Directory.CreateDirectory(dir);
            File.WriteAllText(path, Reports.SpreadMarkdown(result, CommandLine(flags)), new UTF8Encoding(false));
        }
        if (flags.Has("json"))
        {
            output.WriteLine(JsonOutput.Serialize(new { source = result.Source, seeds = result.Seeds, summary = result.Summary, cells = result.Cells }));
            return 0;
        }
        output.WriteLine($"{world.Source}: {queries.Count:N0} matches; seeds {string.Join(", ", seeds)}; learners fitted without the oracle, scored by it on the held-out newcomers.");
        output.WriteLine();
        output.Write(Reports.SpreadTable(result).ToText());
        if (flags.Get("out") is { } written) output.WriteLine($"\nWrote {written}.");
        return 0;
    }

    private static int[] IntList(string name, string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i]) || values[i] <= 0)
                throw new FormatException($"--{name} must be positive whole numbers separated by commas, not '{text}'.");
        }
        if (values.Length == 0) throw new FormatException($"--{name} needs at least one value.");
        return values.Distinct().ToArray();
    }

    /// <summary>Writes a profile as the API's PUT body: the document, indented, UTF-8 without BOM.</summary>
    internal static void WriteProfile(WeightProfile profile, string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(path, JsonSerializer.Serialize(profile.ToDocument(), WeightProfileDocument.JsonOptions) + "\n", new UTF8Encoding(false));
    }

    private static string WeightsText(WeightProfile p) =>
        string.Join(", ", Criteria.All.Select(c => $"{Criteria.Name(c)} {p.Weight(c).ToString("F3", CultureInfo.InvariantCulture)}"))
        + $"; levelTolerance {p.LevelTolerance}; distance offset {p.DistanceOffsetKm.ToString(CultureInfo.InvariantCulture)} km, scale {p.DistanceScaleKm.ToString(CultureInfo.InvariantCulture)} km";

    private static string CommandLine(Flags flags) => flags.Original;
}
