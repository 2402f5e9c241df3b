using Matching.Data;
using Matching.Model;
using static Matching.Tests.TestData;

namespace Matching.Tests.Demo;

public class DemoFilesTests
{
    private static readonly DemoFilesOptions Small = new() { Seed = 42, Newcomers = 80, Offers = 40, HistoryMatches = 240 };

    private static readonly Lazy<IReadOnlyList<(string Name, string Text)>> Rendered = new(() => DemoFiles.Render(Small));

    private static string File(string name) => Rendered.Value.Single(f => f.Name == name).Text;

    [Test]
    public void Render_SameSeed_SameBytes()
    {
        var again = DemoFiles.Render(Small);
        again.Select(f => f.Name).Should().Equal(DemoFiles.Names);
        foreach (var (name, text) in again) JsonLines.Utf8.GetBytes(text).Should().Equal(JsonLines.Utf8.GetBytes(File(name)), name);
    }

    [Test]
    public void Render_DifferentSeed_EveryFileDiffers()
    {
        var other = DemoFiles.Render(Small with { Seed = 43 });
        foreach (var (name, text) in other) text.Should().NotBe(File(name), name);
    }

    [Test]
    public void Render_EveryFile_ImportsWithoutError()
    {
        var importer = JsonLinesImporter.CreateDefault(Clock());
        var newcomers = importer.ImportNewcomers(new StringReader(File("newcomers.jsonl")));
        var offers = importer.ImportOffers(new StringReader(File("offers.jsonl")));
        var historyNewcomers = importer.ImportNewcomers(new StringReader(File("history-newcomers.jsonl")));
        var historyOffers = importer.ImportOffers(new StringReader(File("history-offers.jsonl")));
        var history = importer.ImportHistory(new StringReader(File("history.jsonl")),
            historyNewcomers.Items.Select(n => n.Id).ToHashSet(), historyOffers.Items.Select(o => o.Id).ToHashSet());
        var hidden = HiddenTraitsCsv.Read(new StringReader(File("hidden.csv")));

        newcomers.Items.Should().HaveCount(80);
        offers.Items.Should().HaveCount(40);
        historyNewcomers.Items.Should().HaveCount(240);
        historyOffers.Items.Should().HaveCount(80);
        history.Items.Should().HaveCount(240);
        hidden.Items.Select(h => h.NewcomerId).Should().Equal(newcomers.Items.Concat(historyNewcomers.Items).Select(n => n.Id),
            "the oracle knows the newcomers of both worlds");
    }

    [Test]
    public void Render_TheTwoWorlds_ShareNoId()
    {
        var importer = JsonLinesImporter.CreateDefault(Clock());
        var demoIds = importer.ImportNewcomers(new StringReader(File("newcomers.jsonl"))).Items.Select(n => n.Id)
            .Concat(importer.ImportOffers(new StringReader(File("offers.jsonl"))).Items.Select(o => o.Id));
        var historyIds = importer.ImportNewcomers(new StringReader(File("history-newcomers.jsonl"))).Items.Select(n => n.Id)
            .Concat(importer.ImportOffers(new StringReader(File("history-offers.jsonl"))).Items.Select(o => o.Id));
        demoIds.Intersect(historyIds).Should().BeEmpty();
    }

    [Test]
    public void Render_TheHistoryWorld_IsNotTheDemoWorld() =>
        // Same seed, yet the history's world has its own derived seed: analysts cannot evaluate on what they trained on.
        File("history-offers.jsonl").Split('\n')[0].Should().NotBe(File("offers.jsonl").Split('\n')[0].Replace("\"offer-", "\"hist-offer-", StringComparison.Ordinal));
}
