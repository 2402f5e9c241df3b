using System.Globalization;
using System.Text;
using Matching.Model;
using Matching.Text;

namespace Matching.Geo;

// Reading data/be-geography/: the three CSV files, their rows checked, and the display names and points of the places.
public sealed partial class BelgianGeography
{
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

    private static string? Null(string s) => s.Length == 0 ? null : s;
}
