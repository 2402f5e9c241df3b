using Matching.Model;

namespace Matching.Tests.Model;

public class CefrLevelTests
{
    [TestCase("A0", 0)]
    [TestCase("a2", 2)]
    [TestCase("C2", 6)]
    public void TryParse_KnownLevel_GivesOrdinal(string text, int ordinal)
    {
        CefrLevel.TryParse(text, out var level).Should().BeTrue();
        level.Ordinal.Should().Be((byte)ordinal);
    }

    [TestCase("")]
    [TestCase("D1")]
    [TestCase("B3")]
    [TestCase("A")]
    [TestCase(null)]
    public void TryParse_Unknown_Fails(string? text) => CefrLevel.TryParse(text, out _).Should().BeFalse();

    [Test]
    public void Operators_OrderLevels()
    {
        (CefrLevel.A1 < CefrLevel.B1).Should().BeTrue();
        (CefrLevel.C2 > CefrLevel.C1).Should().BeTrue();
        (CefrLevel.B2 >= CefrLevel.B1).Should().BeTrue();
        CefrLevel.B1.ToString().Should().Be("B1");
    }
}
