using Matching.Allocation;
using Matching.Geo;
using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;

namespace Matching.Tests.Allocation;

/// <summary>
/// The gap report as it was first built, kept as the reference the fast one (<see cref="GapReportBuilder"/>) is tested
/// against: each newcomer's best feasible offers (capacity ignored) as candidates, then the min-cost flow's optimal
/// allocation (placed first, then total score). Exact where no newcomer has more feasible offers than the candidates kept.
/// </summary>
internal sealed class ReferenceGapReportBuilder(MatchingEngine engine, IGazetteer gazetteer)
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
