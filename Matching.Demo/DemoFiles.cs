namespace Matching.Data;

/// <summary>What to put in a folder of demo files.</summary>
public sealed record DemoFilesOptions
{
    /// <summary>Seed of everything; the same options give the same bytes.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Newcomers of the demo world (newcomers.jsonl).</summary>
    public int Newcomers { get; init; } = 2_000;
    /// <summary>Offers of the demo world (offers.jsonl).</summary>
    public int Offers { get; init; } = 600;
    /// <summary>Past matches (history.jsonl).</summary>
    public int HistoryMatches { get; init; } = 5_000;
    /// <summary>Offers of the history's world (history-offers.jsonl); 0 for HistoryMatches ÷ 3, at least 50.</summary>
    public int HistoryOffers { get; init; }
    /// <summary>The present of both worlds.</summary>
    public DateOnly Today { get; init; } = new(2026, 11, 1);
}

/// <summary>
/// Renders the demo files: the demo world (newcomers.jsonl, offers.jsonl), the outcome history with its own world
/// (history.jsonl, history-newcomers.jsonl, history-offers.jsonl) and the oracle's hidden traits of both worlds'
/// newcomers (hidden.csv). The bytes depend only on the options.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class DemoFiles
{
    /// <summary>The file names, in the order they are rendered.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["newcomers.jsonl", "offers.jsonl", "history.jsonl", "history-newcomers.jsonl", "history-offers.jsonl", "hidden.csv"];

    /// <summary>The seed of the hidden traits of the demo world's newcomers.</summary>
    public static int DemoHiddenSeed(int seed) => unchecked(seed * 31 + 4);

    /// <summary>Every file's name and text (UTF-8 when written, LF line ends).</summary>
    public static IReadOnlyList<(string Name, string Text)> Render(DemoFilesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var demo = new DemoDataGenerator(new DemoDataOptions
        {
            Seed = options.Seed,
            Newcomers = options.Newcomers,
            Offers = options.Offers,
            Today = options.Today,
        }).Generate();
        var history = new OutcomeHistoryGenerator(new OutcomeHistoryOptions
        {
            Seed = options.Seed,
            Matches = options.HistoryMatches,
            Offers = options.HistoryOffers,
            Today = options.Today,
        }).Generate();
        var hidden = new List<HiddenTraits>(HiddenTraits.DrawAll(demo.Newcomers, DemoHiddenSeed(options.Seed)));
        hidden.AddRange(history.Hidden);
        return
        [
            ("newcomers.jsonl", JsonLines.ToText(w => JsonLines.WriteNewcomers(w, demo.Newcomers))),
            ("offers.jsonl", JsonLines.ToText(w => JsonLines.WriteOffers(w, demo.Offers))),
            ("history.jsonl", JsonLines.ToText(w => JsonLines.WriteHistory(w, history.Records))),
            ("history-newcomers.jsonl", JsonLines.ToText(w => JsonLines.WriteNewcomers(w, history.Newcomers))),
            ("history-offers.jsonl", JsonLines.ToText(w => JsonLines.WriteOffers(w, history.Offers))),
            ("hidden.csv", JsonLines.ToText(w => HiddenTraitsCsv.Write(w, hidden))),
        ];
    }

    /// <summary>Writes every file into <paramref name="directory"/> (created if missing) as UTF-8 without a byte order mark.</summary>
    public static IReadOnlyList<(string Name, string Text)> Write(DemoFilesOptions options, string directory)
    {
        var files = Render(options);
        Directory.CreateDirectory(directory);
        foreach (var (name, text) in files) File.WriteAllText(Path.Combine(directory, name), text, JsonLines.Utf8);
        return files;
    }
}
