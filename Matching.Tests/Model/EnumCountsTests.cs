using Matching.Model;

namespace Matching.Tests.Model;

public class EnumCountsTests
{
    [Test]
    public void Counts_EqualTheEnums_WhoseValuesRunFromZero()
    {
        ValuesOf<OfferKind>().Should().Equal(Enumerable.Range(0, EnumCounts.OfferKinds));
        ValuesOf<OfferSetting>().Should().Equal(Enumerable.Range(0, EnumCounts.OfferSettings));
        ValuesOf<Goal>().Should().Equal(Enumerable.Range(0, EnumCounts.Goals));
        ValuesOf<ExclusionReason>().Should().Equal(Enumerable.Range(0, EnumCounts.ExclusionReasons));
        EnumCounts.KindSettings.Should().Be(Enum.GetValues<OfferKind>().Length * Enum.GetValues<OfferSetting>().Length);
    }

    private static IEnumerable<int> ValuesOf<TEnum>() where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().Select(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture));
}
