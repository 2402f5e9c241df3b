using Matching.Scoring;

namespace Matching.Tests.Scoring;

public class WeightProfileTests
{
    [Test]
    public void Default_LoadsFromDataFolder_AndIsNormalised()
    {
        var profile = WeightProfile.Default;
        profile.Name.Should().Be("default");
        profile.Version.Should().BeGreaterThanOrEqualTo(1);
        Criteria.All.Sum(profile.Weight).Should().BeApproximately(1, 1e-12);
    }

    [Test]
    public void Create_WeightsAreNormalisedToOne()
    {
        var profile = WeightProfile.Create(new WeightProfileDocument { Name = "p", Weights = new() { ["distance"] = 3, ["interests"] = 1 } }, out var errors);
        errors.IsEmpty.Should().BeTrue();
        profile!.Weight(Criterion.Distance).Should().Be(0.75);
        profile.Weight(Criterion.Interests).Should().Be(0.25);
        profile.Weight(Criterion.Goals).Should().Be(0);
    }

    [Test]
    public void Create_UnknownCriterion_IsRejectedByName()
    {
        var profile = WeightProfile.Create(new WeightProfileDocument { Name = "p", Weights = new() { ["nationality"] = 1, ["distance"] = 1 } }, out var errors);
        profile.Should().BeNull();
        errors.ToDictionary().Should().ContainKey("weights.nationality");
    }

    [Test]
    public void Create_WeightsWhoseSumOverflows_IsRejected()
    {
        var profile = WeightProfile.Create(new WeightProfileDocument { Name = "p", Weights = new() { ["distance"] = 1e308, ["interests"] = 1e308 } }, out var errors);
        profile.Should().BeNull("normalising by an infinite sum would leave every weight 0");
        errors.ToDictionary().Should().ContainKey("weights");
    }

    [Test]
    public void Create_HugeButFiniteSum_IsNormalised()
    {
        var profile = WeightProfile.Create(new WeightProfileDocument { Name = "p", Weights = new() { ["distance"] = 1e307, ["interests"] = 1e307 } }, out var errors);
        errors.IsEmpty.Should().BeTrue();
        profile!.Weight(Criterion.Distance).Should().Be(0.5);
    }

    [TestCase(-0.1)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void Create_BadWeight_IsRejected(double weight)
    {
        WeightProfile.Create(new WeightProfileDocument { Name = "p", Weights = new() { ["distance"] = weight } }, out var errors).Should().BeNull();
        errors.ToDictionary().Should().ContainKey("weights.distance");
    }

    [Test]
    public void Create_AllZero_IsRejected()
    {
        WeightProfile.Create(new WeightProfileDocument { Name = "p", Weights = new() { ["distance"] = 0 } }, out var errors).Should().BeNull();
        errors.ToDictionary().Should().ContainKey("weights");
    }

    [Test]
    public void Create_BadSettingsAndName_AreEachNamed()
    {
        var doc = new WeightProfileDocument
        {
            Name = "bad name!",
            Weights = new() { ["distance"] = 1 },
            LevelTolerance = 3,
            HorizonDays = 1,
            Distance = new DistanceDecayDocument { ScaleKm = 0, Decay = 1 },
        };
        WeightProfile.Create(doc, out var errors).Should().BeNull();
        errors.ToDictionary().Keys.Should().BeEquivalentTo("name", "levelTolerance", "horizonDays", "distance.scaleKm", "distance.decay");
    }

    [Test]
    public void Parse_MalformedJson_IsAnError() => WeightProfile.Parse("{ \"name\": ", out _).Should().BeNull();

    [Test]
    public void ToDocument_RoundTrips()
    {
        var doc = WeightProfile.Default.ToDocument();
        var again = WeightProfile.Create(doc, out var errors);
        errors.IsEmpty.Should().BeTrue();
        Criteria.All.Should().OnlyContain(c => Math.Abs(again!.Weight(c) - WeightProfile.Default.Weight(c)) < 1e-6);
    }
}
