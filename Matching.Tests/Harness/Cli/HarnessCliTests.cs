using System.Text.Json;
using Matching.Data;
using Matching.Harness.Cli;
using Matching.Scoring;

namespace Matching.Tests.Harness.Cli;

public class HarnessCliTests
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        // A tiny history on disk, as the data tool writes it: the CLI reads files, not objects.
        var dir = Path.Combine(Path.GetTempPath(), "matching-tests", "harness-cli-" + Guid.NewGuid().ToString("N"));
        DemoFiles.Write(new DemoFilesOptions { Seed = 4, Newcomers = 3, Offers = 3, HistoryMatches = 150 }, dir);
        File.WriteAllText(Path.Combine(dir, "default.json"), JsonSerializer.Serialize(WeightProfile.Default.ToDocument(), WeightProfileDocument.JsonOptions));
        return dir;
    });

    private static string History => Path.Combine(Folder.Value, "history.jsonl");

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = HarnessCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [OneTimeTearDown]
    public void CleanUp()
    {
        if (Folder.IsValueCreated && Directory.Exists(Folder.Value)) Directory.Delete(Folder.Value, recursive: true);
    }

    [Test]
    public void Run_Help_ListsTheVerbs()
    {
        var (code, output, _) = Run("--help");
        code.Should().Be(0);
        output.Should().Contain("evaluate").And.Contain("tune").And.Contain("learn").And.Contain("report");
        var (verbCode, verbHelp, _) = Run("tune", "--help");
        verbCode.Should().Be(0);
        verbHelp.Should().Contain("--objective").And.Contain("--seed").And.Contain("--json");
    }

    [Test]
    public void Run_BadUsage_ExitCodeTwo()
    {
        Run().Code.Should().Be(2);
        Run("plot").Code.Should().Be(2);
        Run("evaluate", "--profile", "x.json").Code.Should().Be(2, "--history is required");
        Run("tune", "--history", History, "--objective", "vibes").Code.Should().Be(2);
        Run("evaluate", "--colour", "red").Err.Should().Contain("Unknown flag '--colour'");
    }

    [Test]
    public void Run_MissingFile_ExitCodeOne()
    {
        var (code, _, error) = Run("evaluate", "--history", Path.Combine(Folder.Value, "nope.jsonl"), "--profile", Path.Combine(Folder.Value, "default.json"), "--quiet");
        code.Should().Be(1);
        error.Should().Contain("nope.jsonl");
    }

    [Test]
    public void Evaluate_Json_MetricsOverallAndByGroup()
    {
        var (code, output, error) = Run("evaluate", "--history", History, "--profile", Path.Combine(Folder.Value, "default.json"), "--json");
        code.Should().Be(0, error);
        error.Should().Contain("replay", "progress goes to stderr");
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        root.GetProperty("evaluated").GetInt32().Should().Be(150);
        var results = root.GetProperty("results").EnumerateArray().ToList();
        results.Select(r => r.GetProperty("ranker").GetString()).Should().Equal("default", "random", "oracle");
        var overall = results[0].GetProperty("overall");
        overall.GetProperty("coverage").GetDouble().Should().BeInRange(0, 1);
        overall.GetProperty("oracleNdcg10").GetDouble().Should().BeInRange(0, 1);
        overall.GetProperty("observedMrr").GetDouble().Should().BeInRange(0, 1);
        results[0].GetProperty("byGroup").EnumerateArray().Select(d => d.GetProperty("dimension").GetString())
            .Should().Equal("gender", "dutchLevel", "region", "homeLanguage");
    }

    [Test]
    public void Evaluate_Text_TablesForAHuman()
    {
        var (code, output, _) = Run("evaluate", "--history", History, "--profile", Path.Combine(Folder.Value, "default.json"), "--held-out", "--quiet");
        code.Should().Be(0);
        output.Should().Contain("oracle NDCG@10").And.Contain("held-out").And.Contain("by Dutch level");
    }

    [Test]
    public void Tune_WritesAProfileTheApiTakes()
    {
        var path = Path.Combine(Folder.Value, "tuned.json");
        var (code, output, error) = Run("tune", "--history", History, "--samples", "20", "--refine", "10", "--folds", "2", "--out", path, "--name", "tuned-test", "--json", "--quiet");
        code.Should().Be(0, error);
        error.Should().BeEmpty("--quiet");
        var profile = WeightProfile.Parse(File.ReadAllText(path), out var errors);
        profile.Should().NotBeNull(errors.ToString());
        profile!.Name.Should().Be("tuned-test");
        using var json = JsonDocument.Parse(output);
        json.RootElement.GetProperty("tuning").GetProperty("foldObjectives").GetArrayLength().Should().Be(2);
        json.RootElement.GetProperty("out").GetString().Should().Be(path);
    }
}
