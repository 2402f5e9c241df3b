using Matching.Harness.Experiments;
using Matching.Harness.Replay;

namespace Matching.Tests.Harness.Experiments;

public class SpreadTests
{
    private static readonly Lazy<SpreadResult> Shared = new(() => Spread.Run(HarnessTestData.Queries, "test", [400, 250], [1, 2], ExperimentTests.Small));

    [Test]
    public void Run_EverySizeSeedAndRanker_OneCellInOrder()
    {
        var r = Shared.Value;
        r.Cells.Should().HaveCount(2 * 2 * Spread.Rankers.Length);
        r.Cells.Select(c => c.Size).Distinct().Should().Equal(250, 400);
        r.Cells.Where(c => c.Size == 400).Should().OnlyContain(c => c.Matches == HarnessTestData.Matches, "a size beyond the history takes all of it");
        r.Cells.Where(c => c.Size == 250).Should().OnlyContain(c => c.Matches >= 250 && c.Matches < 400);
        r.Cells.Where(c => c.Ranker == Experiment.Default).Should().OnlyContain(c => c.GapClosed == 0);
        r.Cells.Should().OnlyContain(c => c.OracleNdcg10 > 0 && c.OracleNdcg10 <= 1);
    }

    [Test]
    public void Summary_MeanMinMax_OfTheSeedsCells()
    {
        var r = Shared.Value;
        var s = r.Summary.Single(x => x.Size == 250 && x.Ranker == Experiment.Shaped);
        var gaps = r.Cells.Where(c => c.Size == 250 && c.Ranker == Experiment.Shaped).Select(c => c.GapClosed).ToList();
        gaps.Should().HaveCount(2);
        s.GapClosed.Should().Be(new Range3(gaps.Average(), gaps.Min(), gaps.Max()));
        r.Summary.Select(x => x.Ranker).Take(Spread.Rankers.Length).Should().Equal(Spread.Rankers);
    }

    [Test]
    public void Run_SameSeed_SameCells()
    {
        var again = Spread.Run(HarnessTestData.Queries, "test", [250], [2], ExperimentTests.Small);
        again.Cells.Should().Equal(Shared.Value.Cells.Where(c => c.Size == 250 && c.Seed == 2));
    }

    [Test]
    public void Run_ShapedOnly_TheDefaultAndTheShapedCellsOfTheFullRun()
    {
        var alone = Spread.Run(HarnessTestData.Queries, "test", [250], [2], ExperimentTests.Small with { ShapedOnly = true });

        alone.Cells.Select(c => c.Ranker).Should().Equal(Experiment.Default, Experiment.Shaped);
        alone.Cells.Should().Equal(Shared.Value.Cells.Where(c => c.Size == 250 && c.Seed == 2 && c.Ranker is Experiment.Default or Experiment.Shaped),
            "the shaped learner alone learns what it learns beside the others");
    }

    [Test]
    public void Run_NoOracle_Refused()
    {
        var blind = HarnessTestData.Queries.Select(q => q.WithoutOracle()).ToList();
        var act = () => Spread.Run(blind, "test", [150], [1], ExperimentTests.Small);
        act.Should().Throw<InvalidDataException>().WithMessage("*hidden.csv*");
    }

    [Test]
    public void Learn_QueriesWithTheOracle_Refused()
    {
        var act = () => Experiment.Learn(HarnessTestData.Queries, ExperimentTests.Small);
        act.Should().Throw<ArgumentException>().WithMessage("*oracle*");
    }

    [Test]
    public void Run_LearnedProfiles_SameAsLearnedWithoutTheOracle()
    {
        // What Run deploys cannot depend on hidden.csv: learning on the same training newcomers without it gives the same profiles.
        var (train, _) = Splits.TrainTest(HarnessTestData.Queries, ExperimentTests.Small.Seed);
        var (linear, shaped, _, _, _) = Experiment.Learn(train.Select(q => q.WithoutOracle()).ToList(), ExperimentTests.Small);
        var run = ExperimentTests.Result;
        linear.Profile.ToDocument().Should().BeEquivalentTo(run.Linear.Profile.ToDocument());
        shaped.Profile.ToDocument().Should().BeEquivalentTo(run.Shaped.Profile.ToDocument());
    }
}
