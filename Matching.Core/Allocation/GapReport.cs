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
/// and places, and what an optimal allocation (min-cost flow) over offers of that kind still leaves unplaced, split
/// into those whom extra places would place and those who need new offers.
/// </summary>
internal sealed class GapReportBuilder(MatchingEngine engine, IGazetteer gazetteer)
{
    private readonly BelgianGeography _geography = BelgianGeography.Default;

    /// <summary>Builds the report for the waiting newcomers.</summary>
    public GapReportResult Build(IReadOnlyList<Newcomer> waiting, GapGrouping grouping, OfferKind? kind, WeightProfile profile, int candidatesPerNewcomer = 50)
    {
        var planner = new AllocationPlanner(engine);
        var cohort = waiting.OrderBy(n => n.Id, StringComparer.Ordinal).ToArray();
        var areaOfNewcomer = cohort.Select(n => Area(n.Location, grouping)).ToArray();
        var offers = engine.Offers();
        var rows = new List<GapRow>();
        foreach (var k in kind is { } only ? [only] : Enum.GetValues<OfferKind>())
        {
            var (problem, _) = planner.BuildProblem(cohort, profile, [k], candidatesPerNewcomer, ignoreCapacity: true);
            var solution = Allocator.Solve(problem, AllocationMode.Optimal);
            var hasCandidate = new bool[cohort.Length];
            foreach (var c in problem.Candidates) hasCandidate[c.Newcomer] = true;
            var areas = new SortedDictionary<(string Area, string? Nis, string Province), int[]>();
            int[] Row((string, string?, string) key) => areas.TryGetValue(key, out var r) ? r : areas[key] = new int[8];
            for (var i = 0; i < cohort.Length; i++)
            {
                var r = Row(areaOfNewcomer[i]);
                r[0]++;
                if (hasCandidate[i]) r[1]++;
                if (solution.OfferOf[i] < 0)
                {
                    r[5]++;
                    if (hasCandidate[i]) r[6]++; else r[7]++;
                }
            }
            foreach (var (offer, held) in offers.Where(o => o.Offer.Kind == k))
            {
                var r = Row(Area(offer.Location, grouping));
                r[2]++;
                r[3] += offer.Capacity;
                r[4] += Math.Min(held, offer.Capacity);
            }
            rows.AddRange(areas.Select(a => new GapRow(a.Key.Area, a.Key.Nis, a.Key.Province, WireNames.Of(k),
                a.Value[0], a.Value[1], a.Value[2], a.Value[3], a.Value[4], a.Value[5], a.Value[6], a.Value[7])));
        }
        var ordered = rows
            .OrderByDescending(r => r.PlaceableWithExtraPlaces).ThenByDescending(r => r.NeedNewOffers)
            .ThenBy(r => r.Area, StringComparer.Ordinal).ThenBy(r => r.Kind, StringComparer.Ordinal)
            .ToList();
        return new GapReportResult(WireNames.Of(grouping), new ProfileRef(profile.Name, profile.Version), ordered);
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
