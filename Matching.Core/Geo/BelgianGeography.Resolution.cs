using System.Diagnostics.CodeAnalysis;
using Matching.Model;

namespace Matching.Geo;

// Resolving the forms of a location (postcode, postcode with a place, place alone) and the problems they can give.
public sealed partial class BelgianGeography
{
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

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..60] + "…";

    private static string WithSuggestions(string message, IReadOnlyList<string> suggestions) =>
        suggestions.Count == 0 ? message : $"{message} Bedoelde u / did you mean: {string.Join(", ", suggestions)}?";
}
