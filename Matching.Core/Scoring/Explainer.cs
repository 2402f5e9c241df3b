using System.Globalization;
using Matching.Model;

namespace Matching.Scoring;

/// <summary>Turns criterion scores and the facts behind them into sentences a case worker can read aloud.</summary>
internal sealed class Explainer(InterestTaxonomy taxonomy, LanguageRegistry languages)
{
    private static readonly string[] DaysNl = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"];
    private static readonly string[] DaysEn = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    private const double MeaningfulScore = 0.5;
    private const int MaxReasons = 4;

    /// <summary>The criteria as the contract shows them; contributions sum to the score.</summary>
    public static List<CriterionScore> Breakdown(ReadOnlySpan<double> scores, WeightProfile profile) => Breakdown(scores, profile.Weights);

    /// <summary>Per criterion, the score, the weight and the contribution, under any weights in criterion order.</summary>
    internal static List<CriterionScore> Breakdown(ReadOnlySpan<double> scores, ReadOnlySpan<double> weights)
    {
        var list = new List<CriterionScore>(Criteria.Count);
        for (var c = 0; c < Criteria.Count; c++) list.Add(new CriterionScore(Criteria.Name((Criterion)c), scores[c], weights[c], weights[c] * scores[c]));
        return list;
    }

    /// <summary>One to four reasons, strongest contribution first.</summary>
    public List<string> Reasons(Newcomer n, Offer o, ReadOnlySpan<double> scores, WeightProfile profile, double km, ReasonLanguage lang)
    {
        var order = new List<(double Contribution, Criterion Criterion)>();
        for (var c = 0; c < Criteria.Count; c++)
        {
            if (scores[c] >= MeaningfulScore && profile.Weights[c] > 0) order.Add((profile.Weights[c] * scores[c], (Criterion)c));
        }
        order.Sort((a, b) => b.Contribution.CompareTo(a.Contribution) is var r && r != 0 ? r : a.Criterion.CompareTo(b.Criterion));

        var reasons = new List<string>(MaxReasons);
        foreach (var (_, criterion) in order)
        {
            if (reasons.Count == MaxReasons) break;
            var sentence = Sentence(criterion, n, o, km, lang);
            if (sentence is not null) reasons.Add(sentence);
        }
        if (reasons.Count == 0) reasons.Add(Sentence(Criterion.Availability, n, o, km, lang) ?? Sentence(Criterion.Distance, n, o, km, lang)!);
        return reasons;
    }

    /// <summary>The sentence for an exclusion, for a pair evaluated on its own.</summary>
    public static string Exclusion(ExclusionReason reason, ReasonLanguage lang) => (reason, lang) switch
    {
        (ExclusionReason.Kind, ReasonLanguage.En) => "This kind of offer was filtered out.",
        (ExclusionReason.Kind, _) => "Dit soort aanbod werd uitgefilterd.",
        (ExclusionReason.Capacity, ReasonLanguage.En) => "No place is free.",
        (ExclusionReason.Capacity, _) => "Er is geen plaats meer vrij.",
        (ExclusionReason.DutchLevel, ReasonLanguage.En) => "The Dutch level is below the offer's minimum.",
        (ExclusionReason.DutchLevel, _) => "Het ERK-niveau Nederlands ligt onder het minimum van het aanbod.",
        (ExclusionReason.Distance, ReasonLanguage.En) => "Further away than the travel limit.",
        (ExclusionReason.Distance, _) => "Verder dan de maximale reisafstand.",
        (ExclusionReason.Age, ReasonLanguage.En) => "Age outside the offer's range.",
        (ExclusionReason.Age, _) => "Leeftijd valt buiten wat het aanbod vraagt.",
        (ExclusionReason.Gender, ReasonLanguage.En) => "The offer is meant for another gender.",
        (ExclusionReason.Gender, _) => "Het aanbod is bedoeld voor een ander geslacht.",
        (ExclusionReason.Time, ReasonLanguage.En) => "Too little common time to do the hours before the end.",
        (ExclusionReason.Time, _) => "Te weinig gemeenschappelijke tijd om de uren te doen voor het einde.",
        _ => "",
    };

    private string? Sentence(Criterion criterion, Newcomer n, Offer o, double km, ReasonLanguage lang)
    {
        var en = lang == ReasonLanguage.En;
        switch (criterion)
        {
            case Criterion.Distance:
                if (o.Remote) return en ? "Can be done remotely" : "Kan op afstand";
                var text = km.ToString("0.0", CultureInfo.InvariantCulture);
                return en ? $"Lives {text} km away" : $"Woont op {text.Replace('.', ',')} km";
            case Criterion.Interests:
            {
                var mine = n.Interests.ToHashSet(StringComparer.Ordinal);
                var exact = o.Interests.Where(mine.Contains).Select(c => taxonomy.Label(c, lang)).ToList();
                if (exact.Count > 0) return (en ? "Shares interest: " : "Deelt interesse: ") + string.Join(", ", exact);
                var myDomains = mine.Select(c => taxonomy.ParentOf(c) ?? c).ToHashSet(StringComparer.Ordinal);
                var related = o.Interests.Select(c => taxonomy.ParentOf(c) ?? c).Where(myDomains.Contains).Distinct()
                    .Select(d => taxonomy.Label(d, lang)).ToList();
                return related.Count == 0 ? null : (en ? "Related interest: " : "Verwante interesse: ") + string.Join(", ", related);
            }
            case Criterion.Availability:
            {
                var common = CommonTimes(n.Availability, o.Schedule, lang);
                return common.Count == 0 ? null : (en ? "Both available: " : "Samen beschikbaar: ") + string.Join(", ", common.Take(2));
            }
            case Criterion.BridgingLanguage:
            {
                var theirs = o.Languages.Select(l => l.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
                var shared = n.Languages.Select(l => l.ToLowerInvariant()).FirstOrDefault(l => l != "nl" && theirs.Contains(l));
                return shared is null ? null : (en ? "Also speaks " : "Spreekt ook ") + languages.Name(shared, lang);
            }
            case Criterion.Language:
            {
                var range = $"{o.DutchLevel.Min}–{o.DutchLevel.Max}";
                return en ? $"Fits Dutch level {n.DutchLevel} (offer {range})" : $"Past bij ERK-niveau {n.DutchLevel} (aanbod {range})";
            }
            case Criterion.Goals:
            {
                var goal = n.Goals.OrderByDescending(g => Formulas.GoalValue(g, o.Kind, o.Setting)).ThenBy(g => g).Cast<Goal?>().FirstOrDefault();
                return goal is null ? null : (en ? "Fits the goal: " : "Past bij het doel: ") + GoalLabel(goal.Value, lang);
            }
            default:
                return null;
        }
    }

    private static string GoalLabel(Goal goal, ReasonLanguage lang) => (goal, lang) switch
    {
        (Goal.Work, ReasonLanguage.En) => "work",
        (Goal.Work, _) => "werk",
        (Goal.Language, ReasonLanguage.En) => "practising Dutch",
        (Goal.Language, _) => "Nederlands oefenen",
        (Goal.Network, ReasonLanguage.En) => "a social network",
        (Goal.Network, _) => "een sociaal netwerk",
        (Goal.Volunteering, ReasonLanguage.En) => "volunteering",
        (Goal.Volunteering, _) => "vrijwilligerswerk",
        (_, ReasonLanguage.En) => "leisure",
        _ => "vrije tijd",
    };

    /// <summary>The common weekly times, split per day: "dinsdag 19:00–21:00".</summary>
    internal static List<string> CommonTimes(WeeklySlots a, WeeklySlots b, ReasonLanguage lang)
    {
        var days = lang == ReasonLanguage.En ? DaysEn : DaysNl;
        var result = new List<string>();
        foreach (var (start, end) in WeeklySlots.Intersect(a.Bounds, b.Bounds))
        {
            for (var s = start; s < end;)
            {
                var day = s / TimeSlot.MinutesPerDay;
                var e = Math.Min(end, (day + 1) * TimeSlot.MinutesPerDay);
                result.Add($"{days[day]} {TimeSlot.FormatMinute(s - day * TimeSlot.MinutesPerDay)}–{TimeSlot.FormatMinute(e - day * TimeSlot.MinutesPerDay)}");
                s = e;
            }
        }
        return result;
    }
}
