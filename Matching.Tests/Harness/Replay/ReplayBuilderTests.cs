using Matching.Data;
using Matching.Harness.Evaluation;
using Matching.Harness.Replay;
using Matching.Ranking;
using Matching.Scoring;
using Microsoft.Extensions.Time.Testing;

namespace Matching.Tests.Harness.Replay;

public class ReplayBuilderTests
{
    [Test]
    public void Build_GeneratedHistory_EveryMatchIsAmongItsCandidates()
    {
        var queries = HarnessTestData.Queries;
        queries.Should().HaveCount(HarnessTestData.Matches);
        queries.Should().OnlyContain(q => q.Matched >= 0 && q.OfferIds[q.Matched] == q.Record.OfferId);
        queries.Should().OnlyContain(q => q.OfferIds.SequenceEqual(q.OfferIds.Order(StringComparer.Ordinal)), "candidates are in the engine's tie-break order");
        queries.Should().OnlyContain(q => q.Oracle != null && q.Oracle.All(p => p > 0 && p < 1));
    }

    [Test]
    public void Build_CriteriaAndScores_AgreeWithTheEngineOnTheProposalDay()
    {
        // The engine takes "today" from its clock: one clock per proposal day, as a live ranking that day would have had.
        var world = HarnessTestData.World;
        var profile = WeightProfile.Default;
        foreach (var q in HarnessTestData.Queries.Take(12))
        {
            var engine = new MatchingEngine(new FakeTimeProvider(new DateTimeOffset(q.Record.ProposedOn.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero)));
            engine.UpsertMany(world.Offers.Select(o => (o, 0)));
            var scores = new double[q.Count];
            ProfileRanker.Score(q, profile, scores);
            for (var c = 0; c < q.Count; c++)
            {
                var pair = engine.Evaluate(q.Newcomer, q.OfferIds[c], ReplayBuilder.BaseProfile())!;
                pair.Excluded.Should().BeNull("every candidate is feasible at tolerance 1");
                pair.Criteria.Select(x => x.Score).Should().Equal(Enumerable.Range(0, Criteria.Count).Select(k => q.Criteria[c * Criteria.Count + k]));
                var strict = engine.Evaluate(q.Newcomer, q.OfferIds[c], profile)!;
                if (strict.Excluded is null) scores[c].Should().BeApproximately(strict.Score, 1e-12);
                else double.IsNegativeInfinity(scores[c]).Should().BeTrue("the default profile excludes what the engine excludes");
            }
        }
    }

    [Test]
    public void Build_WithoutHiddenTraits_NoOracle()
    {
        var world = HistoryWorld.From(new OutcomeHistoryGenerator(new OutcomeHistoryOptions { Seed = 2, Matches = 30 }).Generate(), withOracle: false);
        ReplayBuilder.Build(world).Should().OnlyContain(q => q.Oracle == null);
    }

    [Test]
    public void Build_Groups_GenderLevelProvinceAndFirstLanguage()
    {
        var q = HarnessTestData.Queries[0];
        q.Group(GroupDimension.Gender).Should().Be(Matching.Model.WireNames.Of(q.Newcomer.Gender));
        q.Group(GroupDimension.DutchLevel).Should().Be(q.Newcomer.DutchLevel.ToString());
        q.Group(GroupDimension.Region).Should().BeOneOf("VAN", "VBR", "VLI", "VOV", "VWV", "BRU");
        q.Group(GroupDimension.HomeLanguage).Should().Be(q.Newcomer.Languages[0]);
    }

    [Test]
    public void Splits_TrainTest_DisjointByNewcomerAndDeterministic()
    {
        var queries = HarnessTestData.Queries;
        var (train, test) = Splits.TrainTest(queries, seed: 9, testShare: 0.3);
        (train.Count + test.Count).Should().Be(queries.Count);
        test.Count.Should().Be(120);
        train.Select(q => q.Newcomer.Id).Intersect(test.Select(q => q.Newcomer.Id)).Should().BeEmpty();
        Splits.TrainTest(queries, 9, 0.3).Test.Select(q => q.Newcomer.Id).Should().Equal(test.Select(q => q.Newcomer.Id));
        Splits.TrainTest(queries, 10, 0.3).Test.Select(q => q.Newcomer.Id).Should().NotEqual(test.Select(q => q.Newcomer.Id));
    }

    [Test]
    public void Splits_Folds_EachNewcomerValidatedOnce()
    {
        var folds = Splits.Folds(HarnessTestData.Queries, 4, seed: 1);
        folds.Should().HaveCount(4);
        folds.SelectMany(f => f.Validate).Select(q => q.Newcomer.Id).Should().OnlyHaveUniqueItems().And.HaveCount(HarnessTestData.Matches);
        folds.Should().OnlyContain(f => f.Train.Count + f.Validate.Count == HarnessTestData.Matches && f.Validate.Count == 100);
    }
}
