using System.Text;
using Matching.Contracts;

namespace Matching.Tests.Contracts;

public class JsonInputTests
{
    private static JsonInputError? ErrorOf<T>(string json) where T : class
    {
        JsonInput.Read<T>(Encoding.UTF8.GetBytes(json), out var error);
        return error;
    }

    [Test]
    public void Read_UnknownTopLevelField_NamesIt()
    {
        var error = ErrorOf<NewcomerDocument>("""{ "dutchLevel": "A2", "firstName": "Amal" }""");
        error.Should().Be(new JsonInputError("firstName", JsonInput.UnknownField("firstName")));
    }

    [Test]
    public void Read_UnknownFieldInAListElement_NamesItsPath()
    {
        var error = ErrorOf<NewcomerDocument>("""{ "availability": [ { "day": "tue", "from": "18:00", "to": "21:00" }, { "day": "wed", "street": "x" } ] }""");
        error!.Value.Field.Should().Be("availability[1].street");
    }

    [Test]
    public void Read_FieldNamesInAnyCase_AreKnown()
    {
        JsonInput.Read<NewcomerDocument>(Encoding.UTF8.GetBytes("""{ "DutchLevel": "A2", "LOCATION": { "Place": "Gent" } }"""), out var error)!
            .DutchLevel.Should().Be("A2");
        error.Should().BeNull();
    }

    [TestCase("""{ "maxTravelKm": "15" }""", "maxTravelKm", "a number")]
    [TestCase("""{ "birthYear": 1994.5 }""", "birthYear", "a whole number")]
    [TestCase("""{ "interests": "football" }""", "interests", "an array")]
    [TestCase("""{ "availability": [ { "from": 18 } ] }""", "availability[0].from", "a string")]
    [TestCase("""{ "location": [] }""", "location", "an object")]
    [TestCase("""[]""", "", "an object")]
    public void Read_WrongType_NamesTheFieldAndTheDeclaredType(string json, string field, string expected)
    {
        var error = ErrorOf<NewcomerDocument>(json);
        error!.Value.Field.Should().Be(field);
        error.Value.Message.Should().Be($"Wrong type: expected {expected}.");
    }

    [Test]
    public void Read_WrongTypeInADictionary_NamesTheEntry()
    {
        var error = ErrorOf<Matching.Scoring.WeightProfileDocument>("""{ "weights": { "distance": "high" } }""");
        error!.Value.Field.Should().Be("weights.distance");
        error.Value.Message.Should().Be("Wrong type: expected a number.");
    }

    [Test]
    public void Read_MalformedOnTheSecondLine_GivesLineAndByte()
    {
        var error = ErrorOf<NewcomerDocument>("{\n  \"dutchLevel\": A2 }");
        error.Should().Be(new JsonInputError("", "Malformed JSON at line 2, byte 17."));
    }

    [Test]
    public void Read_TrailingContent_IsMalformed() =>
        ErrorOf<NewcomerDocument>("""{ "dutchLevel": "A2" } x""")!.Value.Message.Should().StartWith("Malformed JSON at byte");

    [TestCase(16, true)]
    [TestCase(17, false)]
    public void Read_DepthPastTheLimit_IsTooDeepAtItsPath(int depth, bool accepted)
    {
        var json = new string('[', depth) + new string(']', depth);
        var error = ErrorOf<System.Text.Json.Nodes.JsonArray>(json);
        if (accepted) error.Should().BeNull();
        else error.Should().Be(new JsonInputError("[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]", JsonInput.TooDeep));
    }

    [Test]
    public void Read_Null_IsNullWithoutAnError()
    {
        JsonInput.Read<NewcomerDocument>("null"u8, out var error).Should().BeNull();
        error.Should().BeNull();
    }
}
