using Matching.Data;
using Matching.Model;
using static Matching.Tests.TestData;

namespace Matching.Tests.Data;

public class JsonLinesTests
{
    private static readonly DemoData Demo = new DemoDataGenerator(new DemoDataOptions { Seed = 3, Newcomers = 150, Offers = 80, Today = Today }).Generate();
    private static readonly JsonLinesImporter Importer = JsonLinesImporter.CreateDefault(Clock());

    [Test]
    public void Write_OneDocumentPerLine_LfNoIndentationNoEscapedLetters()
    {
        var text = JsonLines.ToText(w => JsonLines.WriteOffers(w, Demo.Offers.Take(3)));

        text.Should().EndWith("\n").And.NotContain("\r").And.NotContain("  ");
        text.Split('\n').Should().HaveCount(4).And.Subject.Last().Should().BeEmpty();
        text.Should().StartWith("{\"id\":\"offer-000001\",\"kind\":");
        text.Should().Contain("—", "titles keep their dash instead of \\u2014").And.NotContain("\\u");
    }

    [Test]
    public void Write_WriterWithCrLfNewLine_StillWritesLf()
    {
        using var writer = new StringWriter { NewLine = "\r\n" };
        JsonLines.WriteNewcomers(writer, Demo.Newcomers.Take(2));
        writer.ToString().Should().NotContain("\r");
    }

    [Test]
    public void Write_SameData_SameBytes() =>
        JsonLines.ToText(w => JsonLines.WriteNewcomers(w, Demo.Newcomers))
            .Should().Be(JsonLines.ToText(w => JsonLines.WriteNewcomers(w, new DemoDataGenerator(new DemoDataOptions { Seed = 3, Newcomers = 150, Offers = 80, Today = Today }).Generate().Newcomers)));

    [Test]
    public void ImportNewcomers_WhatWasWritten_RoundTripsToTheSameBytes()
    {
        var text = JsonLines.ToText(w => JsonLines.WriteNewcomers(w, Demo.Newcomers));

        var imported = Importer.ImportNewcomers(new StringReader(text));

        imported.Succeeded.Should().BeTrue(string.Join("\n", imported.Errors.Take(5)));
        imported.Items.Select(n => n.Id).Should().Equal(Demo.Newcomers.Select(n => n.Id));
        imported.Items.Select(n => n.Location).Should().Equal(Demo.Newcomers.Select(n => n.Location), "places and jittered coordinates both survive");
        JsonLines.ToText(w => JsonLines.WriteNewcomers(w, imported.Items)).Should().Be(text);
    }

    [Test]
    public void ImportOffers_WhatWasWritten_RoundTripsToTheSameBytes()
    {
        var text = JsonLines.ToText(w => JsonLines.WriteOffers(w, Demo.Offers));

        var imported = Importer.ImportOffers(new StringReader(text));

        imported.Succeeded.Should().BeTrue(string.Join("\n", imported.Errors.Take(5)));
        imported.Items.Select(o => (o.Id, o.Kind, o.Setting, o.Capacity, o.Hours, o.StartsOn, o.EndsOn, o.DutchLevel))
            .Should().Equal(Demo.Offers.Select(o => (o.Id, o.Kind, o.Setting, o.Capacity, o.Hours, o.StartsOn, o.EndsOn, o.DutchLevel)));
        JsonLines.ToText(w => JsonLines.WriteOffers(w, imported.Items)).Should().Be(text);
    }

    [Test]
    public void ImportHistory_WhatWasWritten_RoundTripsToEqualRecords()
    {
        var history = new OutcomeHistoryGenerator(new OutcomeHistoryOptions { Seed = 3, Matches = 120 }).Generate();
        var text = JsonLines.ToText(w => JsonLines.WriteHistory(w, history.Records));

        var imported = Importer.ImportHistory(new StringReader(text),
            history.Newcomers.Select(n => n.Id).ToHashSet(), history.Offers.Select(o => o.Id).ToHashSet());

        imported.Succeeded.Should().BeTrue(string.Join("\n", imported.Errors.Take(5)));
        imported.Items.Should().Equal(history.Records);
    }
}
