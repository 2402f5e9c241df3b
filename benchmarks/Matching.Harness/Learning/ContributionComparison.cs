using Matching.Harness.Evaluation;
using Matching.Harness.Replay;
using Matching.Scoring;

namespace Matching.Harness.Learning;

/// <summary>How much of each model's within-list variation one group of features carries.</summary>
/// <param name="Group">A criterion's name, or <see cref="ContributionComparison.Other"/>.</param>
/// <param name="Shaped">The shaped profile's mean |contribution| (weight × score, centred per newcomer), in its score units.</param>
/// <param name="LightGbm">LightGBM's mean |contribution| (its features' contributions summed, centred per newcomer), in its score units.</param>
/// <param name="ShapedShare">The shaped profile's share: its mean |contribution| over the sum of them.</param>
/// <param name="LightGbmShare">LightGBM's share.</param>
internal sealed record GroupAttribution(string Group, double Shaped, double LightGbm, double ShapedShare, double LightGbmShare);

/// <summary>A candidate where the two models explain their scores most differently.</summary>
/// <param name="NewcomerId">The newcomer.</param>
/// <param name="OfferId">The offer.</param>
/// <param name="ShapedRank">Its rank (1 = first) under the shaped profile.</param>
/// <param name="LightGbmRank">Its rank under LightGBM.</param>
/// <param name="Shaped">The shaped profile's contributions per group, centred per newcomer, in units of its typical total |contribution|.</param>
/// <param name="LightGbm">LightGBM's, in the same kind of units.</param>
/// <param name="Inputs">The pair's raw features.</param>
/// <param name="Disagreement">Σ over groups of |shaped − LightGBM|.</param>
internal sealed record ContributionDisagreement(string NewcomerId, string OfferId, int ShapedRank, int LightGbmRank, double[] Shaped, double[] LightGbm,
    PairInputs Inputs, double Disagreement)
{
    /// <summary>The group where the two differ most.</summary>
    public string LargestGap => ContributionComparison.Groups[Enumerable.Range(0, Shaped.Length).MaxBy(g => Math.Abs(Shaped[g] - LightGbm[g]))];
}

/// <summary>The black box beside the explainable model: attributions per group and the candidates they explain most differently.</summary>
/// <param name="Pairs">Candidates compared.</param>
/// <param name="Groups">Per group, in <see cref="ContributionComparison.Groups"/> order.</param>
/// <param name="Examples">The largest disagreements among candidates either model puts in its top 10, largest first.</param>
internal sealed record ContributionReport(int Pairs, IReadOnlyList<GroupAttribution> Groups, IReadOnlyList<ContributionDisagreement> Examples);

/// <summary>
/// Puts LightGBM's per-prediction feature contributions beside the shaped profile's per-criterion contributions. LightGBM's
/// features are grouped by the criterion they describe (km, remote and the travel limit with distance; the level gaps with
/// language; …; kind, setting and the Dutch level itself, which no single criterion owns, as <see cref="Other"/>). Both
/// are centred per newcomer — a ranking sees only differences within a list, and LightGBM's contributions have no fixed
/// zero — and compared as shares, since the two models score on different scales.
/// </summary>
internal static class ContributionComparison
{
    /// <summary>The group of the features no one criterion owns: kind, setting, the newcomer's Dutch level.</summary>
    public const string Other = "kind, setting, level";

    /// <summary>The groups: the six criteria, then <see cref="Other"/>.</summary>
    public static IReadOnlyList<string> Groups { get; } = [.. Criteria.All.Select(Criteria.Name), Other];

    /// <summary>The group of each of LightGBM's features, in <see cref="PairFeatures.Names"/> order.</summary>
    public static int[] FeatureGroups { get; } = PairFeatures.Names.Select(GroupOf).ToArray();

    private static int GroupOf(string feature) => feature switch
    {
        _ when Criteria.All.Select(Criteria.Name).Contains(feature) => Criteria.All.Select(Criteria.Name).ToList().IndexOf(feature),
        "km" or "remote" or "maxTravelKm" => (int)Criterion.Distance,
        "levelsBelowMin" or "levelsAboveMax" => (int)Criterion.Language,
        "exactInterests" or "domainInterests" => (int)Criterion.Interests,
        "logTimeRatio" or "offerEveningWeekendShare" or "newcomerWeekdayDaytimeShare" or "hours" => (int)Criterion.Availability,
        "sharedLanguage" => (int)Criterion.BridgingLanguage,
        _ when feature.StartsWith("goal.", StringComparison.Ordinal) => (int)Criterion.Goals,
        _ => Criteria.Count,
    };

    /// <summary>Compares the two models on the queries' candidates (those the shaped profile's tolerance keeps).</summary>
    /// <param name="queries">Held-out newcomers.</param>
    /// <param name="shaped">The shaped profile.</param>
    /// <param name="lightGbmScores">LightGBM's score per candidate of each query.</param>
    /// <param name="lightGbmContributions">LightGBM's feature contributions per candidate of each query (<see cref="PairFeatures.Count"/> each).</param>
    /// <param name="examples">How many disagreements to keep.</param>
    public static ContributionReport Compare(IReadOnlyList<ReplayQuery> queries, WeightProfile shaped, double[][] lightGbmScores,
        IReadOnlyList<float[]> lightGbmContributions, int examples = 5)
    {
        var g = Groups.Count;
        var rows = new List<(int Query, int Candidate, double[] A, double[] B)>();
        var score = new double[Criteria.Count];
        for (var i = 0; i < queries.Count; i++)
        {
            var q = queries[i];
            var start = rows.Count;
            for (var c = 0; c < q.Count; c++)
            {
                if (!ProfileRanker.CriterionScores(q, shaped, c, score)) continue;
                var a = new double[g];
                for (var k = 0; k < Criteria.Count; k++) a[k] = shaped.Weight((Criterion)k) * score[k];
                var b = new double[g];
                for (var f = 0; f < PairFeatures.Count; f++) b[FeatureGroups[f]] += lightGbmContributions[i][c * PairFeatures.Count + f];
                rows.Add((i, c, a, b));
            }
            Centre(rows, start);
        }
        var meanA = new double[g];
        var meanB = new double[g];
        foreach (var (_, _, a, b) in rows)
        {
            for (var k = 0; k < g; k++) { meanA[k] += Math.Abs(a[k]); meanB[k] += Math.Abs(b[k]); }
        }
        var n = Math.Max(1, rows.Count);
        for (var k = 0; k < g; k++) { meanA[k] /= n; meanB[k] /= n; }
        var totalA = meanA.Sum();
        var totalB = meanB.Sum();
        var groups = Enumerable.Range(0, g).Select(k => new GroupAttribution(Groups[k], meanA[k], meanB[k],
            totalA > 0 ? meanA[k] / totalA : double.NaN, totalB > 0 ? meanB[k] / totalB : double.NaN)).ToList();

        // Ranks per query under both models, so that the examples are candidates a case worker would see.
        var shapedScores = new ProfileRanker(shaped).ScoreAll(queries);
        var shapedRank = shapedScores.Select(Ranks).ToArray();
        var lgbRank = lightGbmScores.Select(Ranks).ToArray();
        var worst = rows
            .Where(r => shapedRank[r.Query][r.Candidate] <= 10 || lgbRank[r.Query][r.Candidate] <= 10)
            .Select(r =>
            {
                var a = r.A.Select(v => totalA > 0 ? v / totalA : 0).ToArray();
                var b = r.B.Select(v => totalB > 0 ? v / totalB : 0).ToArray();
                var q = queries[r.Query];
                return new ContributionDisagreement(q.Newcomer.Id, q.OfferIds[r.Candidate], shapedRank[r.Query][r.Candidate], lgbRank[r.Query][r.Candidate],
                    a, b, q.Inputs[r.Candidate], a.Zip(b, (x, y) => Math.Abs(x - y)).Sum());
            })
            .OrderByDescending(d => d.Disagreement).ThenBy(d => d.NewcomerId, StringComparer.Ordinal).ThenBy(d => d.OfferId, StringComparer.Ordinal)
            .Take(examples)
            .ToList();
        return new ContributionReport(rows.Count, groups, worst);
    }

    /// <summary>Subtracts each group's mean over one query's rows (from <paramref name="start"/>).</summary>
    private static void Centre(List<(int Query, int Candidate, double[] A, double[] B)> rows, int start)
    {
        var count = rows.Count - start;
        if (count == 0) return;
        var g = rows[start].A.Length;
        for (var k = 0; k < g; k++)
        {
            double sa = 0, sb = 0;
            for (var r = start; r < rows.Count; r++) { sa += rows[r].A[k]; sb += rows[r].B[k]; }
            sa /= count;
            sb /= count;
            for (var r = start; r < rows.Count; r++) { rows[r].A[k] -= sa; rows[r].B[k] -= sb; }
        }
    }

    /// <summary>1-based ranks, higher score first, ties by candidate order (the offer ids' ordinal order, as the engine).</summary>
    private static int[] Ranks(double[] scores)
    {
        var order = Enumerable.Range(0, scores.Length).OrderByDescending(c => scores[c]).ThenBy(c => c).ToArray();
        var ranks = new int[scores.Length];
        for (var r = 0; r < order.Length; r++) ranks[order[r]] = r + 1;
        return ranks;
    }
}
