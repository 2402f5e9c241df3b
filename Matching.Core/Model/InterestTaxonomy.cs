using Matching.Text;

namespace Matching.Model;

/// <summary>
/// The two-level interest taxonomy (domain → interest) with Dutch and English labels, read from data/interests.csv.
/// </summary>
/// <remarks>Immutable after loading and safe to share between threads. At most 256 codes.</remarks>
public sealed class InterestTaxonomy
{
    private readonly string[] _codes;
    private readonly int[] _parents;
    private readonly string[] _nl;
    private readonly string[] _en;
    private readonly Dictionary<string, int> _byCode;
    private readonly Bits256[] _familyOfDomain; // per code: the domain and every member, for domains only

    private static readonly Lazy<InterestTaxonomy> LazyDefault = new(() =>
    {
        using var reader = EmbeddedData.OpenText("interests.csv");
        return Load(reader);
    });

    private InterestTaxonomy(string[] codes, int[] parents, string[] nl, string[] en)
    {
        _codes = codes;
        _parents = parents;
        _nl = nl;
        _en = en;
        _byCode = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < codes.Length; i++) _byCode[codes[i]] = i;
        _familyOfDomain = new Bits256[codes.Length];
        for (var i = 0; i < codes.Length; i++)
        {
            var domain = parents[i] < 0 ? i : parents[i];
            _familyOfDomain[domain] = _familyOfDomain[domain].With(i).With(domain);
        }
    }

    /// <summary>The taxonomy shipped in data/interests.csv.</summary>
    public static InterestTaxonomy Default => LazyDefault.Value;

    /// <summary>Number of codes (domains and interests).</summary>
    public int Count => _codes.Length;

    /// <summary>All codes in file order.</summary>
    public IReadOnlyList<string> Codes => _codes;

    /// <summary>Reads a taxonomy from CSV with the header code,parent,nl,en; parents must come before their children.</summary>
    /// <exception cref="FormatException">A row is malformed, a code repeats or a parent is unknown; the message names the line.</exception>
    public static InterestTaxonomy Load(TextReader reader)
    {
        var codes = new List<string>();
        var parents = new List<int>();
        var nl = new List<string>();
        var en = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var first = true;
        foreach (var (line, f) in Csv.Read(reader))
        {
            if (first) { first = false; continue; }
            if (f.Length == 1 && f[0].Length == 0) continue;
            if (f.Length != 4) throw new FormatException($"interests line {line}: expected 4 fields (code,parent,nl,en), found {f.Length}.");
            var code = f[0].Trim();
            if (code.Length == 0 || index.ContainsKey(code)) throw new FormatException($"interests line {line}: code '{code}' is empty or repeated.");
            var parent = -1;
            if (f[1].Trim().Length > 0)
            {
                if (!index.TryGetValue(f[1].Trim(), out parent)) throw new FormatException($"interests line {line}: unknown parent '{f[1]}'.");
                if (parents[parent] >= 0) throw new FormatException($"interests line {line}: parent '{f[1]}' is not a domain (two levels only).");
            }
            index[code] = codes.Count;
            codes.Add(code);
            parents.Add(parent);
            nl.Add(f[2].Trim());
            en.Add(f[3].Trim());
        }
        if (codes.Count > Bits256.Capacity) throw new FormatException($"interests: {codes.Count} codes, at most {Bits256.Capacity} are supported.");
        return new InterestTaxonomy([.. codes], [.. parents], [.. nl], [.. en]);
    }

    /// <summary>Whether the code exists.</summary>
    public bool Contains(string code) => _byCode.ContainsKey(code);

    /// <summary>The index of a code, or -1.</summary>
    public int IndexOf(string code) => _byCode.TryGetValue(code, out var i) ? i : -1;

    /// <summary>The code at an index.</summary>
    public string CodeAt(int index) => _codes[index];

    /// <summary>The parent code, or null for a domain.</summary>
    public string? ParentOf(string code)
    {
        var i = IndexOf(code);
        return i < 0 || _parents[i] < 0 ? null : _codes[_parents[i]];
    }

    /// <summary>The label of a code in the asked language.</summary>
    public string Label(string code, ReasonLanguage language)
    {
        var i = IndexOf(code);
        return i < 0 ? code : LabelAt(i, language);
    }

    internal string LabelAt(int index, ReasonLanguage language) => language == ReasonLanguage.En ? _en[index] : _nl[index];

    internal int ParentAt(int index) => _parents[index];

    /// <summary>The bitset of known codes; unknown ones are ignored (validation rejects them at the boundary).</summary>
    internal Bits256 MaskOf(IEnumerable<string> codes)
    {
        var mask = Bits256.Empty;
        foreach (var code in codes)
        {
            var i = IndexOf(code);
            if (i >= 0) mask = mask.With(i);
        }
        return mask;
    }

    /// <summary>Every code that shares a domain with one in <paramref name="mask"/>, domains included.</summary>
    /// <summary>The domains of the codes in the mask (a domain code is its own domain).</summary>
    internal Bits256 DomainsOf(Bits256 mask)
    {
        var domains = Bits256.Empty;
        for (var i = 0; i < _codes.Length; i++)
        {
            if (mask.Contains(i)) domains = domains.With(_parents[i] < 0 ? i : _parents[i]);
        }
        return domains;
    }

    internal Bits256 FamilyMask(Bits256 mask)
    {
        var family = Bits256.Empty;
        foreach (var i in mask.Ones())
        {
            var domain = _parents[i] < 0 ? i : _parents[i];
            family |= _familyOfDomain[domain];
        }
        return family;
    }
}
