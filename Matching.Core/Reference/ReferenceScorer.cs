using Matching.Model;
using Matching.Scoring;

namespace Matching.Reference;

/// <summary>
/// The plain, obviously-correct scorer: objects, sets and a minute-by-minute week, no bitsets and no index. It defines
/// what the fast index must compute; tests check that both agree on thousands of random pairs, and the benchmarks use
/// it as the LINQ baseline.
/// </summary>
internal sealed class ReferenceScorer(InterestTaxonomy taxonomy, LanguageRegistry languages)
{
    public (ExclusionReason Reason, double[] Criteria, double Score) Evaluate(
        Newcomer n, Offer o, int held, WeightProfile profile, DateOnly today, IReadOnlyCollection<OfferKind>? kinds)
    {
        (ExclusionReason Reason, double[] Criteria, double Score) none = (ExclusionReason.None, [], 0.0);
        today = n.EvaluatedOn(today); // a registered intake, as of their start
        if (kinds is { Count: > 0 } && !kinds.Contains(o.Kind)) return none with { Reason = ExclusionReason.Kind };
        if (o.Capacity - held <= 0) return none with { Reason = ExclusionReason.Capacity };
        if (n.DutchLevel.Ordinal + profile.LevelTolerance < o.DutchLevel.Min.Ordinal) return none with { Reason = ExclusionReason.DutchLevel };
        var km = GeoPoint.DistanceKm(n.Location.Point, o.Location.Point);
        if (!o.Remote && km > n.MaxTravelKm) return none with { Reason = ExclusionReason.Distance };
        if (o.AgeRange is { } range && n.BirthYear is int birthYear)
        {
            var age = Formulas.AgeIn(today, birthYear);
            if (age < range.Min || age > range.Max) return none with { Reason = ExclusionReason.Age };
        }
        var genders = o.Genders.Where(g => g != Gender.Unspecified).ToList();
        if (genders.Count > 0 && n.Gender != Gender.Unspecified && !genders.Contains(n.Gender)) return none with { Reason = ExclusionReason.Gender };

        var days = Formulas.AvailableDays(today.DayNumber, o.StartsOn?.DayNumber, o.EndsOn?.DayNumber, n.TrajectoryEnd?.DayNumber, profile.HorizonDays);
        var overlap = OverlapMinutes(n.Availability, o.Schedule);
        if (!Formulas.TimeSuffices(overlap, days, o.Hours)) return none with { Reason = ExclusionReason.Time };

        var criteria = new double[Criteria.Count];
        criteria[(int)Criterion.Language] = Formulas.LanguageFit(n.DutchLevel.Ordinal, o.DutchLevel.Min.Ordinal, o.DutchLevel.Max.Ordinal, o.Kind);

        var mine = n.Interests.Where(taxonomy.Contains).ToHashSet(StringComparer.Ordinal);
        var theirs = o.Interests.Where(taxonomy.Contains).ToHashSet(StringComparer.Ordinal);
        var myDomains = mine.Select(c => taxonomy.ParentOf(c) ?? c).ToHashSet(StringComparer.Ordinal);
        var exact = theirs.Count(mine.Contains);
        var partial = theirs.Count(c => !mine.Contains(c) && myDomains.Contains(taxonomy.ParentOf(c) ?? c));
        criteria[(int)Criterion.Interests] = Formulas.InterestFit(exact, partial, mine.Count, theirs.Count);

        criteria[(int)Criterion.Distance] = Formulas.DistanceFit(km, o.Remote, profile.DistanceOffsetKm, profile.GaussSigmaSquared);
        criteria[(int)Criterion.Availability] = Formulas.AvailabilityFit(overlap, days, o.Hours);
        var shared = n.Languages.Select(l => l.ToLowerInvariant()).Where(l => l != "nl" && languages.Contains(l))
            .Intersect(o.Languages.Select(l => l.ToLowerInvariant())).Any();
        criteria[(int)Criterion.BridgingLanguage] = Formulas.BridgingFit(shared, n.DutchLevel.Ordinal);
        var goalMask = n.Goals.Aggregate(0, (m, g) => m | (1 << (int)g));
        criteria[(int)Criterion.Goals] = Formulas.GoalFit(goalMask, o.Kind, o.Setting);
        profile.Shapes?.Apply(criteria, new PairInputs(km, o.Remote, n.DutchLevel.Ordinal, o.DutchLevel.Min.Ordinal, o.DutchLevel.Max.Ordinal,
            o.Kind, exact, criteria[(int)Criterion.Interests], Shapes.TimeRatio(overlap, days, o.Hours), shared, criteria[(int)Criterion.Goals]));

        var score = 0.0;
        for (var c = 0; c < criteria.Length; c++) score += profile.Weights[c] * criteria[c];
        return (ExclusionReason.None, criteria, score);
    }

    /// <summary>Common minutes per week, by marking every minute of the week.</summary>
    public static int OverlapMinutes(WeeklySlots a, WeeklySlots b)
    {
        var week = new bool[WeeklySlots.MinutesPerWeek];
        foreach (var s in a.Slots) for (var m = s.WeekStart; m < s.WeekEnd; m++) week[m] = true;
        var marked = new bool[WeeklySlots.MinutesPerWeek];
        foreach (var s in b.Slots) for (var m = s.WeekStart; m < s.WeekEnd; m++) marked[m] = true;
        var total = 0;
        for (var m = 0; m < week.Length; m++) if (week[m] && marked[m]) total++;
        return total;
    }

    /// <summary>Ranks every offer for a newcomer the straightforward way: LINQ over objects, a full sort.</summary>
    public List<(string OfferId, double Score)> Rank(Newcomer n, IEnumerable<(Offer Offer, int Held)> offers, WeightProfile profile,
        DateOnly today, IReadOnlyCollection<OfferKind>? kinds, int k) =>
        offers
            .Select(x => (x.Offer.Id, Result: Evaluate(n, x.Offer, x.Held, profile, today, kinds)))
            .Where(x => x.Result.Reason == ExclusionReason.None)
            .OrderByDescending(x => x.Result.Score).ThenBy(x => x.Id, StringComparer.Ordinal)
            .Take(k)
            .Select(x => (x.Id, x.Result.Score))
            .ToList();
}
