using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
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
public sealed class BelgianGeography
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
    // Anchors for MunicipalityOf, sorted by latitude so that a query looks only at a band around its own.
    private readonly double[] _anchorLat, _anchorX, _anchorY, _anchorZ;
    private readonly Municipality[] _anchorMunicipality;

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

        // Anchors for MunicipalityOf: every centre, and every deelgemeente point (they make the approximation follow
        // the merged municipalities, whose centres can lie far from their edges).
        var anchors = municipalities.Where(m => m.Centre is not null).Select(m => (Point: m.Centre!.Value, m))
            .Concat(places.Where(p => p.Point is not null).Select(p => (Point: p.Point!.Value, p.Municipality)))
            .OrderBy(a => a.Point.Lat).ThenBy(a => a.Point.Lon)
            .ToArray();
        _anchorLat = new double[anchors.Length];
        _anchorX = new double[anchors.Length];
        _anchorY = new double[anchors.Length];
        _anchorZ = new double[anchors.Length];
        _anchorMunicipality = new Municipality[anchors.Length];
        for (var i = 0; i < anchors.Length; i++)
        {
            _anchorLat[i] = anchors[i].Point.Lat;
            (_anchorX[i], _anchorY[i], _anchorZ[i]) = anchors[i].Point.ToUnitVector();
            _anchorMunicipality[i] = anchors[i].Item2;
        }
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

    /// <summary>
    /// Resolves a postcode, a postcode with a place, or a place alone (a deelgemeente or municipality name in Dutch,
    /// French or German, or an alias such as "Ghent").
    /// </summary>
    /// <remarks>
    /// <para>A postcode alone gives its municipality and the point of its main locality: the place named like the
    /// municipality, else the mean of its places' gazetteer points, else the municipality's centre. The resolution's
    /// place stays null: only a place the caller gave is returned.</para>
    /// <para>A postcode with a place: the place must be one of the postcode's places, or name one of its municipalities,
    /// or be a place the gazetteer knows in one of its municipalities; anything else is a problem with field "".</para>
    /// <para>A place alone: a place the gazetteer knows keeps the gazetteer's name and point (so every name that
    /// resolved before still resolves to the same point), and gets the municipality among its namesakes nearest to that
    /// point; otherwise a municipality name or, last, an alias (at the gazetteer's point of the municipality's own name,
    /// else its centre), then a postal place (at the municipality's centre). A postal place that lies in more than one
    /// municipality (Ohain: Lasne and Waterloo) is a problem asking for the postcode.</para>
    /// </remarks>
    /// <returns>True with the resolution, or false with the problem.</returns>
    public bool TryResolve(string? postcode, string? place,
        [NotNullWhen(true)] out GeoResolution? resolution, [NotNullWhen(false)] out GeoProblem? problem)
    {
        resolution = null;
        if (postcode is null)
        {
            if (place is null) { problem = new GeoProblem("", "A postcode or a place is required.", []); return false; }
            return TryResolvePlace(place, out resolution, out problem);
        }
        if (!IsWellFormed(postcode))
        {
            problem = new GeoProblem("postcode", $"'{Shorten(postcode)}' is not a Belgian postcode: 4 digits, such as 9050.", []);
            return false;
        }
        if (!_postcodes.TryGetValue(postcode, out var entry))
        {
            var suggestions = SuggestPostcodes(postcode);
            problem = new GeoProblem("postcode", WithSuggestions($"Unknown postcode '{postcode}'.", suggestions), suggestions);
            return false;
        }
        if (place is null)
        {
            var (municipality, point) = entry.Parts[0];
            resolution = new GeoResolution(municipality, point, postcode, null);
            problem = null;
            return true;
        }
        return TryResolveInPostcode(entry, place, out resolution, out problem);
    }

    /// <summary>The municipality a point most likely lies in: the one of the nearest known point, among the
    /// municipalities' centres and the deelgemeente points the gazetteer gives; null outside Belgium's rough box
    /// (49.4–51.6 N, 2.5–6.5 E).</summary>
    /// <remarks>An approximation (no boundaries are shipped): near a border it can name the neighbour, inside the box but
    /// abroad it names the nearest Belgian municipality, and a Walloon municipality whose centre was withheld and whose
    /// places the gazetteer does not know is never returned.</remarks>
    public Municipality? MunicipalityOf(GeoPoint point)
    {
        if (point.Lat is < 49.4 or > 51.6 || point.Lon is < 2.5 or > 6.5) return null;
        var (x, y, z) = point.ToUnitVector();
        var start = Array.BinarySearch(_anchorLat, point.Lat);
        if (start < 0) start = ~start;
        var best = -1;
        var bestChord = double.MaxValue;
        // Walk away from the point's latitude on both sides; a side ends once its latitude difference alone is further
        // than the best so far (the chord of a latitude difference is a lower bound of the chord).
        for (int down = start - 1, up = start; down >= 0 || up < _anchorLat.Length;)
        {
            if (down >= 0)
            {
                if (LatitudeChordSquared(point.Lat - _anchorLat[down]) >= bestChord) down = -1;
                else Consider(down--);
            }
            if (up < _anchorLat.Length)
            {
                if (LatitudeChordSquared(_anchorLat[up] - point.Lat) >= bestChord) up = _anchorLat.Length;
                else Consider(up++);
            }
        }
        return _anchorMunicipality[best];

        void Consider(int i)
        {
            var chord = GeoPoint.ChordSquared(x, y, z, _anchorX[i], _anchorY[i], _anchorZ[i]);
            if (chord < bestChord) { bestChord = chord; best = i; }
        }
    }

    private static double LatitudeChordSquared(double degrees)
    {
        var chord = 2 * Math.Sin(Math.Abs(degrees) * (Math.PI / 180) / 2);
        return chord * chord;
    }

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
            var distance = Math.Abs(key.Length - candidate.Length) > limit
                ? PrefixPenalty(key, candidate)
                : Math.Min(Levenshtein(key, candidate), PrefixPenalty(key, candidate));
            if (distance > limit) continue;
            if (!best.TryGetValue(name, out var known) || distance < known) best[name] = distance;
        }
        return best.OrderBy(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(max).Select(p => p.Key).ToList();
    }

    /// <summary>Reads the three CSV files of data/be-geography/ (as the import script writes them) and takes the
    /// deelgemeente points from <paramref name="gazetteer"/>.</summary>
    /// <exception cref="FormatException">A row is malformed or refers to an unknown municipality; the message names the
    /// file and line.</exception>
    public static BelgianGeography Load(TextReader municipalities, TextReader postalPlaces, TextReader aliases, IGazetteer gazetteer)
    {
        var byNis = new Dictionary<string, Municipality>(StringComparer.Ordinal);
        var list = new List<Municipality>();
        foreach (var (line, f) in Rows(municipalities, "municipalities.csv", "nis,region,province,name_nl,name_fr,name_de,lat,lon"))
        {
            if (f.Length != 8 || !IsDigits(f[0], 5) || f[1] is not ("VLG" or "BRU" or "WAL") || f[2].Length != 3
                || (f[3].Length == 0 && f[4].Length == 0 && f[5].Length == 0))
            {
                throw new FormatException($"municipalities.csv line {line}: expected nis,region,province,name_nl,name_fr,name_de,lat,lon.");
            }
            GeoPoint? centre = null;
            if (f[6].Length > 0 || f[7].Length > 0)
            {
                if (!double.TryParse(f[6], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat)
                    || !double.TryParse(f[7], NumberStyles.Float, CultureInfo.InvariantCulture, out var lon)
                    || lat is < 49.4 or > 51.6 || lon is < 2.5 or > 6.5)
                {
                    throw new FormatException($"municipalities.csv line {line}: lat and lon must both be coordinates in Belgium, or both empty.");
                }
                centre = new GeoPoint(lat, lon);
            }
            var m = new Municipality(f[0], Null(f[3]) ?? Null(f[4]) ?? f[5], Null(f[3]), Null(f[4]), Null(f[5]), f[1], f[2], centre);
            if (!byNis.TryAdd(m.Nis, m)) throw new FormatException($"municipalities.csv line {line}: NIS {m.Nis} occurs twice.");
            list.Add(m);
        }

        var places = new List<PostalPlace>();
        foreach (var (line, f) in Rows(postalPlaces, "postal_places.csv", "postcode,place_nl,place_fr,place_de,nis,source"))
        {
            if (f.Length != 6 || !IsWellFormed(f[0]) || (f[1].Length == 0 && f[2].Length == 0 && f[3].Length == 0))
            {
                throw new FormatException($"postal_places.csv line {line}: expected postcode,place_nl,place_fr,place_de,nis,source.");
            }
            if (!byNis.TryGetValue(f[4], out var m)) throw new FormatException($"postal_places.csv line {line}: unknown NIS '{f[4]}'.");
            var labels = new[] { f[1], f[2], f[3] }.Where(l => l.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
            places.Add(new PostalPlace(f[0], DisplayName(labels[0], m, gazetteer), labels, m, GazetteerPoint(labels, m, gazetteer)));
        }

        var aliasMap = new Dictionary<string, Municipality>(StringComparer.Ordinal);
        foreach (var (line, f) in Rows(aliases, "aliases.csv", "alias,nis,kind,municipality"))
        {
            if (f.Length != 4 || Gazetteer.Key(f[0]) != f[0] || f[0].Length == 0) throw new FormatException($"aliases.csv line {line}: expected alias,nis,kind,municipality with a normalised alias.");
            if (!byNis.TryGetValue(f[1], out var m)) throw new FormatException($"aliases.csv line {line}: unknown NIS '{f[1]}'.");
            if (!aliasMap.TryAdd(f[0], m)) throw new FormatException($"aliases.csv line {line}: alias '{f[0]}' occurs twice.");
        }
        return new BelgianGeography(gazetteer, [.. list], [.. places], aliasMap);
    }

    private bool TryResolveInPostcode(PostcodeEntry entry, string place,
        [NotNullWhen(true)] out GeoResolution? resolution, [NotNullWhen(false)] out GeoProblem? problem)
    {
        var key = Gazetteer.Key(place);
        problem = null;
        // One of the postcode's own places.
        foreach (var (name, p) in entry.Names)
        {
            if (name != key) continue;
            resolution = new GeoResolution(p.Municipality, p.Point ?? PartPoint(entry, p.Municipality), entry.Code, p.Name);
            return true;
        }
        // The name of one of its municipalities ("9050 Gent"), or an alias of one ("9000 Ghent").
        foreach (var (m, point) in entry.Parts)
        {
            if (!NamesMunicipality(key, m)) continue;
            resolution = new GeoResolution(m, point, entry.Code, m.Name);
            return true;
        }
        // A place the gazetteer knows in one of its municipalities (a hamlet BeST does not list).
        if (key.Length > 0 && TryResolvePlace(place, out var alone, out _))
        {
            foreach (var (m, _) in entry.Parts)
            {
                if (m != alone.Municipality) continue;
                resolution = alone with { Postcode = entry.Code };
                return true;
            }
        }
        resolution = null;
        var suggestions = new List<string>();
        foreach (var (_, p) in entry.Names)
        {
            var s = $"{entry.Code} {p.Name}";
            if (!suggestions.Contains(s)) suggestions.Add(s);
        }
        foreach (var s in PostcodesOfName(key, 3)) if (!suggestions.Contains(s)) suggestions.Add(s);
        problem = new GeoProblem("", WithSuggestions($"Postcode {entry.Code} and place '{Shorten(place)}' do not belong together.", suggestions), suggestions);
        return false;
    }

    private bool TryResolvePlace(string place,
        [NotNullWhen(true)] out GeoResolution? resolution, [NotNullWhen(false)] out GeoProblem? problem)
    {
        var key = Gazetteer.Key(place);
        resolution = null;
        problem = null;
        _municipalitiesByKey.TryGetValue(key, out var municipalities);
        _placesByKey.TryGetValue(key, out var places);
        _aliases.TryGetValue(key, out var alias);

        if (key.Length > 0 && _gazetteer.TryResolve(place, out var known))
        {
            // The gazetteer's name and point, as before; the municipality is the namesake nearest to that point, when
            // one lies near enough to be the same place, else the municipality the point lies in.
            Municipality? best = null;
            var bestKm = MaxDeelgemeenteKm;
            void Consider(Municipality m, GeoPoint? reference)
            {
                if (reference is not GeoPoint r) return;
                var km = GeoPoint.DistanceKm(known.Point, r);
                if (km <= bestKm) { bestKm = km; best = m; }
            }
            foreach (var m in municipalities ?? []) Consider(m, m.Centre);
            foreach (var p in places ?? []) Consider(p.Municipality, p.Point ?? p.Municipality.Centre);
            if (alias is not null) Consider(alias, alias.Centre);
            if ((best ?? MunicipalityOf(known.Point)) is { } municipality)
            {
                resolution = new GeoResolution(municipality, known.Point, null, known.Name);
                return true;
            }
        }
        if (municipalities is { Length: 1 })
        {
            resolution = new GeoResolution(municipalities[0], _mainPoint[municipalities[0].Nis], null, municipalities[0].Name);
            return true;
        }
        if (municipalities is { Length: > 1 })
        {
            var names = municipalities.Select(m => $"{m.Name} ({m.Nis})").ToList();
            problem = new GeoProblem("place", $"'{Shorten(place)}' names more than one municipality: {string.Join(", ", names)}; give the postcode too.", PostcodesOfName(key, 6));
            return false;
        }
        if (places is not null)
        {
            var first = places[0];
            var single = true;
            foreach (var p in places) single &= p.Municipality == first.Municipality;
            if (single)
            {
                resolution = new GeoResolution(first.Municipality, first.Point ?? first.Municipality.Centre, null, first.Name);
                return true;
            }
            var options = PostcodesOfName(key, 6);
            problem = new GeoProblem("place",
                $"'{Shorten(place)}' lies in more than one municipality; give the postcode too. Bedoelde u / did you mean: {string.Join(", ", options)}?",
                options);
            return false;
        }
        if (alias is not null)
        {
            resolution = new GeoResolution(alias, _mainPoint[alias.Nis], null, alias.Name);
            return true;
        }
        var suggestions = SuggestPlaces(place);
        problem = new GeoProblem("place", WithSuggestions($"Unknown place '{Shorten(place)}'.", suggestions), suggestions);
        return false;
    }

    /// <summary>"2140 Borgerhout (Antwerpen)"-style options for a name: its postal places, else its municipality's first
    /// postcodes.</summary>
    private List<string> PostcodesOfName(string key, int max)
    {
        var result = new List<string>();
        if (_placesByKey.TryGetValue(key, out var places))
        {
            foreach (var p in places)
            {
                var s = p.Municipality.Name == p.Name ? $"{p.Postcode} {p.Name}" : $"{p.Postcode} {p.Name} ({p.Municipality.Name})";
                if (result.Count < max && !result.Contains(s)) result.Add(s);
            }
            return result;
        }
        Municipality? m = null;
        if (_municipalitiesByKey.TryGetValue(key, out var ms) && ms.Length == 1) m = ms[0];
        else if (_aliases.TryGetValue(key, out var a)) m = a;
        if (m is null) return result;
        foreach (var p in _places)
        {
            if (p.Municipality != m) continue;
            var s = $"{p.Postcode} {m.Name}";
            if (result.Count < max && !result.Contains(s)) result.Add(s);
        }
        return result;
    }

    private bool NamesMunicipality(string key, Municipality m) =>
        (_municipalitiesByKey.TryGetValue(key, out var ms) && Array.IndexOf(ms, m) >= 0)
        || (_aliases.TryGetValue(key, out var a) && a == m);

    private static GeoPoint? PartPoint(PostcodeEntry entry, Municipality m)
    {
        foreach (var (municipality, point) in entry.Parts) if (municipality == m) return point;
        return m.Centre;
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

    private static GeoPoint? GazetteerPoint(string[] labels, Municipality m, IGazetteer gazetteer)
    {
        if (m.Centre is not GeoPoint centre) return null;
        foreach (var label in labels)
        {
            if (gazetteer.TryResolve(label, out var g) && g.Region == m.Region && GeoPoint.DistanceKm(g.Point, centre) <= MaxDeelgemeenteKm)
            {
                return g.Point;
            }
        }
        return null;
    }

    /// <summary>The gazetteer's spelling ("'s-Gravenwezel" for "'S Gravenwezel"), the municipality's ("Antwerpen" for
    /// "ANTWERPEN"), else the label with an all-capital name in title case ("MOERBEKE-WAAS" → "Moerbeke-Waas").</summary>
    private static string DisplayName(string label, Municipality m, IGazetteer gazetteer)
    {
        var key = Gazetteer.Key(label);
        if (gazetteer.TryResolve(label, out var g) && Gazetteer.Key(g.Name) == key) return g.Name;
        foreach (var n in new[] { m.NameNl, m.NameFr, m.NameDe })
        {
            if (n is not null && Gazetteer.Key(n) == key) return n;
        }
        var hasLetter = false;
        foreach (var c in label)
        {
            if (char.IsLower(c)) return label;
            hasLetter |= char.IsLetter(c);
        }
        if (!hasLetter) return label;
        var sb = new StringBuilder(label.Length);
        var startOfWord = true;
        foreach (var c in label)
        {
            sb.Append(startOfWord ? c : char.ToLowerInvariant(c));
            startOfWord = c is ' ' or '-' or '/';
        }
        return sb.ToString();
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

    private static IEnumerable<(int Line, string[] Fields)> Rows(TextReader reader, string file, string header)
    {
        var first = true;
        foreach (var (line, f) in Csv.Read(reader))
        {
            if (first)
            {
                if (string.Join(',', f) != header) throw new FormatException($"{file} line 1: expected the header {header}.");
                first = false;
                continue;
            }
            if (f.Length == 1 && f[0].Length == 0) continue;
            yield return (line, f);
        }
        if (first) throw new FormatException($"{file}: empty.");
    }

    private static bool IsWellFormed(string postcode) => IsDigits(postcode, 4) && postcode[0] != '0';

    private static bool IsDigits(string s, int length)
    {
        if (s.Length != length) return false;
        foreach (var c in s) if (!char.IsAsciiDigit(c)) return false;
        return true;
    }

    private static string? Null(string s) => s.Length == 0 ? null : s;

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..60] + "…";

    private static string WithSuggestions(string message, IReadOnlyList<string> suggestions) =>
        suggestions.Count == 0 ? message : $"{message} Bedoelde u / did you mean: {string.Join(", ", suggestions)}?";

    private static int PrefixPenalty(string key, string candidate) =>
        key.Length >= 3 && candidate.StartsWith(key, StringComparison.Ordinal) ? 1 : int.MaxValue;

    private static int Levenshtein(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
