using Matching.Harness.Learning;
using Matching.Harness.Replay;
using Matching.Model;
using Matching.Scoring;

namespace Matching.Tests.Harness.Learning;

public class ContributionComparisonTests
{
    private static readonly int Km = PairFeatures.Names.ToList().IndexOf("km");
    private static readonly int LevelsBelow = PairFeatures.Names.ToList().IndexOf("levelsBelowMin");

    /// <summary>Three candidates whose language criterion is 0.2, 0.8 and 0.5, and LightGBM contributions of −3, +3, 0 on one feature.</summary>
    private static (ReplayQuery Query, float[] Contributions) Case(int feature)
    {
        var q = HarnessTestData.Query("nc-1", [HarnessTestData.ByLanguage(0.2), HarnessTestData.ByLanguage(0.8), HarnessTestData.ByLanguage(0.5)]);
        var contributions = new float[3 * PairFeatures.Count];
        contributions[0 * PairFeatures.Count + feature] = -3;
        contributions[1 * PairFeatures.Count + feature] = 3;
        return (q, contributions);
    }

    [Test]
    public void FeatureGroups_RawFeatures_GroupedWithTheirCriterion()
    {
        ContributionComparison.FeatureGroups[Km].Should().Be((int)Criterion.Distance);
        ContributionComparison.FeatureGroups[LevelsBelow].Should().Be((int)Criterion.Language);
        ContributionComparison.FeatureGroups[PairFeatures.Names.ToList().IndexOf("exactInterests")].Should().Be((int)Criterion.Interests);
        ContributionComparison.FeatureGroups[PairFeatures.Names.ToList().IndexOf("goal.work")].Should().Be((int)Criterion.Goals);
        ContributionComparison.FeatureGroups[PairFeatures.Names.ToList().IndexOf("kind.buddy")].Should().Be(Criteria.Count, "kind is no one criterion's");
        for (var k = 0; k < Criteria.Count; k++) ContributionComparison.FeatureGroups[k].Should().Be(k, "the criterion scores are their own group");
    }

    [Test]
    public void Compare_BothOnLanguage_FullShareAndNoDisagreement()
    {
        var (q, contributions) = Case(LevelsBelow);
        var report = ContributionComparison.Compare([q], HarnessTestData.LanguageOnly(), [[-3, 3, 0]], [contributions]);

        report.Pairs.Should().Be(3);
        var language = report.Groups[(int)Criterion.Language];
        language.ShapedShare.Should().BeApproximately(1, 1e-12);
        language.LightGbmShare.Should().BeApproximately(1, 1e-12);
        language.Shaped.Should().BeApproximately(0.2, 1e-12, "|−0.3|, |+0.3|, |0| after centring, averaged");
        language.LightGbm.Should().BeApproximately(2, 1e-12);
        report.Examples.Should().OnlyContain(d => d.Disagreement < 1e-12);
    }

    [Test]
    public void Compare_LightGbmOnDistance_DisagreementNamed()
    {
        var (q, contributions) = Case(Km);
        var report = ContributionComparison.Compare([q], HarnessTestData.LanguageOnly(), [[-3, 3, 0]], [contributions]);

        report.Groups[(int)Criterion.Distance].LightGbmShare.Should().BeApproximately(1, 1e-12);
        report.Groups[(int)Criterion.Distance].ShapedShare.Should().Be(0);
        // The two ends disagree by as much (−1.5 on language for the profile against −1.5 on distance for LightGBM); the middle not at all.
        report.Examples.Select(d => d.OfferId).Take(2).Should().BeEquivalentTo("offer-00", "offer-01");
        report.Examples.Take(2).Should().OnlyContain(d => Math.Abs(d.Disagreement - 3) < 1e-9);
        report.Examples[2].Disagreement.Should().BeApproximately(0, 1e-9);
        var low = report.Examples.Single(d => d.OfferId == "offer-00");
        (low.ShapedRank, low.LightGbmRank).Should().Be((3, 3));
        new[] { "language", "distance" }.Should().Contain(low.LargestGap);
    }

    [Test]
    public void Contributions_ModelOfKmOnly_AllOnKm_NearAboveFar()
    {
        // Outcomes depend on km alone and every other feature is constant: no tree can split elsewhere.
        var rng = new Random(11);
        var queries = Enumerable.Range(0, 800).Select(i =>
        {
            var km = rng.NextDouble() * 30;
            var q = HarnessTestData.Query($"nc-{i:D4}", [HarnessTestData.ByLanguage(1)], completed: rng.NextDouble() < 1 / (1 + Math.Exp(-(2 - 0.2 * km))));
            q.Features[Km] = (float)km;
            return q;
        }).ToList();
        var learner = new LightGbmRankLearner(HarnessTestData.SmallLightGbm);
        learner.Learn(queries);

        var sample = queries.Take(200).ToList();
        var contributions = learner.Contributions(sample.Select(q => q.Features).ToList());

        contributions.Should().OnlyContain(c => c.Length == PairFeatures.Count);
        contributions.Should().OnlyContain(c => c.Where((_, f) => f != Km).All(v => v == 0));
        var near = sample.Select((q, i) => (q, i)).Where(x => x.q.Features[Km] < 5).Average(x => contributions[x.i][Km]);
        var far = sample.Select((q, i) => (q, i)).Where(x => x.q.Features[Km] > 25).Average(x => contributions[x.i][Km]);
        near.Should().BeGreaterThan(far, "completion falls with km");
    }
}
