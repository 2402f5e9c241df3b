using Matching.Model;
using Matching.Scoring;

namespace Matching.Harness.Replay;

/// <summary>
/// The features of a newcomer–offer pair that models learn from: first the six criterion scores of the engine (what a
/// weight profile can weigh), then raw facts the engine also sees (km, level gaps, kind, interest counts, the time
/// ratio, schedule shapes, goals) so that a non-linear model can show what the profile's formulas leave out. Never a
/// hidden trait: a model that learned from those would measure a world the service does not have.
/// </summary>
internal static class PairFeatures
{
    /// <summary>The feature names, in vector order; the first <see cref="Criteria.Count"/> are the criteria.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        .. Criteria.All.Select(Criteria.Name),
        "km", "remote", "dutchLevel", "levelsBelowMin", "levelsAboveMax",
        "kind.buddy", "kind.languageInternship", "kind.introductoryInternship", "kind.volunteering", "kind.introductionTrajectory",
        "setting", "exactInterests", "domainInterests", "logTimeRatio", "sharedLanguage",
        "offerEveningWeekendShare", "newcomerWeekdayDaytimeShare",
        "goal.work", "goal.language", "goal.network", "goal.volunteering", "goal.leisure",
        "maxTravelKm", "hours",
    ];

    /// <summary>Number of features.</summary>
    public static int Count => Names.Count;

    /// <summary>The 17:00 boundary of the evening, in minutes of the day.</summary>
    private const int EveningMinute = 17 * 60;

    /// <summary>Fills the features of one pair into <paramref name="f"/> (at least <see cref="Count"/> long).</summary>
    public static void Fill(Span<float> f, Newcomer n, Offer o, ReadOnlySpan<double> criteria, double km, int overlapMinutesPerWeek, long days,
        InterestTaxonomy taxonomy)
    {
        var i = 0;
        for (var c = 0; c < Criteria.Count; c++) f[i++] = (float)criteria[c];
        var level = n.DutchLevel.Ordinal;
        f[i++] = (float)(o.Remote ? 0 : km);
        f[i++] = o.Remote ? 1 : 0;
        f[i++] = level;
        f[i++] = Math.Max(0, o.DutchLevel.Min.Ordinal - level);
        f[i++] = Math.Max(0, level - o.DutchLevel.Max.Ordinal);
        for (var k = 0; k < 5; k++) f[i++] = (int)o.Kind == k ? 1 : 0;
        f[i++] = (int)o.Setting;
        var (exact, domain) = InterestCounts(n, o, taxonomy);
        f[i++] = exact;
        f[i++] = domain;
        var r = o.Hours <= 0 ? 1 : overlapMinutesPerWeek * (double)Math.Max(days, 0) / (o.Hours * 420.0);
        f[i++] = (float)Math.Clamp(r <= 0 ? -3 : Math.Log(r), -3, 3);
        f[i++] = criteria[(int)Criterion.BridgingLanguage] > 0 || SharesLanguage(n, o) ? 1 : 0;
        f[i++] = (float)EveningWeekendShare(o.Schedule);
        f[i++] = (float)(1 - EveningWeekendShare(n.Availability));
        for (var g = 0; g < 5; g++) f[i++] = n.Goals.Contains((Goal)g) ? 1 : 0;
        f[i++] = (float)n.MaxTravelKm;
        f[i++] = o.Hours;
    }

    /// <summary>Offer interests the newcomer lists exactly, and the others in a domain of the newcomer's (as the engine counts them).</summary>
    internal static (int Exact, int Domain) InterestCounts(Newcomer n, Offer o, InterestTaxonomy taxonomy)
    {
        var mine = n.Interests.Where(taxonomy.Contains).ToHashSet(StringComparer.Ordinal);
        var domains = mine.Select(c => taxonomy.ParentOf(c) ?? c).ToHashSet(StringComparer.Ordinal);
        var exact = 0;
        var domain = 0;
        foreach (var c in o.Interests.Where(taxonomy.Contains).Distinct(StringComparer.Ordinal))
        {
            if (mine.Contains(c)) exact++;
            else if (domains.Contains(taxonomy.ParentOf(c) ?? c)) domain++;
        }
        return (exact, domain);
    }

    /// <summary>The share of weekly minutes on a weekend or from 17:00 on; 0 for no slots.</summary>
    internal static double EveningWeekendShare(WeeklySlots slots)
    {
        var total = 0;
        var evening = 0;
        foreach (var s in slots.Slots)
        {
            var minutes = s.ToMinute - s.FromMinute;
            total += minutes;
            if (s.Day is DayOfWeek.Saturday or DayOfWeek.Sunday) evening += minutes;
            else evening += Math.Max(0, s.ToMinute - Math.Max(s.FromMinute, EveningMinute));
        }
        return total == 0 ? 0 : evening / (double)total;
    }

    private static bool SharesLanguage(Newcomer n, Offer o) =>
        n.Languages.Any(l => !string.Equals(l, "nl", StringComparison.OrdinalIgnoreCase)
            && o.Languages.Contains(l, StringComparer.OrdinalIgnoreCase));
}
