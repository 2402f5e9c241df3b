using System.Globalization;
using Matching.Model;
using Matching.Text;

namespace Matching.Data;

/// <summary>
/// What the ground truth knows about a newcomer and the engine never sees: part of the history generator's hidden
/// state, written to hidden.csv only so that the analysts' harness can compute the oracle. No API accepts these.
/// </summary>
/// <param name="NewcomerId">The newcomer they belong to.</param>
/// <param name="HasTransport">Has a car, or is at ease with public transport: distance weighs far less.</param>
/// <param name="CareDuties">Cares for children or family: evenings and weekends are hard to keep free.</param>
/// <param name="Motivation">A personal effect on the logit of completing, drawn from N(0, 0.5²), rounded to 3 decimals.</param>
public sealed record HiddenTraits(string NewcomerId, bool HasTransport, bool CareDuties, double Motivation)
{
    /// <summary>Standard deviation of <see cref="Motivation"/>.</summary>
    public const double MotivationSd = 0.5;

    /// <summary>
    /// Draws the traits of one newcomer. P(transport) = 0.25 + 0.10 × min(level, 4) (A0 0.25 … B2+ 0.65: who speaks
    /// more Dutch has found their way around longer). P(care duties) = 0.55 when every available slot is a weekday
    /// daytime slot (school hours: the pattern of parents), 0.30 when some are, 0.12 otherwise. Every call consumes four
    /// numbers from <paramref name="rng"/>, so the traits depend only on the seed and the order of the newcomers.
    /// </summary>
    public static HiddenTraits Draw(Newcomer newcomer, Random rng)
    {
        ArgumentNullException.ThrowIfNull(newcomer);
        ArgumentNullException.ThrowIfNull(rng);
        var transport = rng.NextDouble() < 0.25 + 0.10 * Math.Min((int)newcomer.DutchLevel.Ordinal, 4);
        var daytime = WeekdayDaytimeShare(newcomer.Availability);
        var care = rng.NextDouble() < (daytime >= 1 ? 0.55 : daytime > 0 ? 0.30 : 0.12);
        var motivation = Math.Round(MotivationSd * Gaussian.Next(rng), 3);
        return new HiddenTraits(newcomer.Id, transport, care, motivation == 0 ? 0 : motivation);
    }

    /// <summary>The traits of every newcomer, in order, from one random generator seeded with <paramref name="seed"/>.</summary>
    public static IReadOnlyList<HiddenTraits> DrawAll(IEnumerable<Newcomer> newcomers, int seed)
    {
        ArgumentNullException.ThrowIfNull(newcomers);
        var rng = new Random(seed);
        var result = new List<HiddenTraits>();
        foreach (var n in newcomers) result.Add(Draw(n, rng));
        return result;
    }

    /// <summary>The share of slots that lie on a weekday and end by 17:00.</summary>
    private static double WeekdayDaytimeShare(WeeklySlots slots)
    {
        if (slots.Slots.Count == 0) return 0;
        var daytime = 0;
        foreach (var s in slots.Slots)
        {
            if (s.Day is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && s.ToMinute <= 17 * 60) daytime++;
        }
        return daytime / (double)slots.Slots.Count;
    }
}

/// <summary>Reads and writes hidden.csv: <c>newcomerId,hasTransport,careDuties,motivation</c>, one newcomer per row.</summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class HiddenTraitsCsv
{
    /// <summary>The header row.</summary>
    public const string Header = "newcomerId,hasTransport,careDuties,motivation";

    /// <summary>Writes the header and one row per newcomer, LF line ends, invariant numbers.</summary>
    public static void Write(TextWriter writer, IEnumerable<HiddenTraits> traits)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(traits);
        writer.Write(Header);
        writer.Write('\n');
        foreach (var t in traits)
        {
            writer.Write(Csv.Escape(t.NewcomerId));
            writer.Write(t.HasTransport ? ",true," : ",false,");
            writer.Write(t.CareDuties ? "true," : "false,");
            writer.Write(t.Motivation.ToString("0.###", CultureInfo.InvariantCulture));
            writer.Write('\n');
        }
    }

    /// <summary>Reads the file; every bad row is reported with its line and column, and then no row is returned.</summary>
    public static ImportResult<HiddenTraits> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var items = new List<HiddenTraits>();
        var lines = new List<int>();
        var errors = new List<ImportError>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var first = true;
        foreach (var (line, f) in Csv.Read(reader))
        {
            if (first)
            {
                first = false;
                if (string.Join(',', f).TrimStart('\uFEFF') != Header) errors.Add(new ImportError(line, "", $"Expected the header '{Header}'."));
                continue;
            }
            if (f.Length == 1 && f[0].Length == 0) continue;
            if (f.Length != 4) { errors.Add(new ImportError(line, "", $"Expected 4 fields, found {f.Length}.")); continue; }
            var ok = true;
            if (!Validation.Identifiers.IsValid(f[0])) { errors.Add(new ImportError(line, "newcomerId", "Must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'.")); ok = false; }
            else if (seen.TryGetValue(f[0], out var at)) { errors.Add(new ImportError(line, "newcomerId", $"Duplicate id '{f[0]}': already on line {at}.")); ok = false; }
            else seen[f[0]] = line;
            if (!bool.TryParse(f[1], out var transport)) { errors.Add(new ImportError(line, "hasTransport", "Must be true or false.")); ok = false; }
            if (!bool.TryParse(f[2], out var care)) { errors.Add(new ImportError(line, "careDuties", "Must be true or false.")); ok = false; }
            if (!double.TryParse(f[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var motivation) || !double.IsFinite(motivation))
            {
                errors.Add(new ImportError(line, "motivation", "Must be a finite number."));
                ok = false;
            }
            if (ok)
            {
                items.Add(new HiddenTraits(f[0], transport, care, motivation));
                lines.Add(line);
            }
        }
        return new ImportResult<HiddenTraits>(items, lines, errors);
    }
}

/// <summary>Standard normal draws by Box–Muller from a seeded <see cref="Random"/>.</summary>
internal static class Gaussian
{
    /// <summary>One N(0, 1) draw; consumes two numbers.</summary>
    public static double Next(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble(); // in (0, 1], so the log is finite
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
