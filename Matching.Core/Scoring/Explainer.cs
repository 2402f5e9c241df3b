using System.Globalization;
using System.Text;
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
        // The meaningful criteria by contribution, strongest first (ties by criterion): an insertion sort of at most
        // Criteria.Count entries on the stack, since this runs for every suggestion of every answer.
        Span<double> contribution = stackalloc double[Criteria.Count];
        Span<int> order = stackalloc int[Criteria.Count];
        var count = 0;
        for (var c = 0; c < Criteria.Count; c++)
        {
            if (scores[c] < MeaningfulScore || profile.Weights[c] <= 0) continue;
            var value = profile.Weights[c] * scores[c];
            var at = count++;
            while (at > 0 && contribution[at - 1] < value) // equal contributions keep criterion order
            {
                contribution[at] = contribution[at - 1];
                order[at] = order[at - 1];
                at--;
            }
            contribution[at] = value;
            order[at] = c;
        }

        var reasons = new List<string>(MaxReasons);
        for (var r = 0; r < count && reasons.Count < MaxReasons; r++)
        {
            if (Sentence((Criterion)order[r], n, o, km, lang) is { } sentence) reasons.Add(sentence);
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
        // Written without LINQ or temporary sets: up to forty sentences are made for every answer.
        var en = lang == ReasonLanguage.En;
        switch (criterion)
        {
            case Criterion.Distance:
                if (o.Remote) return en ? "Can be done remotely" : "Kan op afstand";
                return en
                    ? string.Create(CultureInfo.InvariantCulture, $"Lives {km:0.0} km away")
                    : string.Create(DecimalComma, $"Woont op {km:0.0} km");
            case Criterion.Interests:
            {
                var text = Text;
                text.Clear();
                for (var i = 0; i < o.Interests.Count; i++)
                {
                    var code = o.Interests[i];
                    if (Contains(n.Interests, code)) Append(text, en ? "Shares interest: " : "Deelt interesse: ", taxonomy.Label(code, lang));
                }
                if (text.Length > 0) return text.ToString();
                // The offer's domains (an interest's parent, or a domain itself) that are one of the newcomer's, each once.
                var seen = new List<string>(o.Interests.Count);
                for (var i = 0; i < o.Interests.Count; i++)
                {
                    var domain = taxonomy.ParentOf(o.Interests[i]) ?? o.Interests[i];
                    if (Contains(seen, domain) || !HasDomain(n.Interests, domain)) continue;
                    seen.Add(domain);
                    Append(text, en ? "Related interest: " : "Verwante interesse: ", taxonomy.Label(domain, lang));
                }
                return text.Length == 0 ? null : text.ToString();
            }
            case Criterion.Availability:
                return CommonTimesSentence(n.Availability, o.Schedule, lang);
            case Criterion.BridgingLanguage:
            {
                for (var i = 0; i < n.Languages.Count; i++)
                {
                    var code = n.Languages[i].ToLowerInvariant();
                    if (code == "nl") continue;
                    for (var j = 0; j < o.Languages.Count; j++)
                    {
                        if (string.Equals(o.Languages[j].ToLowerInvariant(), code, StringComparison.Ordinal))
                            return (en ? "Also speaks " : "Spreekt ook ") + languages.Name(code, lang);
                    }
                }
                return null;
            }
            case Criterion.Language:
                return en
                    ? $"Fits Dutch level {n.DutchLevel} (offer {o.DutchLevel.Min}–{o.DutchLevel.Max})"
                    : $"Past bij ERK-niveau {n.DutchLevel} (aanbod {o.DutchLevel.Min}–{o.DutchLevel.Max})";
            case Criterion.Goals:
            {
                // The goal the offer serves best; among equals the first in the enum's order.
                Goal? best = null;
                var bestValue = double.NegativeInfinity;
                for (var i = 0; i < n.Goals.Count; i++)
                {
                    var goal = n.Goals[i];
                    var value = Formulas.GoalValue(goal, o.Kind, o.Setting);
                    if (value > bestValue || (value == bestValue && goal < best)) (best, bestValue) = (goal, value);
                }
                return best is null ? null : (en ? "Fits the goal: " : "Past bij het doel: ") + GoalLabel(best.Value, lang);
            }
            default:
                return null;
        }
    }

    private static readonly NumberFormatInfo DecimalComma = new() { NumberDecimalSeparator = "," };

    // One builder per thread for the interest lists: a sentence is made and copied out before the next one starts.
    [ThreadStatic] private static StringBuilder? _text;
    private static StringBuilder Text => _text ??= new StringBuilder(128);
    private static bool Contains(IReadOnlyList<string> codes, string code)
    {
        for (var i = 0; i < codes.Count; i++)
        {
            if (string.Equals(codes[i], code, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    private bool HasDomain(IReadOnlyList<string> interests, string domain)
    {
        for (var i = 0; i < interests.Count; i++)
        {
            if (string.Equals(taxonomy.ParentOf(interests[i]) ?? interests[i], domain, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>Appends an item to a "Prefix: a, b" list, writing the prefix before the first.</summary>
    private static void Append(StringBuilder text, string prefix, string item) =>
        (text.Length == 0 ? text.Append(prefix) : text.Append(", ")).Append(item);

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
    internal static List<string> CommonTimes(WeeklySlots a, WeeklySlots b, ReasonLanguage lang, int limit = int.MaxValue)
    {
        var days = lang == ReasonLanguage.En ? DaysEn : DaysNl;
        var result = new List<string>(Math.Min(limit, 4));
        // The common intervals of the two sorted bound lists, merged as WeeklySlots.Intersect does, without the list.
        ReadOnlySpan<int> x = a.Bounds, y = b.Bounds;
        for (int i = 0, j = 0; i < x.Length && j < y.Length && result.Count < limit;)
        {
            var start = Math.Max(x[i], y[j]);
            var end = Math.Min(x[i + 1], y[j + 1]);
            if (x[i + 1] < y[j + 1]) i += 2; else j += 2;
            for (var s = start; s < end && result.Count < limit;)
            {
                var day = s / TimeSlot.MinutesPerDay;
                var e = Math.Min(end, (day + 1) * TimeSlot.MinutesPerDay);
                result.Add($"{days[day]} {TimeSlot.FormatMinute(s - day * TimeSlot.MinutesPerDay)}–{TimeSlot.FormatMinute(e - day * TimeSlot.MinutesPerDay)}");
                s = e;
            }
        }
        return result;
    }

    /// <summary>"Samen beschikbaar: dinsdag 19:00–21:00, donderdag 18:00–20:00" — the first two common times — or null.</summary>
    private static string? CommonTimesSentence(WeeklySlots a, WeeklySlots b, ReasonLanguage lang)
    {
        var common = CommonTimes(a, b, lang, limit: 2);
        return common.Count switch
        {
            0 => null,
            1 => (lang == ReasonLanguage.En ? "Both available: " : "Samen beschikbaar: ") + common[0],
            _ => string.Concat(lang == ReasonLanguage.En ? "Both available: " : "Samen beschikbaar: ", common[0], ", ", common[1]),
        };
    }
}
