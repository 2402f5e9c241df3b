using System.Globalization;
using System.Runtime.CompilerServices;
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
/// <param name="UnplacedAfterOptimal">
/// Waiting newcomers of the area that a maximum allocation over offers of this kind (the most newcomers placed, every
/// free place used at most once, every hard constraint kept) still leaves without a place. Summed over the areas of a
/// kind it is exact; where newcomers of neighbouring areas compete for the same places, which of them stay unplaced is
/// that of one maximum allocation, not chosen by score.
/// </param>
/// <param name="PlaceableWithExtraPlaces">Of those, how many only lack a place: more places in offers they can reach would place them (the same split between competing areas).</param>
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
/// in 2.1 s over HTTP as the host's first report on the real day, 1.5 s in process on the data's day and 1.9 s four
/// weeks later, on the shared 2-core VM: see benchmarks/README.md): "has a feasible offer" is an existence query that stops at the first one, and the allocation
/// is a maximum b-matching by augmenting paths from the offers' side. The number placed per kind is exactly the min-cost
/// flow's over all feasible pairs; scores do not choose among the maximum allocations, so when newcomers of two areas
/// compete for the same places, which area keeps the unplaced ones is that of one maximum allocation, not of the
/// best-scoring one (the min-cost-flow builder the tests keep as the reference agrees on every count where no two areas
/// share an offer within reach).
/// </remarks>
internal sealed class GapReportBuilder(MatchingEngine engine, IGazetteer gazetteer)
{
    private readonly BelgianGeography _geography = BelgianGeography.Default;

    /// <summary>Builds the report for the waiting newcomers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // its loops run over every waiting newcomer, on the host's first report too
    public GapReportResult Build(IReadOnlyList<Newcomer> waiting, GapGrouping grouping, OfferKind? kind, WeightProfile profile)
    {
        OfferKind[] kinds = kind is { } only ? [only] : Enum.GetValues<OfferKind>();
        var kindMask = 0;
        foreach (var k in kinds) kindMask |= 1 << (int)k;
        var offers = engine.Index.Freeze();
        var areas = new AreaNumbers(this, grouping);
        var areaOfNewcomer = new int[waiting.Count];
        var areaOfSlot = new int[offers.SlotCount];
        GapFlow flow = null!;
        // The areas (one pass in order: numbered by first appearance) beside the flow's columns, whose cells and sort
        // leave the other core idle.
        Parallel.Invoke(
            [MethodImpl(MethodImplOptions.AggressiveOptimization)] () =>
            {
                for (var i = 0; i < waiting.Count; i++) areaOfNewcomer[i] = areas.Of(waiting[i].Location);
                for (var s = 0; s < offers.SlotCount; s++) areaOfSlot[s] = offers.KindAt(s) < 0 ? -1 : areas.Of(offers.At(s).Offer.Location);
            },
            () => flow = new GapFlow(offers, waiting, profile, engine.Today));
        // The existence query and the kinds' allocations side by side (each reads the flow's columns and keeps its own
        // state): the allocations started first, so that the longest (the introduction trajectory's at scale) is not
        // left to the end, and the existence query's chunks fill the cores around them.
        var placed = new int[kinds.Length][];
        byte[] feasible = [];
        var work = new Action[kinds.Length + 1];
        for (var k = 0; k < kinds.Length; k++)
        {
            var index = k;
            work[k] = () => placed[index] = flow.MaximumAllocation(kinds[index]);
        }
        work[^1] = () => feasible = flow.FeasibleKinds(kindMask);
        Parallel.Invoke(work);

        const int fields = 8;
        var rows = new List<GapRow>();
        for (var k = 0; k < kinds.Length; k++)
        {
            var bit = 1 << (int)kinds[k];
            var counts = new int[fields * areas.Count];
            for (var i = 0; i < waiting.Count; i++)
            {
                var r = fields * areaOfNewcomer[i];
                var hasFeasible = (feasible[i] & bit) != 0;
                counts[r]++;
                if (hasFeasible) counts[r + 1]++;
                if (placed[k][i] < 0)
                {
                    counts[r + 5]++;
                    if (hasFeasible) counts[r + 6]++; else counts[r + 7]++;
                }
            }
            for (var s = 0; s < offers.SlotCount; s++)
            {
                if (offers.KindAt(s) != (int)kinds[k]) continue;
                var (_, capacity, held) = offers.At(s);
                var r = fields * areaOfSlot[s];
                counts[r + 2]++;
                counts[r + 3] += capacity;
                counts[r + 4] += Math.Min(held, capacity);
            }
            // A row for every area with waiting newcomers or offers of the kind.
            for (var a = 0; a < areas.Count; a++)
            {
                var r = fields * a;
                if (counts[r] == 0 && counts[r + 2] == 0) continue;
                var (area, nis, province) = areas[a];
                rows.Add(new GapRow(area, nis, province, WireNames.Of(kinds[k]), counts[r], counts[r + 1], counts[r + 2], counts[r + 3], counts[r + 4],
                    counts[r + 5], counts[r + 6], counts[r + 7]));
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

    /// <summary>
    /// Areas numbered in order of first appearance, each location's found once per municipality code or place name it
    /// carries (the lookups are the report's cost otherwise: hundreds of thousands of newcomers share a few hundred).
    /// </summary>
    private sealed class AreaNumbers(GapReportBuilder builder, GapGrouping grouping)
    {
        private readonly Dictionary<(string Area, string? Nis, string Province), int> _numbers = [];
        private readonly List<(string Area, string? Nis, string Province)> _areas = [];
        private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);

        public int Count => _areas.Count;

        public (string Area, string? Nis, string Province) this[int number] => _areas[number];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int Of(Location location)
        {
            // The name that decides the area when it resolves (see Area): the NIS code, or the place.
            var name = grouping == GapGrouping.Municipality ? location.Municipality : location.Place;
            if (name is not null && _byName.TryGetValue(name, out var known)) return known;
            var (area, decidedByName) = builder.Area(location, grouping);
            if (!_numbers.TryGetValue(area, out var number))
            {
                _numbers[area] = number = _areas.Count;
                _areas.Add(area);
            }
            if (decidedByName) _byName[name!] = number;
            return number;
        }
    }

    private ((string Area, string? Nis, string Province) Key, bool DecidedByName) Area(Location location, GapGrouping grouping)
    {
        if (grouping == GapGrouping.Municipality)
        {
            // The municipality a local government is: its NIS code, so that a merged one (Kortessem into Hasselt in
            // 2025) counts under the municipality that exists now.
            Municipality? municipality = null;
            var named = location.Municipality is { } nis && _geography.TryGetMunicipality(nis, out municipality);
            if (!named) municipality = _geography.MunicipalityOf(location.Point);
            return (municipality is null ? ("unknown", null, "") : (municipality.NameNl ?? municipality.Name, municipality.Nis, municipality.Province), named);
        }
        Place? place = null;
        var resolved = location.Place is { } name && gazetteer.TryResolve(name, out place);
        if (!resolved) place = gazetteer.Nearest(location.Point);
        return ((place!.Province, null, place.Province), resolved);
    }
}
