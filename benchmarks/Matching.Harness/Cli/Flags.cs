using System.Globalization;

namespace Matching.Harness.Cli;

/// <summary>Command-line flags: <c>--name value</c> pairs and bare switches, each checked against what the verb knows.</summary>
internal sealed class Flags
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _switches = new(StringComparer.Ordinal);

    /// <summary>Parses the arguments after the verb.</summary>
    /// <exception cref="FormatException">An unknown flag, a value missing, or a stray argument.</exception>
    public static Flags Parse(ReadOnlySpan<string> args, IReadOnlySet<string> valued, IReadOnlySet<string> switches)
    {
        // The quoted command leaves out what only changes the console: the report is the same without them.
        var flags = new Flags { Original = string.Join(' ', args.ToArray().Where(a => a is not ("--quiet" or "--json"))) };
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help") { flags._switches.Add("help"); continue; }
            if (!arg.StartsWith("--", StringComparison.Ordinal)) throw new FormatException($"Unexpected argument '{arg}'; flags look like --name value.");
            var name = arg[2..];
            if (switches.Contains(name)) { flags._switches.Add(name); continue; }
            if (!valued.Contains(name)) throw new FormatException($"Unknown flag '--{name}'.");
            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal)) throw new FormatException($"--{name} needs a value.");
            flags._values[name] = args[++i];
        }
        return flags;
    }

    /// <summary>The arguments as given, joined by spaces (for the report's "made with").</summary>
    public string Original { get; private init; } = "";

    /// <summary>Whether a switch was given.</summary>
    public bool Has(string name) => _switches.Contains(name);

    /// <summary>A value, or null.</summary>
    public string? Get(string name) => _values.GetValueOrDefault(name);

    /// <summary>A required value.</summary>
    public string Require(string name) => Get(name) ?? throw new FormatException($"--{name} is required.");

    /// <summary>A whole number within [min, max], or the fallback.</summary>
    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        if (Get(name) is not { } text) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)) throw new FormatException($"--{name} must be a whole number, not '{text}'.");
        if (value < min || value > max) throw new FormatException($"--{name} must be between {min} and {max}.");
        return value;
    }

    /// <summary>A number within [min, max], or the fallback.</summary>
    public double Double(string name, double fallback, double min, double max)
    {
        if (Get(name) is not { } text) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value)) throw new FormatException($"--{name} must be a number, not '{text}'.");
        if (value < min || value > max) throw new FormatException($"--{name} must be between {min} and {max}.");
        return value;
    }
}
