using Matching.Harness.Reporting;
using Matching.Harness.Experiments;
using Matching.Tests.Harness.Experiments;

namespace Matching.Tests.Harness.Reporting;

public class ReportWriterTests
{
    [Test]
    public void Write_SmallRun_EveryChartAndFileWritten()
    {
        var dir = Path.Combine(Path.GetTempPath(), "matching-tests", "report-" + Guid.NewGuid().ToString("N"));
        try
        {
            ReportWriter.Write(ExperimentTests.Result, dir, "--history test --out dir");
            foreach (var file in ReportWriter.Files) File.Exists(Path.Combine(dir, file)).Should().BeTrue(file);
            var markdown = File.ReadAllText(Path.Combine(dir, ReportWriter.MarkdownFile));
            foreach (var png in ReportWriter.Files.Where(f => f.EndsWith(".png", StringComparison.Ordinal)))
            {
                markdown.Should().Contain($"]({png})", "the report shows every chart");
                var bytes = File.ReadAllBytes(Path.Combine(dir, png));
                bytes.Length.Should().BeGreaterThan(5_000, $"{png} holds a drawn chart");
                bytes.Take(8).Should().Equal(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A);
            }
            markdown.Should().Contain("--history test --out dir").And.Contain("gap").And.Contain(Experiment.Learned);
            Matching.Scoring.WeightProfile.Parse(File.ReadAllText(Path.Combine(dir, "learned.json")), out _).Should().NotBeNull();
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Markdown_ContributionsAndSpread_BothSectionsWithTheirTables()
    {
        var r = ExperimentTests.Result;
        var spread = new SpreadResult("test", [1, 2],
            [.. new[] { 1, 2 }.SelectMany(seed => Spread.Rankers.Select((name, i) => new SpreadCell(400, 400, seed, name, 0.9 + i / 100.0, i / (10.0 + seed))))]);

        var markdown = ReportWriter.Markdown(r, "--history test", "dir", spread);

        markdown.Should().Contain("## The black box beside the explainable model").And.Contain("CalculateFeatureContribution");
        foreach (var g in r.Contributions.Groups) markdown.Should().Contain($"| {g.Group} |");
        markdown.Should().Contain("### Across split seeds").And.Contain("| seed 1 | seed 2 |");
        markdown.Should().Contain("| 400 | learned-shaped |");
        ReportWriter.Markdown(r, "--history test", "dir").Should().NotContain("### Across split seeds").And.Contain("--seeds");
    }
}
