using Matching.Harness.Evaluation;
using Matching.Harness.Learning;
using Matching.Scoring;
using static Matching.Tests.Harness.HarnessTestData;

namespace Matching.Tests.Harness.Learning;

public class PermutationImportanceTests
{
    [Test]
    public void Compute_UnusedFeature_NoDrop_UsedFeature_Drops()
    {
        // The oracle agrees with the language score, so a language-only ranking is perfect until language is shuffled.
        var queries = Enumerable.Range(0, 40).Select(i => Query($"nc-{i}",
            [ByLanguage(0.1), ByLanguage(0.5), ByLanguage(0.9)], oracle: [0.1, 0.5, 0.9])).ToList();
        var matrices = queries.Select(q => q.Criteria.Select(x => (float)x).ToArray()).ToList();
        var profile = LanguageOnly();
        var importance = PermutationImportance.Compute(queries, matrices, Criteria.All.Select(Criteria.Name).ToList(),
            (qs, ms) => ms.Select(m => Enumerable.Range(0, m.Length / Criteria.Count).Select(c => (double)m[c * Criteria.Count]).ToArray()).ToArray(),
            seed: 1);
        importance[0].Feature.Should().Be("language");
        importance[0].Drop.Should().BeGreaterThan(0.01);
        importance.Skip(1).Should().OnlyContain(f => f.Drop == 0);
        Evaluator.Headline(queries, new ProfileRanker(profile).ScoreAll(queries)).Should().BeApproximately(1, 1e-12);
    }
}
