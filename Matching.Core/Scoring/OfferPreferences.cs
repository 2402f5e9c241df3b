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

    /// <summary>The offer's view of a newcomer in [0, 1]: its weights over the pair's criterion scores.</summary>
    public double Score(ReadOnlySpan<double> criteria)
    {
        var score = 0.0;
        for (var c = 0; c < _weights.Length; c++) score += _weights[c] * criteria[c];
        return score;
    }

    /// <summary>Per criterion, the score, the offer's weight and the contribution to its view: the view explained.</summary>
    public IReadOnlyList<CriterionScore> Breakdown(ReadOnlySpan<double> criteria) => Explainer.Breakdown(criteria, _weights);

    /// <summary>Reads the wire weights (relative, non-negative, at least one above 0); null with errors under <paramref name="field"/> when invalid.</summary>
    public static OfferPreferences? Create(IReadOnlyDictionary<string, double>? weights, string field, ValidationErrors errors) =>
        CriterionWeights.Read(weights, field, errors) is { } vector ? new OfferPreferences(vector) : null;

    /// <summary>The wire form: every criterion's normalised weight by name.</summary>
    public Dictionary<string, double> ToWire() => CriterionWeights.ToWire(_weights);
}
