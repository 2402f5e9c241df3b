using Matching.Service;
using Matching.Contracts;
using Matching.Data;
using Matching.Geo;
using Matching.Model;
using static Matching.Tests.TestData;

namespace Matching.Tests.Data;

public class JsonLinesImporterTests
{
    private static readonly JsonLinesImporter Importer = JsonLinesImporter.CreateDefault(Clock());

    private const string GoodNewcomer =
        """{"id":"nc-1","dutchLevel":"A2","languages":["ar","en"],"interests":["football","cooking"],"location":{"place":"Gent"},"maxTravelKm":15,"availability":[{"day":"tue","from":"18:00","to":"21:00"}],"birthYear":1994,"gender":"female","goals":["work"],"trajectoryEnd":"2027-06-30"}""";

    private static DocumentMapper Mapper() => new(Gazetteer.Default, InterestTaxonomy.Default, LanguageRegistry.Default, Clock());

    private static string Newcomer(string id) => GoodNewcomer.Replace("\"nc-1\"", $"\"{id}\"", StringComparison.Ordinal);

    private static string Lines(params string[] lines) => string.Join("\n", lines) + "\n";

    private static ImportResult<Newcomer> ImportNewcomers(string text) => Importer.ImportNewcomers(new StringReader(text));

    private static void ShouldFailWith(ImportResult<Newcomer> result, int line, string field, string messagePart)
    {
        result.Succeeded.Should().BeFalse();
        result.Items.Should().BeEmpty("a batch with a bad row imports nothing");
        result.Errors.Should().ContainSingle(e => e.Line == line && e.Field == field, string.Join("\n", result.Errors))
            .Which.Message.Should().Contain(messagePart);
    }

    [Test]
    public void ImportNewcomers_GoodFile_ImportsEveryLineInOrder()
    {
        var result = ImportNewcomers(Lines(Newcomer("a"), Newcomer("b"), Newcomer("c")));

        result.Succeeded.Should().BeTrue(string.Join("\n", result.Errors));
        result.Items.Select(n => n.Id).Should().Equal("a", "b", "c");
        result.Items[0].Location.Place.Should().Be("Gent");
        result.Items[0].DutchLevel.Should().Be(CefrLevel.A2);
    }

    [Test]
    public void ImportNewcomers_CrLfBlankLinesAndByteOrderMark_AreAccepted()
    {
        var result = ImportNewcomers("\uFEFF" + Newcomer("a") + "\r\n\r\n   \n" + Newcomer("b"));

        result.Succeeded.Should().BeTrue(string.Join("\n", result.Errors));
        result.Items.Select(n => n.Id).Should().Equal("a", "b");
    }

    [Test]
    public void ImportNewcomers_EmptyFile_ImportsNothingWithoutError()
    {
        var result = ImportNewcomers("");
        result.Succeeded.Should().BeTrue();
        result.Items.Should().BeEmpty();
    }

    [Test]
    public void ImportNewcomers_MalformedJson_ReportsTheLineAndNothingIsImported()
    {
        var result = ImportNewcomers(Lines(Newcomer("a"), Newcomer("b")[..40], Newcomer("c")));
        result.Succeeded.Should().BeFalse();
        result.Items.Should().BeEmpty();
        result.Errors.Should().ContainSingle().Which.Line.Should().Be(2);
        result.Errors[0].Message.Should().StartWith("Malformed JSON");
    }

    [Test]
    public void ImportNewcomers_TrailingContentAfterTheObject_IsMalformed() =>
        ImportNewcomers(Lines(Newcomer("a") + " " + Newcomer("b"))).Errors.Should().ContainSingle().Which.Line.Should().Be(1);

    [Test]
    public void ImportNewcomers_UnknownField_ReportsTheFieldByName() =>
        ShouldFailWith(ImportNewcomers(Lines(Newcomer("a"), Newcomer("b").Replace("{\"id\"", "{\"name\":\"Fatima\",\"id\"", StringComparison.Ordinal))),
            2, "name", "Unknown field 'name'");

    [Test]
    public void ImportNewcomers_UnknownNestedField_ReportsItsPath() =>
        ShouldFailWith(ImportNewcomers(Lines(Newcomer("a").Replace("{\"place\":\"Gent\"}", "{\"place\":\"Gent\",\"street\":\"Veldstraat 1\"}", StringComparison.Ordinal))),
            1, "location.street", "Unknown field 'street'");

    [Test]
    public void ImportNewcomers_WrongType_ReportsTheFieldAndTheExpectedType() =>
        ShouldFailWith(ImportNewcomers(Lines(Newcomer("a").Replace("\"maxTravelKm\":15", "\"maxTravelKm\":\"far\"", StringComparison.Ordinal))),
            1, "maxTravelKm", "expected a number");

    [TestCase("\"maxTravelKm\":15", "\"maxTravelKm\":\"15\"", "maxTravelKm", "expected a number")]
    [TestCase("\"birthYear\":1994", "\"birthYear\":\"1994\"", "birthYear", "expected a whole number")]
    [TestCase("{\"place\":\"Gent\"}", "{\"lat\":\"51.05\",\"lon\":3.72}", "location.lat", "expected a number")]
    public void ImportNewcomers_NumberAsString_ReportsTheLineAndFieldAndImportsNothing(string from, string to, string field, string message) =>
        ShouldFailWith(ImportNewcomers(Lines(Newcomer("a"), Newcomer("b").Replace(from, to, StringComparison.Ordinal))), 2, field, message);

    [Test]
    public void ImportNewcomers_BadLevel_ReportsLineAndField() =>
        ShouldFailWith(ImportNewcomers(Lines(Newcomer("a"), Newcomer("b"), Newcomer("c").Replace("\"A2\"", "\"B3\"", StringComparison.Ordinal))),
            3, "dutchLevel", "Unknown level 'B3'");

    [Test]
    public void ImportNewcomers_UnknownPlace_ReportsLocationPlaceWithSuggestions() =>
        ShouldFailWith(ImportNewcomers(Lines(Newcomer("a"), Newcomer("b").Replace("Gent", "Gentt", StringComparison.Ordinal))),
            2, "location.place", "Bedoelde u");

    [Test]
    public void ImportNewcomers_BadSlot_ReportsTheNestedField() =>
        ShouldFailWith(ImportNewcomers(Lines(Newcomer("a").Replace("\"to\":\"21:00\"", "\"to\":\"17:00\"", StringComparison.Ordinal))),
            1, "availability[0].to", "after from");

    [Test]
    public void ImportNewcomers_MissingId_ReportedOnceOnId()
    {
        var result = ImportNewcomers(Lines(Newcomer("a").Replace("\"id\":\"a\",", "", StringComparison.Ordinal)));
        ShouldFailWith(result, 1, "id", "Required");
        result.Errors.Should().ContainSingle();
    }

    [Test]
    public void ImportNewcomers_InvalidId_ReportedOnId() =>
        ShouldFailWith(ImportNewcomers(Lines(Newcomer("a b"))), 1, "id", "Must be 1 to 64 characters");

    [Test]
    public void ImportNewcomers_DuplicateId_ReportsTheSecondLineAndTheFirst() =>
        ShouldFailWith(ImportNewcomers(Lines(Newcomer("a"), Newcomer("b"), Newcomer("a"))), 3, "id", "already on line 1");

    [Test]
    public void ImportNewcomers_SeveralBadLines_ReportsEveryOneInLineOrder()
    {
        var result = ImportNewcomers(Lines(
            Newcomer("a").Replace("\"A2\"", "\"Z9\"", StringComparison.Ordinal),
            Newcomer("b"),
            "not json",
            Newcomer("d").Replace("\"football\"", "\"quidditch\"", StringComparison.Ordinal)));

        result.Items.Should().BeEmpty();
        result.Errors.Select(e => (e.Line, e.Field)).Should().Equal((1, "dutchLevel"), (3, ""), (4, "interests[0]"));
    }

    [Test]
    public void ImportNewcomers_NullOrArrayLine_IsAnError()
    {
        ImportNewcomers(Lines("null")).Errors.Should().ContainSingle().Which.Message.Should().Contain("found null");
        ImportNewcomers(Lines("[]")).Errors.Should().ContainSingle().Which.Message.Should().Contain("expected an object");
    }

    [Test]
    public void ImportNewcomers_MoreLinesThanTheLimit_RefusesTheFile()
    {
        var limited = new JsonLinesImporter(Mapper()) { MaxLines = 2 };

        var result = limited.ImportNewcomers(new StringReader(Lines(Newcomer("a"), Newcomer("b"), Newcomer("c"))));

        result.Items.Should().BeEmpty();
        result.Errors.Should().ContainSingle().Which.Should().Be(new ImportError(3, "", "The file has more than 2 lines; split it into several imports."));
    }

    [Test]
    public void ImportNewcomers_LineLongerThanTheLimit_IsAnErrorOnThatLine()
    {
        var limited = new JsonLinesImporter(Mapper()) { MaxLineLength = 600 };
        var result = limited.ImportNewcomers(new StringReader(Lines(Newcomer("a"), Newcomer("b").Replace("\"ar\"", "\"ar\"" + string.Concat(Enumerable.Repeat(",\"en\"", 100)), StringComparison.Ordinal), Newcomer("c"))));

        result.Errors.Should().ContainSingle().Which.Should().Match<ImportError>(e => e.Line == 2 && e.Message.Contains("longer than"));
    }

    [Test]
    public void ImportNewcomers_TenThousandLines_ItemsInFileOrder_AndErrorsOnTheirLinesAcrossTheWholeFile()
    {
        // Lines are read and validated in parallel by chunks; the outcome must be a line-by-line pass's.
        var lines = Enumerable.Range(1, 10_000).Select(i => Newcomer($"nc-{i}")).ToArray();
        var good = ImportNewcomers(Lines(lines));
        good.Succeeded.Should().BeTrue(string.Join("\n", good.Errors));
        good.Items.Select(n => n.Id).Should().Equal(Enumerable.Range(1, 10_000).Select(i => $"nc-{i}"));
        good.Lines.Should().Equal(Enumerable.Range(1, 10_000));

        lines[4_999] = Newcomer("nc-7");
        lines[9_499] = Newcomer("nc-9500").Replace("\"A2\"", "\"Z9\"", StringComparison.Ordinal);
        lines[2] = "";
        var bad = ImportNewcomers(Lines(lines));

        bad.Items.Should().BeEmpty();
        bad.Errors.Select(e => (e.Line, e.Field)).Should().Equal((5_000, "id"), (9_500, "dutchLevel"));
        bad.Errors[0].Message.Should().Contain("already on line 7");
    }

    [Test]
    public void ImportNewcomers_MoreLinesThanALargeLimit_RefusesTheFileAtTheFirstLinePastIt()
    {
        var limited = new JsonLinesImporter(Mapper()) { MaxLines = 8_192 };

        var result = limited.ImportNewcomers(new StringReader(Lines(Enumerable.Range(1, 8_193).Select(i => Newcomer($"nc-{i}")).ToArray())));

        result.Items.Should().BeEmpty();
        result.Errors.Should().ContainSingle().Which.Should().Match<ImportError>(e => e.Line == 8_193 && e.Field == "" && e.Message.Contains("more than"));
    }

    [Test]
    public void ImportNewcomers_EveryLineBad_StopsAfterMaxErrors()
    {
        var result = ImportNewcomers(string.Concat(Enumerable.Repeat("x\n", 500)));
        result.Errors.Should().HaveCount(101);
        result.Errors[^1].Message.Should().Contain("Stopped after 100 errors");
    }

    [Test]
    public void ImportOffers_UnknownKindAndPlace_ReportsBoth()
    {
        const string offer =
            """{"id":"o-1","kind":"circus","setting":"careHome","title":"Taalstage","location":{"place":"Antwrpen"},"schedule":[{"day":"wed","from":"14:00","to":"17:00"}],"capacity":2}""";
        var result = Importer.ImportOffers(new StringReader(Lines(offer)));

        result.Items.Should().BeEmpty();
        result.Errors.Select(e => e.Field).Should().BeEquivalentTo("kind", "location.place");
        result.Errors.Single(e => e.Field == "location.place").Message.Should().Contain("Antwerpen");
    }

    [TestCase("\"capacity\":2", "\"capacity\":\"2\"", "capacity")]
    [TestCase("\"capacity\":2", "\"capacity\":2,\"hours\":\"40\"", "hours")]
    public void ImportOffers_NumberAsString_ReportsTheLineAndFieldAndImportsNothing(string from, string to, string field)
    {
        const string offer =
            """{"id":"o-1","kind":"buddy","setting":"organisation","title":"Buddy","location":{"place":"Gent"},"schedule":[{"day":"wed","from":"14:00","to":"17:00"}],"capacity":2}""";
        Importer.ImportOffers(new StringReader(Lines(offer))).Succeeded.Should().BeTrue("the line is good before the change");

        var result = Importer.ImportOffers(new StringReader(Lines(offer.Replace("o-1", "o-0", StringComparison.Ordinal), offer.Replace(from, to, StringComparison.Ordinal))));

        result.Items.Should().BeEmpty();
        result.Errors.Should().ContainSingle(string.Join("\n", result.Errors))
            .Which.Should().Match<ImportError>(e => e.Line == 2 && e.Field == field && e.Message.Contains("expected a whole number"));
    }

    [Test]
    public void ImportHistory_HoursDoneAsString_ReportsLineAndField() =>
        ImportHistory(Lines(GoodHistory.Replace("\"hoursDone\":12", "\"hoursDone\":\"12\"", StringComparison.Ordinal))).Errors.Should().ContainSingle()
            .Which.Should().Match<ImportError>(e => e.Line == 1 && e.Field == "hoursDone" && e.Message.Contains("a whole number"));

    private const string GoodHistory = """{"matchId":"m-1","newcomerId":"nc-1","offerId":"o-1","proposedOn":"2026-01-05","outcome":"stopped","hoursDone":12,"stopReason":"distance"}""";

    private static ImportResult<HistoryRecord> ImportHistory(string text, IReadOnlySet<string>? newcomers = null, IReadOnlySet<string>? offers = null) =>
        Importer.ImportHistory(new StringReader(text), newcomers, offers);

    [Test]
    public void ImportHistory_GoodLine_ImportsTheFacts()
    {
        var result = ImportHistory(Lines(GoodHistory, """{"matchId":"m-2","newcomerId":"nc-2","offerId":"o-1","proposedOn":"2026-01-06","outcome":"completed","hoursDone":40}"""));

        result.Succeeded.Should().BeTrue(string.Join("\n", result.Errors));
        result.Items[0].Should().Be(new HistoryRecord
        {
            MatchId = "m-1", NewcomerId = "nc-1", OfferId = "o-1", ProposedOn = new DateOnly(2026, 1, 5),
            Outcome = HistoryOutcome.Stopped, HoursDone = 12, StopReason = EndReason.Distance,
        });
        result.Items[1].StopReason.Should().BeNull();
    }

    [TestCase("\"outcome\":\"stopped\"", "\"outcome\":\"abandoned\"", "outcome")]
    [TestCase("\"hoursDone\":12", "\"hoursDone\":-1", "hoursDone")]
    [TestCase("\"hoursDone\":12", "\"hoursDone\":12.5", "hoursDone")]
    [TestCase("\"stopReason\":\"distance\"", "\"stopReason\":\"weather\"", "stopReason")]
    [TestCase(",\"stopReason\":\"distance\"", "", "stopReason")]
    [TestCase("\"outcome\":\"stopped\"", "\"outcome\":\"completed\"", "stopReason")]
    [TestCase("\"2026-01-05\"", "\"05/01/2026\"", "proposedOn")]
    [TestCase("\"newcomerId\":\"nc-1\",", "", "newcomerId")]
    [TestCase("\"matchId\":\"m-1\"", "\"matchId\":\"m 1\"", "matchId")]
    [TestCase("\"hoursDone\":12", "\"hoursDone\":12,\"km\":3", "km")]
    public void ImportHistory_BadField_ReportsLineAndField(string from, string to, string field)
    {
        var result = ImportHistory(Lines(GoodHistory.Replace("m-1", "m-0", StringComparison.Ordinal), GoodHistory.Replace(from, to, StringComparison.Ordinal)));

        result.Items.Should().BeEmpty();
        result.Errors.Should().ContainSingle(string.Join("\n", result.Errors)).Which.Should().Match<ImportError>(e => e.Line == 2 && e.Field == field);
    }

    [Test]
    public void ImportHistory_DuplicateMatchId_Reported() =>
        ImportHistory(Lines(GoodHistory, GoodHistory)).Errors.Should().ContainSingle()
            .Which.Should().Match<ImportError>(e => e.Line == 2 && e.Field == "matchId" && e.Message.Contains("already on line 1"));

    [Test]
    public void ImportHistory_UnknownNewcomerOrOffer_ReportedWhenTheIdsAreGiven()
    {
        var result = ImportHistory(Lines(GoodHistory), new HashSet<string> { "nc-2" }, new HashSet<string> { "o-1" });

        result.Items.Should().BeEmpty();
        result.Errors.Should().ContainSingle().Which.Should().Match<ImportError>(e => e.Line == 1 && e.Field == "newcomerId");
    }
}
