using Matching.Harness.Evaluation;
using Matching.Harness.Tuning;
using static Matching.Tests.Harness.HarnessTestData;

namespace Matching.Tests.Harness.Tuning;

public class TuningObjectiveTests
{
    [Test]
    public void Value_Outcomes_IsTheAucOfTheMatchedScores()
    {
        // Completed matches score 0.9 and 0.3, the stopped one 0.5: one of two pairs ordered right.
        var queries = new[]
        {
            Query("nc-1", [ByLanguage(0.9)], completed: true),
            Query("nc-2", [ByLanguage(0.3)], completed: true),
            Query("nc-3", [ByLanguage(0.5)], completed: false),
        };
        new TuningObjective(ObjectiveKind.Outcomes, queries).Value(LanguageOnly()).Should().BeApproximately(0.5, 1e-12);
    }

    [Test]
    public void Value_Oracle_AgreesWithTheEvaluator()
    {
        var queries = HarnessTestData.Queries.Take(80).ToList();
        var profile = Matching.Scoring.WeightProfile.Default;
        new TuningObjective(ObjectiveKind.Oracle, queries).Value(profile)
            .Should().BeApproximately(Evaluator.Evaluate(new ProfileRanker(profile), queries).Overall.OracleNdcg10, 1e-12);
    }
}
