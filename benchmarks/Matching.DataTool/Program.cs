using System.Globalization;
using Matching.Data;

// Writes and checks the demo data files (data/README.md documents them):
//   dotnet run --project benchmarks/Matching.DataTool -- generate --seed 42 --newcomers 300 --offers 120 --history 1500 --out data/demo
//   dotnet run --project benchmarks/Matching.DataTool -- check --dir data/demo
return Matching.DataTool.Cli.Run(args, Console.Out, Console.Error);

namespace Matching.DataTool
{
    /// <summary>The verbs of the data tool.</summary>
    internal static class Cli
    {
        private const string Usage = """
            usage:
              generate [--seed 42] [--newcomers 2000] [--offers 600] [--history 5000] [--history-offers 0] [--today 2026-11-01] --out DIR
              check --dir DIR
            """;

        /// <summary>Runs one verb; returns the process exit code (0 ok, 1 invalid data, 2 bad usage).</summary>
        public static int Run(string[] args, TextWriter output, TextWriter error)
        {
            if (args.Length == 0) { error.WriteLine(Usage); return 2; }
            Dictionary<string, string> flags;
            try { flags = Flags(args.AsSpan(1)); }
            catch (FormatException ex) { error.WriteLine(ex.Message); error.WriteLine(Usage); return 2; }
            try
            {
                return args[0] switch
                {
                    "generate" => Generate(flags, output),
                    "check" => Check(flags, output, error),
                    _ => throw new FormatException($"Unknown verb '{args[0]}'."),
                };
            }
            catch (FormatException ex) { error.WriteLine(ex.Message); error.WriteLine(Usage); return 2; }
            catch (ArgumentOutOfRangeException ex) { error.WriteLine(ex.Message); return 2; }
            catch (InvalidOperationException ex) { error.WriteLine(ex.Message); return 1; }
            catch (IOException ex) { error.WriteLine(ex.Message); return 1; }
        }

        private static int Generate(Dictionary<string, string> flags, TextWriter output)
        {
            var options = new DemoFilesOptions
            {
                Seed = Int(flags, "seed", 42),
                Newcomers = Int(flags, "newcomers", 2_000),
                Offers = Int(flags, "offers", 600),
                HistoryMatches = Int(flags, "history", 5_000),
                HistoryOffers = Int(flags, "history-offers", 0),
                Today = flags.TryGetValue("today", out var t)
                    ? DateOnly.ParseExact(t, "yyyy-MM-dd", CultureInfo.InvariantCulture)
                    : new DateOnly(2026, 11, 1),
            };
            var dir = flags.TryGetValue("out", out var o) ? o : throw new FormatException("--out DIR is required.");
            foreach (var (name, text) in DemoFiles.Write(options, dir))
            {
                var lines = text.Count(c => c == '\n');
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.Combine(dir, name)}: {lines} lines, {JsonLines.Utf8.GetByteCount(text)} bytes"));
            }
            return 0;
        }

        private static int Check(Dictionary<string, string> flags, TextWriter output, TextWriter error)
        {
            var dir = flags.TryGetValue("dir", out var d) ? d : throw new FormatException("--dir DIR is required.");
            var importer = JsonLinesImporter.CreateDefault(TimeProvider.System);
            var failed = false;

            IReadOnlyList<T> Load<T>(string name, Func<TextReader, ImportResult<T>> import)
            {
                using var reader = new StreamReader(Path.Combine(dir, name), JsonLines.Utf8);
                var result = import(reader);
                foreach (var e in result.Errors) error.WriteLine($"{name}: {e}");
                failed |= !result.Succeeded;
                output.WriteLine(result.Succeeded ? $"{name}: {result.Items.Count} ok" : $"{name}: {result.Errors.Count} errors, nothing imported");
                return result.Items;
            }

            Load("newcomers.jsonl", importer.ImportNewcomers);
            Load("offers.jsonl", importer.ImportOffers);
            var newcomers = Load("history-newcomers.jsonl", importer.ImportNewcomers);
            var offers = Load("history-offers.jsonl", importer.ImportOffers);
            var history = Load("history.jsonl", r => importer.ImportHistory(r,
                newcomers.Select(n => n.Id).ToHashSet(StringComparer.Ordinal), offers.Select(x => x.Id).ToHashSet(StringComparer.Ordinal)));
            Load("hidden.csv", HiddenTraitsCsv.Read);
            if (history.Count > 0)
            {
                var completed = history.Count(h => h.Outcome == HistoryOutcome.Completed);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"history: {completed} of {history.Count} completed ({100.0 * completed / history.Count:F1}%)"));
            }
            return failed ? 1 : 0;
        }

        private static Dictionary<string, string> Flags(ReadOnlySpan<string> args)
        {
            var flags = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < args.Length; i += 2)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length) throw new FormatException($"Expected --name value, found '{args[i]}'.");
                flags[args[i][2..]] = args[i + 1];
            }
            return flags;
        }

        private static int Int(Dictionary<string, string> flags, string name, int fallback)
        {
            if (!flags.TryGetValue(name, out var text)) return fallback;
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new FormatException($"--{name} must be a whole number, not '{text}'.");
        }
    }
}
