using Matching.Data;
using Matching.Model;
using static Matching.Tests.TestData;

namespace Matching.Tests.Demo;

public class HiddenTraitsTests
{
    private static readonly IReadOnlyList<Newcomer> Newcomers =
        new DemoDataGenerator(new DemoDataOptions { Seed = 5, Newcomers = 400, Offers = 0, Today = Today }).Generate().Newcomers;

    [Test]
    public void DrawAll_SameSeed_SameTraits() =>
        HiddenTraits.DrawAll(Newcomers, 9).Should().Equal(HiddenTraits.DrawAll(Newcomers, 9));

    [Test]
    public void DrawAll_DifferentSeed_DifferentTraits() =>
        HiddenTraits.DrawAll(Newcomers, 9).Should().NotEqual(HiddenTraits.DrawAll(Newcomers, 10));

    [Test]
    public void DrawAll_Shares_FollowTheDocumentedModel()
    {
        var traits = HiddenTraits.DrawAll(Newcomers, 9);
        traits.Select(t => t.NewcomerId).Should().Equal(Newcomers.Select(n => n.Id));
        var lowLevel = traits.Where((t, i) => Newcomers[i].DutchLevel.Ordinal == 0).ToList();
        var highLevel = traits.Where((t, i) => Newcomers[i].DutchLevel.Ordinal >= 3).ToList();
        // P(transport) is 0.25 at A0 and at least 0.55 from B1.
        lowLevel.Average(t => t.HasTransport ? 1.0 : 0).Should().BeLessThan(highLevel.Average(t => t.HasTransport ? 1.0 : 0));
        traits.Average(t => t.Motivation).Should().BeApproximately(0, 0.1);
        traits.Should().OnlyContain(t => Math.Round(t.Motivation, 3) == t.Motivation);
    }

    [Test]
    public void Csv_WriteThenRead_GivesTheSameTraits()
    {
        var traits = HiddenTraits.DrawAll(Newcomers, 9);
        var text = JsonLines.ToText(w => HiddenTraitsCsv.Write(w, traits));

        text.Should().StartWith(HiddenTraitsCsv.Header + "\n").And.NotContain("\r");
        var read = HiddenTraitsCsv.Read(new StringReader(text));
        read.Succeeded.Should().BeTrue(string.Join("\n", read.Errors));
        read.Items.Should().Equal(traits);
    }

    [Test]
    public void Csv_BadRows_ReportedWithLineAndFieldAndNothingRead()
    {
        const string text = "newcomerId,hasTransport,careDuties,motivation\nnc-1,true,false,0.1\nnc-2,yes,false,0\nnc-1,true,false,0\nnc-4,true,false\n";

        var read = HiddenTraitsCsv.Read(new StringReader(text));

        read.Items.Should().BeEmpty();
        read.Errors.Select(e => (e.Line, e.Field)).Should().Equal((3, "hasTransport"), (4, "newcomerId"), (5, ""));
    }

    [Test]
    public void Csv_WrongHeader_Reported() =>
        HiddenTraitsCsv.Read(new StringReader("id,transport\n")).Errors.Should().ContainSingle().Which.Line.Should().Be(1);
}
