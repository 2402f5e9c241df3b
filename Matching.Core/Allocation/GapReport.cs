using System.Globalization;
using System.Text;
using Matching.Geo;
using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;
using Matching.Text;

namespace Matching.Allocation;

/// <summary>How the gap report groups areas.</summary>
public enum GapGrouping
{
    /// <summary>By municipality of 1 January 2025 (NIS code); a location outside Belgium in an <c>unknown</c> row.</summary>
    Municipality,
    /// <summary>By province (BRU for the Brussels-Capital Region).</summary>
    Province,
}

/// <summary>Demand and supply of one kind of offer in one area.</summary>
/// <param name="Area">The municipality's Dutch name (<c>unknown</c> for locations outside Belgium), or the province code.</param>
/// <param name="Nis">The municipality's NIS code (of 1 January 2025) when grouped by municipality; null by province or when unknown.</param>
/// <param name="Province">The province code (BRU for the Brussels-Capital Region).</param>
/// <param name="Kind">The kind of offer.</param>
/// <param name="NewcomersWaiting">Newcomers living in the area who hold no place yet.</param>
/// <param name="NewcomersWithFeasibleOffer">Of those, how many have at least one offer of this kind that would be feasible with a free place.</param>
/// <param name="Offers">Offers of this kind located in the area.</param>
/// <param name="Places">Their capacity.</param>
/// <param name="PlacesTaken">Places held by accepted or started matches.</param>
/// <param name="UnplacedAfterOptimal">Waiting newcomers of the area that an optimal allocation over offers of this kind still leaves without a place.</param>
/// <param name="PlaceableWithExtraPlaces">Of those, how many only lack a place: more places in offers they can reach would place them.</param>
/// <param name="NeedNewOffers">Of those, how many have no feasible offer of this kind at all: more places do not help, new offers do.</param>
public sealed record GapRow(string Area, string? Nis, string Province, string Kind, int NewcomersWaiting, int NewcomersWithFeasibleOffer, int Offers,
    int Places, int PlacesTaken, int UnplacedAfterOptimal, int PlaceableWithExtraPlaces, int NeedNewOffers);

/// <summary>The gap report: rows ordered so that the areas where extra places would place most people come first.</summary>
/// <param name="GroupBy">municipality or province.</param>
/// <param name="Profile">The profile the allocation used.</param>
/// <param name="Rows">One row per area and kind with any demand or supply.</param>
public sealed record GapReportResult(string GroupBy, ProfileRef Profile, IReadOnlyList<GapRow> Rows)
{
    /// <summary>The rows as CSV (RFC 4180, a header row).</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder("area,nis,province,kind,newcomersWaiting,newcomersWithFeasibleOffer,offers,places,placesTaken,unplacedAfterOptimal,placeableWithExtraPlaces,needNewOffers\n");
        foreach (var r in Rows)
        {
            sb.Append(Csv.Escape(r.Area)).Append(',').Append(r.Nis).Append(',').Append(r.Province).Append(',').Append(r.Kind).Append(',')
              .Append(string.Join(',', new[] { r.NewcomersWaiting, r.NewcomersWithFeasibleOffer, r.Offers, r.Places, r.PlacesTaken,
                  r.UnplacedAfterOptimal, r.PlaceableWithExtraPlaces, r.NeedNewOffers }.Select(v => v.ToString(CultureInfo.InvariantCulture))))
              .Append('\n');
        }
        return sb.ToString();
    }
}

/// <summary>
/// Where demand and supply do not meet, for local governments: per area and kind, the waiting newcomers, the offers
/// and places, and what a maximum allocation over offers of that kind (the most newcomers placed, capacity respected)
/// still leaves unplaced, split into those whom extra places would place and those who need new offers.
/// </summary>
/// <remarks>
/// Computed by <see cref="GapFlow"/> over every feasible pair without listing them (500,000 newcomers and 100,000 offers
/// in about a second on two cores, see benchmarks/README.md): "has a feasible offer" is an existence query that stops
/// at the first one, and the allocation is a maximum b-matching by augmenting paths from the offers' side. The number
/// placed per kind is exactly the min-cost flow's over all feasible pairs; scores do not choose among the maximum
/// allocations, so when newcomers of two areas compete for the same places, which area keeps the unplaced ones is that
/// of one maximum allocation, not of the best-scoring one (the min-cost-flow builder the tests keep as the reference
/// agrees on every count where no two areas share an offer within reach).
/// </remarks>
internal sealed class GapReportBuilder(MatchingEngine engine, IGazetteer gazetteer)
{
    private readonly BelgianGeography _geography = BelgianGeography.Default;

    /// <summary>Builds the report for the waiting newcomers.</summary>
    public GapReportResult Build(IReadOnlyList<Newcomer> waiting, GapGrouping grouping, OfferKind? kind, WeightProfile profile)
    {
        OfferKind[] kinds = kind is { } only ? [only] : Enum.GetValues<OfferKind>();
        var kindMask = 0;
        foreach (var k in kinds) kindMask |= 1 << (int)k;
        var offers = engine.Index.Freeze();
        var areaOfNewcomer = new (string Area, string? Nis, string Province)[waiting.Count];
        Parallel.For(0, waiting.Count, i => areaOfNewcomer[i] = Area(waiting[i].Location, grouping));
        var flow = new GapFlow(offers, waiting, profile, engine.Today);
        var feasible = flow.FeasibleKinds(kindMask);
        var placed = new int[kinds.Length][];
        Parallel.For(0, kinds.Length, k => placed[k] = flow.MaximumAllocation(kinds[k]));

        var rows = new List<GapRow>();
        for (var k = 0; k < kinds.Length; k++)
        {
            var bit = 1 << (int)kinds[k];
            var areas = new SortedDictionary<(string Area, string? Nis, string Province), int[]>();
            int[] Row((string, string?, string) key) => areas.TryGetValue(key, out var r) ? r : areas[key] = new int[8];
            for (var i = 0; i < waiting.Count; i++)
            {
                var r = Row(areaOfNewcomer[i]);
                var hasFeasible = (feasible[i] & bit) != 0;
                r[0]++;
                if (hasFeasible) r[1]++;
                if (placed[k][i] < 0)
                {
                    r[5]++;
                    if (hasFeasible) r[6]++; else r[7]++;
                }
            }
            for (var s = 0; s < offers.SlotCount; s++)
            {
                if (offers.KindAt(s) != (int)kinds[k]) continue;
                var (offer, capacity, held) = offers.At(s);
                var r = Row(Area(offer.Location, grouping));
                r[2]++;
                r[3] += capacity;
                r[4] += Math.Min(held, capacity);
            }
            foreach (var (key, r) in areas)
            {
                rows.Add(new GapRow(key.Area, key.Nis, key.Province, WireNames.Of(kinds[k]), r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]));
            }
        }
        rows.Sort(static (a, b) =>
            a.PlaceableWithExtraPlaces != b.PlaceableWithExtraPlaces ? b.PlaceableWithExtraPlaces.CompareTo(a.PlaceableWithExtraPlaces)
            : a.NeedNewOffers != b.NeedNewOffers ? b.NeedNewOffers.CompareTo(a.NeedNewOffers)
            : string.CompareOrdinal(a.Area, b.Area) != 0 ? string.CompareOrdinal(a.Area, b.Area)
            : string.CompareOrdinal(a.Kind, b.Kind) != 0 ? string.CompareOrdinal(a.Kind, b.Kind)
            : string.CompareOrdinal(a.Nis, b.Nis) != 0 ? string.CompareOrdinal(a.Nis, b.Nis)
            : string.CompareOrdinal(a.Province, b.Province));
        return new GapReportResult(WireNames.Of(grouping), new ProfileRef(profile.Name, profile.Version), rows);
    }

    private (string Area, string? Nis, string Province) Area(Location location, GapGrouping grouping)
    {
        if (grouping == GapGrouping.Municipality)
        {
            // The municipality a local government is: its NIS code, so that a merged one (Kortessem into Hasselt in
            // 2025) counts under the municipality that exists now.
            var municipality = location.Municipality is { } nis && _geography.TryGetMunicipality(nis, out var m) ? m : _geography.MunicipalityOf(location.Point);
            return municipality is null ? ("unknown", null, "") : (municipality.NameNl ?? municipality.Name, municipality.Nis, municipality.Province);
        }
        var place = location.Place is { } name && gazetteer.TryResolve(name, out var p) ? p : gazetteer.Nearest(location.Point);
        return (place.Province, null, place.Province);
    }
}
