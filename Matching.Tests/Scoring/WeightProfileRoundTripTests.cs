using System.Text.Json;
using Matching.Scoring;

namespace Matching.Tests.Scoring;

/// <summary>A profile's weights are fixed once, on validation: its document reads back as the very same profile.</summary>
public class WeightProfileRoundTripTests
{
    [Test]
    public void Create_OfItsOwnDocument_RandomWeights_SameWeightsAndJson_SumOfMillionthsIsOne()
    {
        var random = new Random(20261129);
        for (var run = 0; run < 2_000; run++)
        {
            var weights = Criteria.All
                .Where(_ => random.NextDouble() < 0.7)
                .ToDictionary(Criteria.Name, _ => random.Next(4) switch { 0 => random.Next(1, 200), 1 => random.NextDouble(), 2 => 1.0 / random.Next(1, 13), _ => random.NextDouble() * 1e-3 });
            if (weights.Count == 0 || weights.Values.Sum() == 0) continue;
            var first = WeightProfile.Create(new WeightProfileDocument { Name = "p", Weights = weights }, out _)!;

            var json = JsonSerializer.Serialize(first.ToDocument(), WeightProfileDocument.JsonOptions);
            var second = WeightProfile.Parse(json, out _)!;

            JsonSerializer.Serialize(second.ToDocument(), WeightProfileDocument.JsonOptions).Should().Be(json, $"run {run}");
            foreach (var c in Criteria.All) second.Weight(c).Should().Be(first.Weight(c), $"run {run}, {c}");
            Criteria.All.Sum(c => (long)Math.Round(first.Weight(c) * 1_000_000)).Should().Be(1_000_000, $"run {run}");
        }
    }

    [Test]
    public void Create_WeightsOfOneToTwo_ThirdsInMillionths()
    {
        var profile = WeightProfile.Create(new WeightProfileDocument { Name = "p", Weights = new() { ["interests"] = 1, ["distance"] = 2 } }, out _)!;

        profile.Weight(Criterion.Interests).Should().Be(0.333333);
        profile.Weight(Criterion.Distance).Should().Be(0.666667);
    }
}
