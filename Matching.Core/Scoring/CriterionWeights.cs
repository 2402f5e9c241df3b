using Matching.Model;
using Matching.Validation;

namespace Matching.Scoring;

/// <summary>
/// Weights over the criteria as the wire gives them — a number per criterion name, relative, non-negative — read into
/// a vector in criterion order that sums to exactly 1. One reading for a weight profile and an offer's preferences.
/// </summary>
internal static class CriterionWeights
{
    /// <summary>
    /// The normalised vector, or null with errors under <paramref name="field"/> (e.g. "weights.distance") when a
    /// name is unknown, a weight is negative or not finite, or none is above 0.
    /// </summary>
    public static double[]? Read(IReadOnlyDictionary<string, double>? weights, string field, ValidationErrors errors)
    {
        if (weights is null || weights.Count == 0)
        {
            errors.Add(field, $"Required: a weight for one or more of {Names}.");
            return null;
        }
        var vector = new double[Criteria.Count];
        var valid = true;
        foreach (var (key, value) in weights)
        {
            if (!WireNames.TryParse<Criterion>(key, out var criterion) || Criteria.Name(criterion) != key)
            {
                errors.Add($"{field}.{key}", $"Unknown criterion; known: {Names}.");
                valid = false;
            }
            else if (!double.IsFinite(value) || value < 0)
            {
                errors.Add($"{field}.{key}", "Must be a finite number of at least 0.");
                valid = false;
            }
            else
            {
                vector[(int)criterion] = value;
            }
        }
        if (!valid) return null;
        var sum = vector.Sum();
        if (sum <= 0) { errors.Add(field, "At least one weight must be above 0."); return null; }
        // Finite weights can still overflow the sum (two of 1e308): normalising by infinity would store all zeros.
        if (!double.IsFinite(sum)) { errors.Add(field, "The weights are too large; they are relative, so smaller numbers do."); return null; }
        return Canonical(vector, sum);
    }

    /// <summary>Σ weight × criterion score: a total under these weights (contributions summed).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static double Dot(ReadOnlySpan<double> weights, ReadOnlySpan<double> criteria)
    {
        var total = 0.0;
        for (var c = 0; c < weights.Length; c++) total += weights[c] * criteria[c];
        return total;
    }

    /// <summary>The wire form: every criterion by name, in criterion order.</summary>
    public static Dictionary<string, double> ToWire(ReadOnlySpan<double> weights)
    {
        var wire = new Dictionary<string, double>(Criteria.Count);
        for (var c = 0; c < Criteria.Count; c++) wire[Criteria.Name((Criterion)c)] = weights[c];
        return wire;
    }

    /// <summary>
    /// The weights normalised to whole millionths that add up to exactly one million (largest remainders get the
    /// rounding), so that the stored document reads back as the very same weights: reading <see cref="ToWire"/>'s
    /// form is the identity on weights, whoever reloads them and however often.
    /// </summary>
    private static double[] Canonical(double[] weights, double sum)
    {
        const int Units = 1_000_000;
        var exact = weights.Select(w => w / sum * Units).ToArray();
        var units = exact.Select(Math.Floor).ToArray();
        var missing = Units - (int)units.Sum();
        foreach (var i in Enumerable.Range(0, exact.Length).OrderByDescending(i => exact[i] - units[i]).ThenBy(i => i).Take(missing)) units[i]++;
        return units.Select(u => u / Units).ToArray();
    }

    private static string Names => string.Join(", ", Criteria.All.Select(Criteria.Name));
}
