using System.Text;
using System.Text.Json;

namespace Matching.Tests.Api;

/// <summary>Bodies and answers of the bulk imports, for the tests that send them.</summary>
internal static class ImportRequests
{
    /// <summary>One JSON line: the document with its id set.</summary>
    public static string Line(string id, object body)
    {
        var node = JsonSerializer.SerializeToNode(body)!.AsObject();
        node["id"] = id;
        return node.ToJsonString();
    }

    /// <summary>The lines as an NDJSON body.</summary>
    public static StringContent Ndjson(IEnumerable<string> lines) => new(string.Join('\n', lines) + "\n", Encoding.UTF8, "application/x-ndjson");

    /// <summary>Asserts an import's counts.</summary>
    public static async Task ShouldCount(HttpResponseMessage response, int created, int updated, int unchanged)
    {
        var json = await response.Json();
        json.GetProperty("created").GetInt32().Should().Be(created);
        json.GetProperty("updated").GetInt32().Should().Be(updated);
        json.GetProperty("unchanged").GetInt32().Should().Be(unchanged);
    }
}
