using Matching.Data;
using Matching.Model;

namespace Matching.Harness.Replay;

/// <summary>
/// A history and the world it happened in: the newcomers and offers it names, the past matches with their outcomes
/// and, when given, the hidden traits the oracle needs (never the engine).
/// </summary>
/// <param name="Newcomers">The history's newcomers by id.</param>
/// <param name="Offers">Every offer of the history's world, in file order.</param>
/// <param name="Records">The past matches, in file order.</param>
/// <param name="Hidden">Hidden traits by newcomer id, or null without hidden.csv (then no oracle metric).</param>
/// <param name="Source">Where it came from, for reports.</param>
internal sealed record HistoryWorld(
    IReadOnlyDictionary<string, Newcomer> Newcomers,
    IReadOnlyList<Offer> Offers,
    IReadOnlyList<HistoryRecord> Records,
    IReadOnlyDictionary<string, HiddenTraits>? Hidden,
    string Source)
{
    /// <summary>The file names the data tool writes beside history.jsonl.</summary>
    public const string NewcomersFile = "history-newcomers.jsonl";
    /// <summary>The offers of the history's world.</summary>
    public const string OffersFile = "history-offers.jsonl";
    /// <summary>The oracle's hidden traits.</summary>
    public const string HiddenFile = "hidden.csv";

    /// <summary>Whether the oracle can be computed.</summary>
    public bool HasOracle => Hidden is not null;

    /// <summary>
    /// Loads history.jsonl and its world through the shared importer: the newcomers and offers from the given files or,
    /// by default, history-newcomers.jsonl and history-offers.jsonl beside it; hidden.csv beside it when present
    /// (or the given file; "none" to evaluate without the oracle).
    /// </summary>
    /// <exception cref="InvalidDataException">A file has errors; the message lists the first ones with their lines.</exception>
    public static HistoryWorld Load(string historyFile, string? newcomersFile = null, string? offersFile = null, string? hiddenFile = null)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(historyFile)) ?? ".";
        newcomersFile ??= Path.Combine(dir, NewcomersFile);
        offersFile ??= Path.Combine(dir, OffersFile);
        var hiddenPath = hiddenFile switch
        {
            "none" => null,
            null => File.Exists(Path.Combine(dir, HiddenFile)) ? Path.Combine(dir, HiddenFile) : null,
            _ => hiddenFile,
        };
        // The importer's clock only bounds birth years; the history's own days come from its records.
        var importer = JsonLinesImporter.CreateDefault(TimeProvider.System);
        var newcomers = Read(newcomersFile, importer.ImportNewcomers);
        var offers = Read(offersFile, importer.ImportOffers);
        var records = Read(historyFile, r => importer.ImportHistory(r,
            newcomers.Select(n => n.Id).ToHashSet(StringComparer.Ordinal), offers.Select(o => o.Id).ToHashSet(StringComparer.Ordinal)));
        Dictionary<string, HiddenTraits>? hidden = null;
        if (hiddenPath is not null)
        {
            hidden = new Dictionary<string, HiddenTraits>(StringComparer.Ordinal);
            foreach (var h in Read(hiddenPath, HiddenTraitsCsv.Read)) hidden[h.NewcomerId] = h;
            var missing = records.FirstOrDefault(r => !hidden.ContainsKey(r.NewcomerId));
            if (missing is not null) throw new InvalidDataException($"{hiddenPath}: no hidden traits for newcomer '{missing.NewcomerId}'.");
        }
        return new HistoryWorld(newcomers.ToDictionary(n => n.Id, StringComparer.Ordinal), offers, records, hidden, historyFile);
    }

    /// <summary>A world from a generated history (tests and quick experiments, no files).</summary>
    public static HistoryWorld From(OutcomeHistory history, bool withOracle = true, string source = "generated") => new(
        history.Newcomers.ToDictionary(n => n.Id, StringComparer.Ordinal),
        history.Offers,
        history.Records,
        withOracle ? history.Hidden.ToDictionary(h => h.NewcomerId, StringComparer.Ordinal) : null,
        source);

    private static IReadOnlyList<T> Read<T>(string path, Func<TextReader, ImportResult<T>> import)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No such file: {path}", path);
        using var reader = new StreamReader(path, JsonLines.Utf8);
        var result = import(reader);
        if (result.Succeeded) return result.Items;
        throw new InvalidDataException($"{path}: {result.Errors.Count} error(s), nothing imported:{Environment.NewLine}  "
            + string.Join(Environment.NewLine + "  ", result.Errors.Take(10)));
    }
}
