using Matching.Text;

namespace Matching.Model;

/// <summary>The languages the engine knows (ISO 639-1, or 639-3 where 639-1 has none), with Dutch and English names.</summary>
/// <remarks>Immutable after loading and safe to share between threads. At most 256 codes.</remarks>
public sealed class LanguageRegistry
{
    private readonly string[] _codes;
    private readonly string[] _nl;
    private readonly string[] _en;
    private readonly Dictionary<string, int> _byCode;

    private static readonly Lazy<LanguageRegistry> LazyDefault = new(() =>
    {
        using var reader = EmbeddedData.OpenText("languages.csv");
        return Load(reader);
    });

    private LanguageRegistry(string[] codes, string[] nl, string[] en)
    {
        _codes = codes;
        _nl = nl;
        _en = en;
        _byCode = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < codes.Length; i++) _byCode[codes[i]] = i;
    }

    /// <summary>The registry shipped in data/languages.csv.</summary>
    public static LanguageRegistry Default => LazyDefault.Value;

    /// <summary>All codes.</summary>
    public IReadOnlyList<string> Codes => _codes;

    /// <summary>Reads code,nl,en CSV.</summary>
    /// <exception cref="FormatException">A row is malformed or a code repeats.</exception>
    public static LanguageRegistry Load(TextReader reader)
    {
        var codes = new List<string>();
        var nl = new List<string>();
        var en = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var first = true;
        foreach (var (line, f) in Csv.Read(reader))
        {
            if (first) { first = false; continue; }
            if (f.Length == 1 && f[0].Length == 0) continue;
            if (f.Length != 3 || !seen.Add(f[0].Trim())) throw new FormatException($"languages line {line}: expected a new code,nl,en.");
            codes.Add(f[0].Trim().ToLowerInvariant());
            nl.Add(f[1].Trim());
            en.Add(f[2].Trim());
        }
        if (codes.Count > Bits256.Capacity) throw new FormatException($"languages: at most {Bits256.Capacity} codes are supported.");
        return new LanguageRegistry([.. codes], [.. nl], [.. en]);
    }

    /// <summary>Whether the code is known (case-insensitive).</summary>
    public bool Contains(string code) => _byCode.ContainsKey(code);

    /// <summary>The canonical (lower-case) form of a known code, or null.</summary>
    public string? Canonical(string code) => _byCode.TryGetValue(code, out var i) ? _codes[i] : null;

    /// <summary>The language's name in the asked language.</summary>
    public string Name(string code, ReasonLanguage language) =>
        _byCode.TryGetValue(code, out var i) ? (language == ReasonLanguage.En ? _en[i] : _nl[i]) : code;

    internal string CodeAt(int index) => _codes[index];

    internal Bits256 MaskOf(IEnumerable<string> codes)
    {
        var mask = Bits256.Empty;
        foreach (var code in codes)
        {
            if (_byCode.TryGetValue(code, out var i)) mask = mask.With(i);
        }
        return mask;
    }
}
