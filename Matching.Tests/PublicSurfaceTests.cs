using Matching.Ranking;

namespace Matching.Tests;

/// <summary>
/// The engine's internals stay internal even if someone declares them in PublicAPI.Unshipped.txt: the analyzer keeps the
/// surface visible, these keep the decision (issue 10) that an embedder never sees the index, the SQL or the helpers.
/// </summary>
public class PublicSurfaceTests
{
    private static readonly System.Reflection.Assembly Core = typeof(MatchingEngine).Assembly;

    [TestCase("Matching.Ranking.OfferIndex")]
    [TestCase("Matching.Ranking.NewcomerQuery")]
    [TestCase("Matching.Ranking.CriterionScores")]
    [TestCase("Matching.Model.Bits256")]
    [TestCase("Matching.Model.WireNames")]
    [TestCase("Matching.Scoring.Formulas")]
    [TestCase("Matching.Scoring.Explainer")]
    [TestCase("Matching.Reference.ReferenceScorer")]
    [TestCase("Matching.Service.WriteContext")]
    [TestCase("Matching.Service.MatchLifecycle")]
    [TestCase("Matching.Storage.OfferSql")]
    [TestCase("Matching.Storage.NewcomerSql")]
    [TestCase("Matching.Text.Csv")]
    [TestCase("Matching.Validation.Identifiers")]
    [TestCase("Matching.Contracts.HistoryMapper")]
    [TestCase("Matching.Allocation.GapReportBuilder")]
    [TestCase("Matching.Contracts.JsonInput")]
    [TestCase("Matching.Service.ETags")]
    public void CoreType_EngineInternal_IsNotPublic(string name)
    {
        var type = Core.GetType(name);

        type.Should().NotBeNull("the internal type {0} still exists under that name", name);
        type!.IsPublic.Should().BeFalse();
    }

    [TestCase("Matching.Data.DemoDataGenerator")]
    [TestCase("Matching.Data.OutcomeHistoryGenerator")]
    [TestCase("Matching.Data.GroundTruthModel")]
    [TestCase("Matching.Data.HiddenTraits")]
    [TestCase("Matching.Data.DemoFiles")]
    public void DemoType_LivesOutsideTheEngine_NotInCore(string name)
    {
        Core.GetType(name).Should().BeNull();
        typeof(Matching.Data.DemoDataGenerator).Assembly.GetType(name).Should().NotBeNull();
    }
}
