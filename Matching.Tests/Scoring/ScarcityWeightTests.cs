using Matching.Scoring;

namespace Matching.Tests.Scoring;

public class ScarcityWeightTests
{
    [Test]
    public void Create_ScarcityWeight_DefaultsToOff_RoundTrips_AndIsCheckedForRange()
    {
        WeightProfile.Default.ScarcityWeight.Should().Be(0, "off until analysts switch it on");
        WeightProfile.Default.ToDocument().ScarcityWeight.Should().BeNull("a profile without the setting reads back as it was written");

        var document = WeightProfile.Default.ToDocument();
        document.ScarcityWeight = 0.75;
        var profile = WeightProfile.Create(document, out _)!;
        profile.ScarcityWeight.Should().Be(0.75);
        WeightProfile.Create(profile.ToDocument(), out _)!.ScarcityWeight.Should().Be(0.75);
        profile.WithIdentity("other", 3).ScarcityWeight.Should().Be(0.75);

        document.ScarcityWeight = 11;
        WeightProfile.Create(document, out var errors).Should().BeNull();
        errors.ToDictionary().Should().ContainKey("scarcityWeight");
        document.ScarcityWeight = -0.1;
        WeightProfile.Create(document, out _).Should().BeNull();
    }
}
