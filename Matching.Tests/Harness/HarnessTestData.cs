using Matching.Service;
using Matching.Data;
using Matching.Harness.Learning;
using Matching.Harness.Replay;
using Matching.Harness.Tuning;
using Matching.Model;
using Matching.Scoring;

namespace Matching.Tests.Harness;

/// <summary>A small generated history, replayed once and shared: the harness's tests must stay cheap on two cores.</summary>
internal static class HarnessTestData
{
    /// <summary>Matches in the shared history: enough for both outcomes in every fold, small enough to replay in a blink.</summary>
    public const int Matches = 400;

    private static readonly Lazy<OutcomeHistory> LazyHistory = new(() =>
        new OutcomeHistoryGenerator(new OutcomeHistoryOptions { Seed = 5, Matches = Matches }).Generate());

    private static readonly Lazy<IReadOnlyList<ReplayQuery>> LazyQueries = new(() => ReplayBuilder.Build(World));

    /// <summary>The generated history.</summary>
    public static OutcomeHistory History => LazyHistory.Value;

    /// <summary>Its world with the oracle.</summary>
    public static HistoryWorld World => HistoryWorld.From(History);

    /// <summary>Every match replayed.</summary>
    public static IReadOnlyList<ReplayQuery> Queries => LazyQueries.Value;

    /// <summary>A tuner's budget for tests: a few dozen profiles.</summary>
    public static TunerOptions SmallTuner => new() { Seed = 3, Samples = 40, RefineSteps = 30, Folds = 3 };

    /// <summary>A linear learner for tests: a grid of four decays, three folds.</summary>
    public static LinearLearnOptions SmallLinear => new() { Seed = 3, Folds = 3, OffsetsKm = [0, 2], ScalesKm = [5, 12] };

    /// <summary>A LightGBM for tests: few rounds.</summary>
    public static LightGbmOptions SmallLightGbm => new() { Seed = 3, Iterations = 30, Leaves = 4, MinLeaf = 20 };

    /// <summary>A replayed newcomer built by hand: candidates with criteria, km, levels below, oracle and the match.</summary>
    public static ReplayQuery Query(string id, double[][] criteria, double[]? oracle = null, int matched = 0, bool completed = true,
        byte[]? levelsBelow = null, string gender = "female", string level = "A1", string region = "VAN", string language = "ar",
        PairInputs[]? inputs = null)
    {
        var n = TestData.Newcomer(id);
        var count = criteria.Length;
        return new ReplayQuery
        {
            Newcomer = n,
            Record = new HistoryRecord
            {
                MatchId = "m-" + id,
                NewcomerId = id,
                OfferId = $"offer-{matched:D2}",
                ProposedOn = TestData.Today,
                Outcome = completed ? HistoryOutcome.Completed : HistoryOutcome.Stopped,
                HoursDone = completed ? 40 : 3,
                StopReason = completed ? null : EndReason.Other,
            },
            Groups = [gender, level, region, language],
            OfferIds = Enumerable.Range(0, count).Select(i => $"offer-{i:D2}").ToArray(),
            Criteria = criteria.SelectMany(c => c).ToArray(),
            // Distance scores of 1 stay 1 under any decay at 0 km; the hand-made cases use the stored criteria only.
            Km = new double[count],
            Remote = Enumerable.Repeat(true, count).ToArray(),
            LevelsBelow = levelsBelow ?? new byte[count],
            Features = new float[count * PairFeatures.Count],
            Inputs = inputs ?? new PairInputs[count],
            Oracle = oracle,
            Matched = matched,
        };
    }

    /// <summary>Six criterion scores where only the language criterion varies (the others 1): a profile ranks by it.</summary>
    public static double[] ByLanguage(double language) => [language, 1, 1, 1, 1, 1];

    /// <summary>A profile that weighs only the language criterion.</summary>
    public static WeightProfile LanguageOnly(int levelTolerance = 0) => WeightProfile.Create(new WeightProfileDocument
    {
        Name = "language-only",
        Weights = new() { [Criteria.Name(Criterion.Language)] = 1 },
        LevelTolerance = levelTolerance,
    }, out _)!;
}
