using System.Text.Json;
using System.Text.Json.Serialization;
using Matching.Harness.Evaluation;
using Matching.Harness.Experiments;
using Matching.Harness.Learning;
using Matching.Harness.Tuning;
using Matching.Scoring;

namespace Matching.Harness.Cli;

/// <summary>The machine-readable output: camelCase JSON, a metric that has no value (NaN) as null.</summary>
internal static class JsonOutput
{
    /// <summary>The serializer options of every --json output.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new FiniteDoubleConverter(), new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Serialises a value.</summary>
    public static string Serialize(object value) => JsonSerializer.Serialize(value, Options);

    /// <summary>An evaluation as plain data.</summary>
    public static object Evaluation(EvaluationResult e) => new
    {
        ranker = e.Ranker,
        overall = e.Overall,
        byGroup = e.ByGroup.Select(d => new
        {
            dimension = d.Dimension,
            groups = d.Groups.Select(g => new { group = g.Group, inGap = g.InGap, metrics = g.Metrics }),
            gaps = d.Gaps.Select(g => new { metric = g.Metric, best = g.Best, bestValue = g.BestValue, worst = g.Worst, worstValue = g.WorstValue, gap = g.Gap }),
        }),
    };

    /// <summary>A tuning run as plain data.</summary>
    public static object Tuning(TuningResult t) => new
    {
        trainObjective = t.TrainObjective,
        defaultTrainObjective = t.DefaultObjective,
        foldObjectives = t.FoldObjectives,
        foldDefaultObjectives = t.FoldDefaultObjectives,
        crossValidated = t.FoldObjectives.Average(),
        defaultCrossValidated = t.FoldDefaultObjectives.Average(),
        evaluations = t.Evaluations,
    };

    /// <summary>A whole experiment as plain data.</summary>
    public static object Experiment(ExperimentResult r) => new
    {
        source = r.Source,
        seed = r.Options.Seed,
        matches = r.Matches,
        newcomers = r.Newcomers,
        completionRate = r.CompletionRate,
        meanCandidates = r.MeanCandidates,
        trainNewcomers = r.TrainNewcomers,
        testNewcomers = r.TestNewcomers,
        hasOracle = r.HasOracle,
        heldOut = r.Rows.Select(row => new { ranker = row.Name, gapClosed = row.GapClosed, overall = row.Evaluation.Overall }),
        profiles = new
        {
            @default = WeightProfile.Default.ToDocument(),
            tuned = r.Tuned.ToDocument(),
            learnedLinear = r.Linear.Profile.ToDocument(),
            learnedShaped = r.Shaped.Profile.ToDocument(),
            oracleTuned = r.CeilingProfile?.ToDocument(),
        },
        tuning = r.Tuning is null ? null : Tuning(r.Tuning),
        linear = new
        {
            logitWeights = Criteria.All.ToDictionary(Criteria.Name, c => r.Linear.LogitWeights[(int)c]),
            bias = r.Linear.Bias,
            decayTrials = r.Linear.Trials,
            toleranceAuc = r.Linear.ToleranceAuc,
            toleranceAucDifferenceSe = r.Linear.ToleranceAucDifferenceSe,
            toleranceWithinNoise = r.Linear.ToleranceWithinNoise,
        },
        shaped = new
        {
            family = r.Shaped.Family,
            penalty = r.Shaped.Penalty,
            splineTrials = r.Shaped.SplineTrials.Select(t => new { penalty = t.Penalty, logLossBits = t.LogLoss }),
            interactions = r.Shaped.Interactions,
            withoutInteractionsLogLossBits = r.Shaped.WithoutInteractionsLogLoss,
            interactionsKept = r.Shaped.Kept,
            selection = r.Shaped.Selection.Select(t => new { slot = t.Slot, logLossBits = t.LogLoss, taken = t.Taken }),
            iterations = r.Shaped.Iterations,
            minLeaf = r.Shaped.MinLeaf,
            trials = r.Shaped.Trials.Select(t => new { iterations = t.Iterations, minLeaf = t.MinLeaf, logLossBits = t.LogLoss }),
            baseRateLogLossBits = r.Shaped.BaseRateLogLoss,
        },
        lightGbm = new
        {
            leaves = r.LightGbm.Leaves,
            minLeaf = r.LightGbm.MinLeaf,
            iterations = r.LightGbm.Iterations,
            learningRate = r.LightGbm.LearningRate,
            listSize = r.LightGbm.ListSize,
            trials = r.LightGbmTrials.Select(t => new { leaves = t.Options.Leaves, minLeaf = t.Options.MinLeaf, heldOutAuc = t.Auc }),
        },
        importance = new { learnedLinear = r.LinearImportance, lightGbm = r.LightGbmImportance },
        contributions = new
        {
            pairs = r.Contributions.Pairs,
            groups = r.Contributions.Groups,
            disagreements = r.Contributions.Examples.Select(d => new
            {
                newcomerId = d.NewcomerId, offerId = d.OfferId, shapedRank = d.ShapedRank, lightGbmRank = d.LightGbmRank, largestGap = d.LargestGap,
                disagreement = d.Disagreement,
                shaped = ContributionComparison.Groups.Select((g, i) => (g, i)).ToDictionary(x => x.g, x => d.Shaped[x.i]),
                lightGbm = ContributionComparison.Groups.Select((g, i) => (g, i)).ToDictionary(x => x.g, x => d.LightGbm[x.i]),
            }),
        },
        byGroup = r.Rows.Select(row => Evaluation(row.Evaluation)),
    };

    /// <summary>Writes NaN and infinities as null: JSON has no such numbers, and a reader should see "no value".</summary>
    private sealed class FiniteDoubleConverter : JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value)) writer.WriteNumberValue(Math.Round(value, 6));
            else writer.WriteNullValue();
        }

        public override bool HandleNull => true;
    }
}
