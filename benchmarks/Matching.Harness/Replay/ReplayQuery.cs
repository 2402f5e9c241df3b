using Matching.Data;
using Matching.Model;
using Matching.Scoring;

namespace Matching.Harness.Replay;

/// <summary>The dimensions that metrics are broken down by.</summary>
internal enum GroupDimension
{
    /// <summary>The newcomer's recorded gender (never scored; checked for fairness only).</summary>
    Gender = 0,
    /// <summary>Dutch level A0..C2.</summary>
    DutchLevel = 1,
    /// <summary>The province of the newcomer's place (BRU for the Brussels-Capital Region).</summary>
    Region = 2,
    /// <summary>The first language the newcomer lists (the generator lists the home language first).</summary>
    HomeLanguage = 3,
}

/// <summary>
/// One historical newcomer replayed on the proposal day: every offer feasible for them that day (hard constraints with
/// a tolerance of one Dutch level, places not replayed) with the engine's criterion scores, the raw facts models may
/// use, the oracle's completion probability, and which one was the historical match and how it ended.
/// </summary>
/// <remarks>Immutable once built; arrays are per candidate in <see cref="OfferIds"/> order (ordinal), flattened where several per candidate.</remarks>
internal sealed class ReplayQuery
{
    /// <summary>The newcomer.</summary>
    public required Newcomer Newcomer { get; init; }
    /// <summary>The historical match.</summary>
    public required HistoryRecord Record { get; init; }
    /// <summary>Group of the newcomer per <see cref="GroupDimension"/>.</summary>
    public required string[] Groups { get; init; }
    /// <summary>The candidates' offer ids, in ordinal order (the engine's tie-break).</summary>
    public required string[] OfferIds { get; init; }
    /// <summary><see cref="Scoring.Criteria.Count"/> criterion scores per candidate, the distance with the replay's base decay.</summary>
    public required double[] Criteria { get; init; }
    /// <summary>Great-circle km per candidate.</summary>
    public required double[] Km { get; init; }
    /// <summary>Whether the candidate is remote (distance scores 1).</summary>
    public required bool[] Remote { get; init; }
    /// <summary>Levels the newcomer is below the candidate's minimum (0 or 1 here).</summary>
    public required byte[] LevelsBelow { get; init; }
    /// <summary><see cref="PairFeatures.Count"/> model features per candidate.</summary>
    public required float[] Features { get; init; }
    /// <summary>The raw features the learned shapes read, per candidate (from the engine's kernel).</summary>
    public required PairInputs[] Inputs { get; init; }
    /// <summary>The oracle's completion probability per candidate, or null without hidden traits.</summary>
    public required double[]? Oracle { get; init; }
    /// <summary>Index of the historical match among the candidates, or −1 when it was not feasible in the replay.</summary>
    public required int Matched { get; init; }

    /// <summary>Number of candidates.</summary>
    public int Count => OfferIds.Length;

    /// <summary>Whether the historical match completed.</summary>
    public bool Completed => Record.Outcome == HistoryOutcome.Completed;

    /// <summary>The group of one dimension.</summary>
    public string Group(GroupDimension dimension) => Groups[(int)dimension];

    /// <summary>One candidate's criterion score.</summary>
    public double Criterion(int candidate, Criterion criterion) => Criteria[candidate * Scoring.Criteria.Count + (int)criterion];

    /// <summary>
    /// The same newcomer without the oracle's probabilities: what the learners get, so that none of them can read the
    /// ground truth even by mistake (as if the history had come without hidden.csv).
    /// </summary>
    public ReplayQuery WithoutOracle() => Oracle is null ? this : new ReplayQuery
    {
        Newcomer = Newcomer,
        Record = Record,
        Groups = Groups,
        OfferIds = OfferIds,
        Criteria = Criteria,
        Km = Km,
        Remote = Remote,
        LevelsBelow = LevelsBelow,
        Features = Features,
        Inputs = Inputs,
        Oracle = null,
        Matched = Matched,
    };
}
