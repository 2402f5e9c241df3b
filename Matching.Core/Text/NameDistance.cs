namespace Matching.Text;

/// <summary>How far a typed name lies from a known one, for "did you mean" suggestions; both are look-up keys
/// (<see cref="Geo.Gazetteer.Key"/>).</summary>
internal static class NameDistance
{
    /// <summary>The edit distance, or 1 when <paramref name="key"/> (of 3 characters or more) begins
    /// <paramref name="candidate"/>, whichever is less; a value above <paramref name="limit"/> means "too far".</summary>
    /// <remarks>The edit distance is at least the difference in length: the quadratic work is skipped when that alone is
    /// too far, or a 200 KB unknown place would cost seconds of Levenshtein against every name.</remarks>
    public static int Within(string key, string candidate, int limit) =>
        Math.Abs(key.Length - candidate.Length) > limit
            ? PrefixPenalty(key, candidate)
            : Math.Min(Levenshtein(key, candidate), PrefixPenalty(key, candidate));

    private static int PrefixPenalty(string key, string candidate) =>
        key.Length >= 3 && candidate.StartsWith(key, StringComparison.Ordinal) ? 1 : int.MaxValue;

    private static int Levenshtein(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
