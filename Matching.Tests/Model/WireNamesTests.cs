using Matching.Model;
using Matching.Service;

namespace Matching.Tests.Model;

public class WireNamesTests
{
    [TestCase("buddy", OfferKind.Buddy)]
    [TestCase("languageInternship", OfferKind.LanguageInternship)]
    [TestCase("LANGUAGEINTERNSHIP", OfferKind.LanguageInternship)]
    public void TryParse_OneName_AnyCase_Parses(string text, OfferKind expected)
    {
        WireNames.TryParse<OfferKind>(text, out var kind).Should().BeTrue();
        kind.Should().Be(expected);
    }

    // Found by the bad-input fuzz: Enum.TryParse ORs a list and trims blanks, so these used to parse as some value.
    [TestCase("buddy,volunteering")]
    [TestCase("buddy, languageInternship")]
    [TestCase("buddy,")]
    [TestCase(" buddy")]
    [TestCase("buddy ")]
    [TestCase("buddy\t")]
    [TestCase("1")]
    [TestCase("-buddy")]
    [TestCase("")]
    [TestCase(null)]
    public void TryParse_NotExactlyOneName_IsRefused(string? text) =>
        WireNames.TryParse<OfferKind>(text, out _).Should().BeFalse();

    [Test]
    public void TryParse_EveryWireName_RoundTrips()
    {
        foreach (var status in Enum.GetValues<MatchStatus>())
        {
            WireNames.TryParse<MatchStatus>(WireNames.Of(status), out var parsed).Should().BeTrue();
            parsed.Should().Be(status);
        }
    }
}
