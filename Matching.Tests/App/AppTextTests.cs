using Matching.Api.App;
using Matching.Model;

namespace Matching.Tests.App;

public class AppTextTests
{
    [TestCase("The offer is full: no place is free.", "Het aanbod is vol: er is geen plaats vrij.")]
    [TestCase("A proposed match cannot become completed.", "Een match die voorgesteld is, kan niet afgerond worden.")]
    [TestCase("An accepted match cannot become proposed.", "Een match die aanvaard is, kan niet voorgesteld worden.")]
    [TestCase("Something new.", "Something new.")]
    public void Detail_InDutch_TranslatesTheKnownRefusals(string english, string dutch) =>
        AppText.Detail(english, ReasonLanguage.Nl).Should().Be(dutch);

    [Test]
    public void Detail_InEnglish_IsAsWritten() =>
        AppText.Detail("The offer is full: no place is free.", ReasonLanguage.En).Should().Be("The offer is full: no place is free.");

    [TestCase(3.25, "0.0", ReasonLanguage.Nl, "3,3")]
    [TestCase(3.25, "0.0", ReasonLanguage.En, "3.3")]
    public void Number_WritesTheLanguagesDecimalSeparator(double value, string format, ReasonLanguage language, string expected) =>
        AppText.Number(value, format, language).Should().Be(expected);
}
