using System.Net.Http.Json;

namespace Matching.Tests.Api;

public class WeightProfilesFolderTests
{
    private static string Folder(params (string File, string Json)[] files)
    {
        var folder = Path.Combine(Path.GetTempPath(), "matching-tests", Guid.NewGuid().ToString("N"), "profiles");
        Directory.CreateDirectory(folder);
        foreach (var (file, json) in files) File.WriteAllText(Path.Combine(folder, file), json);
        return folder;
    }

    [Test]
    public async Task Start_LoadsProfilesFromFolder_NewerVersionReplacesStored()
    {
        var folder = Folder(("learned.json", """{ "name": "learned", "version": 3, "weights": { "distance": 2, "interests": 1 } }"""));
        using var first = new ApiFactory(settings: new Dictionary<string, string?> { ["Matching:WeightProfilesPath"] = folder });
        using (var client = first.Client(ApiFactory.AnalystKey))
        {
            var json = await (await client.GetAsync("/api/v1/weight-profiles/learned")).Json();
            json.GetProperty("version").GetInt32().Should().Be(3);
            (await client.PutAsJsonAsync("/api/v1/weight-profiles/learned", new { weights = new { goals = 1 } })).EnsureSuccessStatusCode();
        }
        first.Dispose();
        // Restart on the same database: the stored version 4 (the analyst's change) is newer than the file's 3 and stays.
        using var second = new ApiFactory(first.DatabaseFile, new Dictionary<string, string?> { ["Matching:WeightProfilesPath"] = folder });
        using var again = second.Client(ApiFactory.AnalystKey);
        var stored = await (await again.GetAsync("/api/v1/weight-profiles/learned")).Json();
        stored.GetProperty("version").GetInt32().Should().Be(4);
        stored.GetProperty("weights").GetProperty("goals").GetDouble().Should().Be(1);
    }

    [Test]
    public void Start_InvalidProfileFile_RefusesToStart_NamingFileAndField()
    {
        var folder = Folder(("bad.json", """{ "name": "bad", "weights": { "nationality": 1 } }"""));
        var failure = ApiFactory.StartFailure(() => new ApiFactory(settings: new Dictionary<string, string?> { ["Matching:WeightProfilesPath"] = folder }));
        failure.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Match("*bad.json*weights.nationality*");
    }

    [Test]
    public void Start_ProfileFileWithNumberAsString_RefusesToStart_NamingFileAndField()
    {
        // "1.5" is not 1.5: profile files read numbers as strictly as the API does.
        var folder = Folder(("quoted.json", """{ "name": "quoted", "weights": { "distance": 1, "goals": "1.5" } }"""));
        var failure = ApiFactory.StartFailure(() => new ApiFactory(settings: new Dictionary<string, string?> { ["Matching:WeightProfilesPath"] = folder }));
        failure.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Match("*quoted.json*weights.goals*");
    }
}
