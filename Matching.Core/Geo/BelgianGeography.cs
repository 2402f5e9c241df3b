using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Matching.Model;
using Matching.Text;

namespace Matching.Geo;

/// <summary>
/// The 565 Belgian municipalities of 1 January 2025, their postcodes and postal places (data/be-geography/, derived from
/// FPS BOSA BeST Address, CC BY 4.0): resolves a postcode, a postcode with a place, a place name, or coordinates to a
/// municipality and a point.
/// </summary>
/// <remarks>
/// <para>Names compare as the gazetteer's keys (<see cref="Gazetteer.Key"/>): case, accents, hyphens, spaces and
/// apostrophes do not matter, so <c>BORSBEEK</c>, <c>Borsbeek</c> and <c>Sint-Job-In-'T-Goor</c> /
/// <c>sint job in t goor</c> are the same name.</para>
/// <para>The point of a postal place is the gazetteer's point of the place of that name, when the gazetteer knows it in
/// the same region within <see cref="MaxDeelgemeenteKm"/> of the municipality's centre (so that 8800 Beveren, a part of
/// Roeselare, does not get the point of Beveren-Waas); otherwise, with its postcode, the postcode's point, and alone the
/// municipality's centre.</para>
/// <para>A postcode shared by two municipalities (1040, 1050 and 1060: a small part of the City of Brussels and
/// Etterbeek, Elsene or Sint-Gillis) resolves without a place to the municipality that has the fewest postcodes of its
/// own, the one the postcode is named after (Etterbeek, Elsene, Sint-Gillis); with a place, to the place's
/// municipality.</para>
/// <para>Built once at load; immutable and safe to share between threads. Every lookup is a dictionary look-up or a
/// loop over the few places of one postcode; only suggestions and <see cref="MunicipalityOf"/> scan.</para>
/// </remarks>
public sealed partial class BelgianGeography
{
    /// <summary>How far (km) the gazetteer's point of a postal place may lie from its municipality's centre to be used;
    /// the furthest true deelgemeente in the data (Zeebrugge, Brugge) lies 12.8 km away, the nearest namesake elsewhere
    /// (Hamme under 1785 Merchtem) 17.3 km.</summary>
    public const double MaxDeelgemeenteKm = 15;

    private static readonly Lazy<BelgianGeography> LazyDefault = new(() => Embedded(Gazetteer.Default));

    private readonly IGazetteer _gazetteer;
    private readonly Municipality[] _municipalities;
    private readonly PostalPlace[] _places;
    private readonly Dictionary<string, Municipality> _byNis;
    private readonly Dictionary<string, PostcodeEntry> _postcodes;
    private readonly int[] _sortedPostcodes;
    private readonly Dictionary<string, Municipality[]> _municipalitiesByKey;
    private readonly Dictionary<string, PostalPlace[]> _placesByKey;
    private readonly Dictionary<string, Municipality> _aliases;
    private readonly Dictionary<string, GeoPoint?> _mainPoint; // by NIS: the gazetteer's point of its name, else its centre
    private readonly (string Key, string Name)[] _suggestionKeys;
    private readonly MunicipalityAnchors _anchors;

    /// <summary>The places of one postcode, and per municipality the point the postcode alone stands for.</summary>
    private sealed record PostcodeEntry(string Code, (string Key, PostalPlace Place)[] Names, (Municipality Municipality, GeoPoint? Point)[] Parts);

    private BelgianGeography(IGazetteer gazetteer, Municipality[] municipalities, PostalPlace[] places,
        Dictionary<string, Municipality> aliases)
    {
        _gazetteer = gazetteer;
        _municipalities = municipalities;
        _places = places;
        _aliases = aliases;
        _byNis = municipalities.ToDictionary(m => m.Nis, StringComparer.Ordinal);
        _mainPoint = municipalities.ToDictionary(m => m.Nis,
            m => GazetteerPoint(new[] { m.NameNl, m.NameFr, m.NameDe }.OfType<string>().ToArray(), m, gazetteer) ?? m.Centre,
            StringComparer.Ordinal);

        _municipalitiesByKey = municipalities
            .SelectMany(m => new[] { m.NameNl, m.NameFr, m.NameDe }.OfType<string>().Select(n => (Key: Gazetteer.Key(n), m)))
            .Where(e => e.Key.Length > 0)
            .GroupBy(e => e.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.m).Distinct().ToArray(), StringComparer.Ordinal);
        _placesByKey = places
            .SelectMany(p => PlaceKeys(p).Select(k => (Key: k, p)))
            .GroupBy(e => e.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.p).Distinct().ToArray(), StringComparer.Ordinal);

        var postcodesPerMunicipality = places.GroupBy(p => p.Municipality.Nis)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Postcode).Distinct().Count(), StringComparer.Ordinal);
        _postcodes = new Dictionary<string, PostcodeEntry>(StringComparer.Ordinal);
        foreach (var group in places.GroupBy(p => p.Postcode))
        {
            var names = group.SelectMany(p => PlaceKeys(p).Select(k => (k, p))).ToArray();
            var parts = group
                .GroupBy(p => p.Municipality)
                .Select((g, order) => (Municipality: g.Key, Point: PostcodePoint(g.Key, g.ToList()), Order: order))
                // The municipality the postcode is most its own comes first: the fewest postcodes, then as listed.
                .OrderBy(p => postcodesPerMunicipality[p.Municipality.Nis]).ThenBy(p => p.Order)
                .Select(p => (p.Municipality, p.Point))
                .ToArray();
            _postcodes[group.Key] = new PostcodeEntry(group.Key, names, parts);
        }
        _sortedPostcodes = _postcodes.Keys.Select(k => int.Parse(k, CultureInfo.InvariantCulture)).Order().ToArray();

        var suggestions = new HashSet<(string, string)>();
        foreach (var m in municipalities)
        {
            foreach (var n in new[] { m.NameNl, m.NameFr, m.NameDe }) if (n is not null) suggestions.Add((Gazetteer.Key(n), m.Name));
        }
        foreach (var p in places)
        {
            foreach (var k in PlaceKeys(p)) suggestions.Add((k, p.Name));
        }
        foreach (var (alias, m) in aliases) suggestions.Add((alias, m.Name));
        foreach (var g in gazetteer.Places) suggestions.Add((Gazetteer.Key(g.Name), g.Name));
        _suggestionKeys = suggestions.Where(s => s.Item1.Length > 0).OrderBy(s => s.Item1, StringComparer.Ordinal)
            .ThenBy(s => s.Item2, StringComparer.Ordinal).ToArray();

        _anchors = new MunicipalityAnchors(municipalities, places);
    }

    /// <summary>The data shipped in data/be-geography/, with the points of <see cref="Gazetteer.Default"/>.</summary>
    public static BelgianGeography Default => LazyDefault.Value;

    /// <summary>The shipped data with the points of another gazetteer; <see cref="Default"/> for the shipped one.</summary>
    public static BelgianGeography For(IGazetteer gazetteer)
    {
        if (ReferenceEquals(gazetteer, Gazetteer.Default)) return Default;
        return Embedded(gazetteer);
    }

    private static BelgianGeography Embedded(IGazetteer gazetteer)
    {
        using var municipalities = EmbeddedData.OpenText("be-geography.municipalities.csv");
        using var places = EmbeddedData.OpenText("be-geography.postal_places.csv");
        using var aliases = EmbeddedData.OpenText("be-geography.aliases.csv");
        return Load(municipalities, places, aliases, gazetteer);
    }

    /// <summary>Every municipality, sorted by NIS code (565).</summary>
    public IReadOnlyList<Municipality> Municipalities => _municipalities;

    /// <summary>Every postal place, by postcode as the source lists them (3,093).</summary>
    public IReadOnlyList<PostalPlace> PostalPlaces => _places;

    /// <summary>Finds a municipality by its 5-digit NIS code.</summary>
    public bool TryGetMunicipality(string nis, [NotNullWhen(true)] out Municipality? municipality) =>
        _byNis.TryGetValue(nis, out municipality);

    /// <summary>The municipality a point most likely lies in: the one of the nearest known point, among the
    /// municipalities' centres and the deelgemeente points the gazetteer gives; null outside Belgium's rough box
    /// (49.4–51.6 N, 2.5–6.5 E).</summary>
    /// <remarks>An approximation (no boundaries are shipped): near a border it can name the neighbour, inside the box but
    /// abroad it names the nearest Belgian municipality, and a Walloon municipality whose centre was withheld and whose
    /// places the gazetteer does not know is never returned.</remarks>
    public Municipality? MunicipalityOf(GeoPoint point) => _anchors.Nearest(point);

    /// <summary>The nearest existing postcodes to an unknown one, as "9050 Gent", best first.</summary>
    public IReadOnlyList<string> SuggestPostcodes(string postcode, int max = 3)
    {
        if (!IsWellFormed(postcode) || max <= 0) return [];
        var value = int.Parse(postcode, CultureInfo.InvariantCulture);
        var i = Array.BinarySearch(_sortedPostcodes, value);
        if (i < 0) i = ~i;
        // Walk outwards from the insertion point, taking the nearer side each time (the lower one on a tie).
        var lo = i - 1;
        var hi = i;
        var result = new List<string>(max);
        while (result.Count < max && (lo >= 0 || hi < _sortedPostcodes.Length))
        {
            int pick;
            if (hi >= _sortedPostcodes.Length || (lo >= 0 && value - _sortedPostcodes[lo] <= _sortedPostcodes[hi] - value)) pick = _sortedPostcodes[lo--];
            else pick = _sortedPostcodes[hi++];
            var code = pick.ToString("D4", CultureInfo.InvariantCulture);
            result.Add($"{code} {_postcodes[code].Parts[0].Municipality.Name}");
        }
        return result;
    }

    /// <summary>The closest known place and municipality names, best first, for a "Bedoelde u" message.</summary>
    public IReadOnlyList<string> SuggestPlaces(string place, int max = 3)
    {
        var key = Gazetteer.Key(place);
        if (key.Length == 0 || max <= 0) return [];
        var limit = Math.Max(2, key.Length / 3);
        var best = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (candidate, name) in _suggestionKeys)
        {
            var distance = NameDistance.Within(key, candidate, limit);
            if (distance > limit) continue;
            if (!best.TryGetValue(name, out var known) || distance < known) best[name] = distance;
        }
        return best.OrderBy(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(max).Select(p => p.Key).ToList();
    }

    /// <summary>The point a postcode stands for in one municipality: its main locality (named like the municipality),
    /// else the mean of its places' gazetteer points, else the municipality's centre.</summary>
    private static GeoPoint? PostcodePoint(Municipality m, List<PostalPlace> places)
    {
        var names = new[] { m.NameNl, m.NameFr, m.NameDe }.OfType<string>().Select(Gazetteer.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var p in places)
        {
            if (p.Labels.Any(l => names.Contains(Gazetteer.Key(l)))) return p.Point ?? m.Centre;
        }
        var points = places.Where(p => p.Point is not null).Select(p => p.Point!.Value).ToList();
        if (points.Count == 0) return m.Centre;
        return new GeoPoint(Math.Round(points.Average(p => p.Lat), 5), Math.Round(points.Average(p => p.Lon), 5));
    }

    /// <summary>The keys of a postal place: each label's, and for a label with a qualifier such as "Cuesmes (7000)" also
    /// the key without it.</summary>
    private static IEnumerable<string> PlaceKeys(PostalPlace p)
    {
        var keys = new List<string>(4);
        foreach (var label in p.Labels)
        {
            var k = Gazetteer.Key(label);
            if (k.Length > 0 && !keys.Contains(k)) keys.Add(k);
            var paren = label.IndexOf(" (", StringComparison.Ordinal);
            if (paren > 0 && label.EndsWith(')'))
            {
                var bare = Gazetteer.Key(label[..paren]);
                if (bare.Length > 0 && !keys.Contains(bare)) keys.Add(bare);
            }
        }
        return keys;
    }

    private static bool IsWellFormed(string postcode) => IsDigits(postcode, 4) && postcode[0] != '0';

    private static bool IsDigits(string s, int length)
    {
        if (s.Length != length) return false;
        foreach (var c in s) if (!char.IsAsciiDigit(c)) return false;
        return true;
    }
}
