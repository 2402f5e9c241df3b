using Matching.Model;
using Matching.Scoring;

namespace Matching.Tests.Scoring;

public class FormulasTests
{
    [TestCase(1, 1, 3, 1.0)]
    [TestCase(3, 1, 3, 1.0)]
    [TestCase(0, 1, 3, 0.5)]
    [TestCase(4, 1, 3, 0.65)]
    [TestCase(6, 1, 2, 0.0)]
    public void LanguageFit_LanguageInternship(int level, int min, int max, double expected) =>
        Formulas.LanguageFit(level, min, max, OfferKind.LanguageInternship).Should().BeApproximately(expected, 1e-12);

    [Test]
    public void LanguageFit_AboveBeginnersRange_WorthLessForTaalstageThanForOtherKinds() =>
        Formulas.LanguageFit(4, 0, 2, OfferKind.LanguageInternship).Should().BeLessThan(Formulas.LanguageFit(4, 0, 2, OfferKind.Buddy));

    [TestCase(2, 0, 2, 2, 1.0)]
    [TestCase(1, 0, 2, 2, 0.5)]
    [TestCase(0, 1, 2, 2, 0.25)]
    [TestCase(0, 0, 3, 2, 0.0)]
    [TestCase(1, 4, 1, 5, 1.0)]
    [TestCase(0, 0, 0, 3, 0.5)]
    [TestCase(0, 0, 3, 0, 0.5)]
    public void InterestFit_ExactAndPartial(int exact, int partial, int mine, int theirs, double expected) =>
        Formulas.InterestFit(exact, partial, mine, theirs).Should().BeApproximately(expected, 1e-12);

    [Test]
    public void DistanceFit_WithinOffset_IsOne() => Formulas.DistanceFit(0.9, false, 1, Sigma2(10, 0.5)).Should().Be(1);

    [Test]
    public void DistanceFit_AtOffsetPlusScale_IsDecay() => Formulas.DistanceFit(11, false, 1, Sigma2(10, 0.5)).Should().BeApproximately(0.5, 1e-12);

    [Test]
    public void DistanceFit_Remote_IsOne() => Formulas.DistanceFit(80, true, 1, Sigma2(10, 0.5)).Should().Be(1);

    [Test]
    public void DistanceFit_DecreasesSmoothly()
    {
        var scores = Enumerable.Range(0, 40).Select(km => Formulas.DistanceFit(km, false, 1, Sigma2(10, 0.5))).ToList();
        scores.Should().BeInDescendingOrder();
        scores.Should().OnlyContain(s => s >= 0 && s <= 1);
    }

    [TestCase(60, 280, 40, 0.6)] // 60 min × 280 days = 16800 = 40 h × 420: exactly covered
    [TestCase(120, 280, 40, 1.0)] // twice the need
    [TestCase(90, 280, 40, 0.8)]
    [TestCase(30, 280, 40, 0.3)]
    public void AvailabilityFit_SlackOverNeed(int overlap, int days, int hours, double expected) =>
        Formulas.AvailabilityFit(overlap, days, hours).Should().BeApproximately(expected, 1e-12);

    [Test]
    public void TimeSuffices_ExactlyCovered_True_OneMinuteShort_False()
    {
        Formulas.TimeSuffices(60, 280, 40).Should().BeTrue();
        Formulas.TimeSuffices(59, 280, 40).Should().BeFalse();
        Formulas.TimeSuffices(600, 0, 40).Should().BeFalse();
    }

    [Test]
    public void BridgingFit_WorthMostAtLowLevels()
    {
        Formulas.BridgingFit(true, 0).Should().Be(1);
        Formulas.BridgingFit(true, 1).Should().BeGreaterThan(Formulas.BridgingFit(true, 3));
        Formulas.BridgingFit(false, 0).Should().Be(0);
    }

    [Test]
    public void GoalFit_WorkFavoursCompanyInternships()
    {
        var work = 1 << (int)Goal.Work;
        Formulas.GoalFit(work, OfferKind.IntroductoryInternship, OfferSetting.Company).Should().Be(1);
        Formulas.GoalFit(work, OfferKind.IntroductoryInternship, OfferSetting.LocalGovernment).Should().Be(1);
        Formulas.GoalFit(work, OfferKind.Buddy, OfferSetting.Organisation).Should().BeLessThan(0.5);
        Formulas.GoalFit(0, OfferKind.Buddy, OfferSetting.Organisation).Should().Be(0.5);
    }

    [Test]
    public void AvailableDays_UsesLaterStartAndEarlierEnd()
    {
        var today = new DateOnly(2026, 11, 2).DayNumber;
        Formulas.AvailableDays(today, today + 10, today + 40, today + 30, 182).Should().Be(21);
        Formulas.AvailableDays(today, today - 10, null, null, 182).Should().Be(182);
        Formulas.AvailableDays(today, null, today - 1, null, 182).Should().Be(0);
    }

    private static double Sigma2(double scale, double decay) => -scale * scale / (2 * Math.Log(decay));
}
