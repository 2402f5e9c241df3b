using Matching.Model;
using Matching.Validation;

namespace Matching.Scoring;

/// <summary>
/// What an offer (or its organisation) prefers in a newcomer: its own weights over the same criteria. The offer's
/// view of a newcomer is Σ weight × criterion score, over the criterion scores the newcomer's side is scored on, so
/// both sides read the same facts and differ only in what they value. The stable allocation lets each offer keep the
/// proposers it prefers by this view, and the reverse ranking orders an offer's candidates by it.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class OfferPreferences
{
    private readonly double[] _weights;

    private OfferPreferences(double[] weights) => _weights = weights;

    /// <summary>The normalised weight of a criterion (the weights sum to 1).</summary>
    public double Weight(Criterion criterion) => _weights[(int)criterion];

    /// <summary>The normalised weights in criterion order.</summary>
    internal ReadOnlySpan<double> Weights => _weights;

    /// <summary>The offer's view of a newcomer in [0, 1]: its weights over the pair's criterion scores.</summary>
    public double Score(ReadOnlySpan<double> criteria) => CriterionWeights.Dot(_weights, criteria);

    /// <summary>Per criterion, the score, the offer's weight and the contribution to its view: the view explained.</summary>
    public IReadOnlyList<CriterionScore> Breakdown(ReadOnlySpan<double> criteria) => Explainer.Breakdown(criteria, _weights);

    /// <summary>The view explained: the score and each criterion's part of it.</summary>
    public OfferSide View(ReadOnlySpan<double> criteria) => new(Score(criteria), Breakdown(criteria));

    /// <summary>
    /// The sentence that says a candidate list follows the offer's preferences, naming its heaviest criteria, e.g.
    /// "Gerangschikt volgens de voorkeuren van dit aanbod: afstand 60 %, taal 40 %."
    /// </summary>
    public string Sentence(ReasonLanguage language)
    {
        var en = language == ReasonLanguage.En;
        var heaviest = Enumerable.Range(0, _weights.Length).Where(c => _weights[c] > 0).OrderByDescending(c => _weights[c]).ThenBy(c => c).Take(3)
            .Select(c => $"{Label((Criterion)c, en)} {Math.Round(_weights[c] * 100).ToString(System.Globalization.CultureInfo.InvariantCulture)} %");
        return (en ? "Ranked by this offer's own preferences: " : "Gerangschikt volgens de voorkeuren van dit aanbod: ") + string.Join(", ", heaviest) + ".";
    }

    private static string Label(Criterion criterion, bool en) => criterion switch
    {
        Criterion.Language => en ? "Dutch level" : "Nederlands",
        Criterion.Interests => en ? "interests" : "interesses",
        Criterion.Distance => en ? "distance" : "afstand",
        Criterion.Availability => en ? "availability" : "beschikbaarheid",
        Criterion.BridgingLanguage => en ? "shared language" : "gedeelde taal",
        _ => en ? "goals" : "doelen",
    };

    /// <summary>Reads the wire weights (relative, non-negative, at least one above 0); null with errors under <paramref name="field"/> when invalid.</summary>
    public static OfferPreferences? Create(IReadOnlyDictionary<string, double>? weights, string field, ValidationErrors errors) =>
        CriterionWeights.Read(weights, field, errors) is { } vector ? new OfferPreferences(vector) : null;

    /// <summary>The wire form: every criterion's normalised weight by name.</summary>
    public Dictionary<string, double> ToWire() => CriterionWeights.ToWire(_weights);
}
