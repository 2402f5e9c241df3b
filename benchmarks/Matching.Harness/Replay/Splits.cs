namespace Matching.Harness.Replay;

/// <summary>
/// Deterministic splits by newcomer: every query of a newcomer falls on the same side, so that no model is scored on
/// a newcomer it has seen. The order depends only on the seed and the newcomer ids, not on the file order.
/// </summary>
internal static class Splits
{
    /// <summary>The default share of newcomers held out for the final figures.</summary>
    public const double DefaultTestShare = 0.3;

    /// <summary>Splits into a training and a held-out part with about <paramref name="testShare"/> of the newcomers held out.</summary>
    public static (IReadOnlyList<ReplayQuery> Train, IReadOnlyList<ReplayQuery> Test) TrainTest(IReadOnlyList<ReplayQuery> queries, int seed, double testShare = DefaultTestShare)
    {
        if (testShare is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(testShare), "The held-out share must be between 0 and 1.");
        var (position, newcomers) = Shuffle(queries, seed);
        var cut = (int)Math.Round(testShare * newcomers);
        var test = queries.Where((_, i) => position[i] < cut).ToList();
        var train = queries.Where((_, i) => position[i] >= cut).ToList();
        return (train, test);
    }

    /// <summary>K folds for cross-validation: fold f is held out while the others train.</summary>
    public static IReadOnlyList<(IReadOnlyList<ReplayQuery> Train, IReadOnlyList<ReplayQuery> Validate)> Folds(IReadOnlyList<ReplayQuery> queries, int k, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 2);
        // Dealt round-robin from the shuffled order, so that the folds are as even as they can be.
        var (position, _) = Shuffle(queries, seed);
        return Enumerable.Range(0, k)
            .Select(f => ((IReadOnlyList<ReplayQuery>)queries.Where((_, i) => position[i] % k != f).ToList(),
                (IReadOnlyList<ReplayQuery>)queries.Where((_, i) => position[i] % k == f).ToList()))
            .ToList();
    }

    /// <summary>
    /// A smaller history of the same world: the matches of whole newcomers, taken in the order the seed shuffles them,
    /// until at least <paramref name="matches"/> are in. Nested: for one seed the 1,500 are among the 5,000.
    /// </summary>
    public static IReadOnlyList<ReplayQuery> FirstMatches(IReadOnlyList<ReplayQuery> queries, int matches, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(matches);
        if (matches >= queries.Count) return queries;
        var (position, newcomers) = Shuffle(queries, seed);
        var perNewcomer = new int[newcomers];
        foreach (var p in position) perNewcomer[p]++;
        var cut = 0;
        for (var taken = 0; cut < newcomers && taken < matches; cut++) taken += perNewcomer[cut];
        return queries.Where((_, i) => position[i] < cut).ToList();
    }

    /// <summary>Each query's newcomer's position in the newcomers shuffled by the seed (from ordinal id order), and their number.</summary>
    private static (int[] Position, int Newcomers) Shuffle(IReadOnlyList<ReplayQuery> queries, int seed)
    {
        var ids = queries.Select(q => q.Newcomer.Id).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        new Random(seed).Shuffle(ids);
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Length; i++) position[ids[i]] = i;
        return (queries.Select(q => position[q.Newcomer.Id]).ToArray(), ids.Length);
    }
}
