using Matching.Model;

namespace Matching.Geo;

/// <summary>A Belgian municipality as it exists since the mergers of 1 January 2025.</summary>
/// <param name="Nis">The 5-digit NIS (REFNIS) code, its identity.</param>
/// <param name="Name">The Dutch name, or the French and then the German one when it has no Dutch name.</param>
/// <param name="NameNl">The official Dutch name, or null.</param>
/// <param name="NameFr">The official French name, or null.</param>
/// <param name="NameDe">The official German name, or null.</param>
/// <param name="Region">VLG (Flanders), BRU (Brussels-Capital) or WAL (Wallonia).</param>
/// <param name="Province">VAN, VBR, VLI, VOV, VWV, WBR, WHT, WLG, WLX, WNA, or BRU for the 19 Brussels municipalities.</param>
/// <param name="Centre">The approximate centre (the mean of its address points), or null where the source's centre was
/// withheld as unreliable (most of Wallonia).</param>
public sealed record Municipality(
    string Nis, string Name, string? NameNl, string? NameFr, string? NameDe, string Region, string Province, GeoPoint? Centre);

/// <summary>A postal locality (deelgemeente, section) under one postcode, in one municipality.</summary>
/// <param name="Postcode">The 4-digit postcode.</param>
/// <param name="Name">The name to show: the gazetteer's spelling where it knows the place, else the published label with
/// all-capital Flemish names in title case.</param>
/// <param name="Labels">The published labels (Dutch, French, German; those that exist).</param>
/// <param name="Municipality">The municipality it belongs to.</param>
/// <param name="Point">The gazetteer's point of the place, when the gazetteer knows a place of that name in the same
/// region within <see cref="BelgianGeography.MaxDeelgemeenteKm"/> of the municipality's centre; otherwise null.</param>
public sealed record PostalPlace(string Postcode, string Name, IReadOnlyList<string> Labels, Municipality Municipality, GeoPoint? Point);

/// <summary>A location resolved to its municipality.</summary>
/// <param name="Municipality">The municipality.</param>
/// <param name="Point">The point to measure distances from, or null when none is known (a Walloon municipality whose centre
/// was withheld, named without a place the gazetteer knows).</param>
/// <param name="Postcode">The postcode, when one was given.</param>
/// <param name="Place">The canonical name of the place, when one was given.</param>
public sealed record GeoResolution(Municipality Municipality, GeoPoint? Point, string? Postcode, string? Place);

/// <summary>Why a location does not resolve.</summary>
/// <param name="Field">"postcode", "place", or "" when the postcode and place do not belong together.</param>
/// <param name="Message">An English sentence with the Dutch "Bedoelde u" suggestions where there are any.</param>
/// <param name="Suggestions">What the caller may have meant, best first ("9050 Ledeberg", "Gent"); may be empty.</param>
public sealed record GeoProblem(string Field, string Message, IReadOnlyList<string> Suggestions);
