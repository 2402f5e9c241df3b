using Matching.Service;
using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;

namespace Matching.Data;

/// <summary>Seed, sizes and case-worker behaviour of a generated outcome history.</summary>
public sealed record OutcomeHistoryOptions
{
    /// <summary>Seed; the same options give the same history. The world and the draws use seeds derived from it.</summary>
    public int Seed { get; init; } = 7;
    /// <summary>Past matches to generate (1..1,000,000, default 5,000).</summary>
    public int Matches { get; init; } = 5_000;
    /// <summary>Offers in the history's world (default 0: Matches ÷ 3, at least 50, so that places do not run out).</summary>
    public int Offers { get; init; }
    /// <summary>
    /// Newcomers drawn at most (default 0: 20 × Matches). A drawn newcomer for whom no offer is feasible on the proposal
    /// day is left out of the world; when this many are drawn before <see cref="Matches"/> are made, generation fails.
    /// </summary>
    public int MaxNewcomersDrawn { get; init; }
    /// <summary>The present: outcomes are known by this day (default 2026-11-01).</summary>
    public DateOnly Today { get; init; } = new(2026, 11, 1);
    /// <summary>How far back the history starts, in days (30..3650, default 365); its world is generated for that day.</summary>
    public int PeriodDays { get; init; } = 365;
    /// <summary>Proposals fall on the days [start, start + IntakeDays) (1..PeriodDays, default 120).</summary>
    public int IntakeDays { get; init; } = 120;
    /// <summary>Share of matches a case worker chose from the top of a noisy ranking (0..1, default 0.8); the rest are any feasible offer.</summary>
    public double CaseWorkerShare { get; init; } = 0.8;
    /// <summary>How many of the noisy ranking's top a case worker considers (1..100, default 20).</summary>
    public int CaseWorkerTopK { get; init; } = 20;
    /// <summary>Standard deviation of the noise a case worker's judgement adds to the engine's score (0..1, default 0.08).</summary>
    public double CaseWorkerNoise { get; init; } = 0.08;
    /// <summary>How often an offer's places turn over during the intake (1..10, default 2): it takes at most capacity × this.</summary>
    public int PlacesTurnover { get; init; } = 2;
}

/// <summary>A generated history and the world it happened in.</summary>
/// <param name="Newcomers">The newcomers of the history (each has one record), in record order.</param>
/// <param name="Offers">Every offer of the history's world, chosen or not.</param>
/// <param name="Hidden">The hidden traits of <paramref name="Newcomers"/>, in the same order: the oracle's input, not the engine's.</param>
/// <param name="Records">The past matches with their outcomes.</param>
public sealed record OutcomeHistory(
    IReadOnlyList<Newcomer> Newcomers, IReadOnlyList<Offer> Offers, IReadOnlyList<HiddenTraits> Hidden, IReadOnlyList<HistoryRecord> Records)
{
    /// <summary>The share of records that completed.</summary>
    public double CompletionRate
    {
        get
        {
            if (Records.Count == 0) return 0;
            var completed = 0;
            foreach (var r in Records) if (r.Outcome == HistoryOutcome.Completed) completed++;
            return completed / (double)Records.Count;
        }
    }
}

/// <summary>
/// Generates past matches with outcomes, deterministically by seed: a world of its own (offers and newcomers from
/// <see cref="DemoDataGenerator"/> as of <see cref="OutcomeHistoryOptions.PeriodDays"/> ago), hidden traits per
/// newcomer, one proposal per newcomer on a day of the intake among the offers feasible that day (the engine's hard
/// constraints, with a tolerance of one Dutch level: case workers stretch when nothing fits, and the random picks do
/// too), and an outcome drawn from <see cref="GroundTruthModel"/>. Most proposals are a case worker's pick from the top
/// of a noisy ranking; the rest are any feasible offer, so that learning sees contrast.
/// </summary>
/// <remarks>Not thread-safe; create one per use.</remarks>
public sealed class OutcomeHistoryGenerator
{
    private readonly OutcomeHistoryOptions _options;
    private readonly InterestTaxonomy _taxonomy;
    private readonly LanguageRegistry _languages;

    /// <summary>Creates a generator; the options are checked here.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its documented range.</exception>
    public OutcomeHistoryGenerator(OutcomeHistoryOptions options, InterestTaxonomy? taxonomy = null, LanguageRegistry? languages = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Check(options.Matches is >= 1 and <= 1_000_000, nameof(options.Matches), "1..1,000,000");
        Check(options.Offers is >= 0 and <= 1_000_000, nameof(options.Offers), "0..1,000,000");
        Check(options.MaxNewcomersDrawn >= 0, nameof(options.MaxNewcomersDrawn), "at least 0");
        Check(options.PeriodDays is >= 30 and <= 3650, nameof(options.PeriodDays), "30..3650");
        Check(options.IntakeDays >= 1 && options.IntakeDays <= options.PeriodDays, nameof(options.IntakeDays), "1..PeriodDays");
        Check(options.CaseWorkerShare is >= 0 and <= 1, nameof(options.CaseWorkerShare), "0..1");
        Check(options.CaseWorkerTopK is >= 1 and <= 100, nameof(options.CaseWorkerTopK), "1..100");
        Check(options.CaseWorkerNoise is >= 0 and <= 1, nameof(options.CaseWorkerNoise), "0..1");
        Check(options.PlacesTurnover is >= 1 and <= 10, nameof(options.PlacesTurnover), "1..10");
        _options = options;
        _taxonomy = taxonomy ?? InterestTaxonomy.Default;
        _languages = languages ?? LanguageRegistry.Default;
    }

    /// <summary>The seed of the history's world, derived from the history seed so that it differs from a demo world of the same seed.</summary>
    public static int WorldSeed(int seed) => unchecked(seed * 31 + 1);

    /// <summary>The seed of the proposals and outcomes.</summary>
    public static int DrawSeed(int seed) => unchecked(seed * 31 + 2);

    /// <summary>The seed of the hidden traits.</summary>
    public static int HiddenSeed(int seed) => unchecked(seed * 31 + 3);

    /// <summary>The day the history starts: <see cref="OutcomeHistoryOptions.Today"/> − <see cref="OutcomeHistoryOptions.PeriodDays"/>.</summary>
    public DateOnly Start => _options.Today.AddDays(-_options.PeriodDays);

    /// <summary>Generates the history.</summary>
    /// <exception cref="InvalidOperationException">Too few newcomers had a feasible offer within <see cref="OutcomeHistoryOptions.MaxNewcomersDrawn"/>.</exception>
    public OutcomeHistory Generate()
    {
        var o = _options;
        var start = Start;
        var world = new DemoDataGenerator(new DemoDataOptions { Seed = WorldSeed(o.Seed), Today = start, Newcomers = 0, Offers = 0 }, taxonomy: _taxonomy);
        var offerCount = o.Offers > 0 ? o.Offers : Math.Max(50, (o.Matches + 2) / 3);
        var offers = new List<Offer>(offerCount);
        var byId = new Dictionary<string, Offer>(StringComparer.Ordinal);
        var index = new OfferIndex(_taxonomy, _languages);
        for (var i = 0; i < offerCount; i++)
        {
            var offer = world.NextOffer($"hist-offer-{i + 1:D6}");
            offers.Add(offer);
            byId[offer.Id] = offer;
            // The index sees the places of the whole intake; the world keeps the offer as it is.
            index.Upsert(offer with { Capacity = offer.Capacity * o.PlacesTurnover }, 0);
        }

        var strict = CaseWorkerProfile(levelTolerance: 0);
        var stretched = CaseWorkerProfile(levelTolerance: 1);
        var draws = new Random(DrawSeed(o.Seed));
        var hiddenRng = new Random(HiddenSeed(o.Seed));
        var held = new Dictionary<string, int>(StringComparer.Ordinal);
        var newcomers = new List<Newcomer>(o.Matches);
        var hidden = new List<HiddenTraits>(o.Matches);
        var records = new List<HistoryRecord>(o.Matches);
        var maxDrawn = o.MaxNewcomersDrawn > 0 ? o.MaxNewcomersDrawn : (int)Math.Min(int.MaxValue, 20L * o.Matches);
        Span<int> excluded = stackalloc int[8];
        var drawn = 0;
        while (records.Count < o.Matches)
        {
            if (drawn == maxDrawn)
            {
                throw new InvalidOperationException(
                    $"Only {records.Count} of {o.Matches} matches after drawing {drawn} newcomers: too few feasible offers; raise Offers or MaxNewcomersDrawn.");
            }
            drawn++;
            var n = world.NextNewcomer($"hist-nc-{drawn:D6}");
            var traits = HiddenTraits.Draw(n, hiddenRng);
            var proposedOn = start.AddDays(draws.Next(o.IntakeDays));
            var query = NewcomerQuery.Compile(n, stretched, proposedOn, null, _taxonomy, _languages);
            var feasible = index.Rank(query, index.Count, excluded);
            if (feasible.Count == 0) continue;

            var chosen = byId[Choose(n, proposedOn, feasible, strict, index, draws).Id];
            held[chosen.Id] = held.GetValueOrDefault(chosen.Id) + 1;
            index.SetHeld(chosen.Id, held[chosen.Id]);

            var terms = GroundTruthModel.Terms(n, traits, chosen, proposedOn);
            var noisy = terms.Logit + GroundTruthModel.NoiseSd * Gaussian.Next(draws);
            var completed = draws.NextDouble() < GroundTruthModel.Sigmoid(noisy);
            var record = new HistoryRecord
            {
                MatchId = $"hist-m-{records.Count + 1:D6}",
                NewcomerId = n.Id,
                OfferId = chosen.Id,
                ProposedOn = proposedOn,
                Outcome = completed ? HistoryOutcome.Completed : HistoryOutcome.Stopped,
                HoursDone = chosen.Hours,
            };
            if (!completed)
            {
                var reason = DrawStopReason(n, traits, terms, draws);
                record = record with { StopReason = reason, HoursDone = DrawHoursDone(reason, chosen.Hours, draws) };
            }
            newcomers.Add(n);
            hidden.Add(traits);
            records.Add(record);
        }
        return new OutcomeHistory(newcomers, offers, hidden, records);
    }

    /// <summary>The default weights with a tolerance of levels below an offer's minimum: what case workers ranked with.</summary>
    private static WeightProfile CaseWorkerProfile(int levelTolerance)
    {
        var document = WeightProfile.Default.ToDocument();
        document.Name = "history-case-worker";
        document.LevelTolerance = levelTolerance;
        return WeightProfile.Create(document, out var errors) ?? throw new InvalidOperationException(errors.ToString());
    }

    /// <summary>
    /// A case worker's pick (share <see cref="OutcomeHistoryOptions.CaseWorkerShare"/>): among the offers feasible at the
    /// newcomer's level (one level below only when none is), rank by score + N(0, noise), keep the top K and take the
    /// j-th (0-based) with weight 0.85^j. Otherwise any offer of <paramref name="stretched"/> (feasible within one
    /// level), uniformly.
    /// </summary>
    private Offer Choose(Newcomer n, DateOnly day, List<(double Score, Offer Offer, int Held)> stretched, WeightProfile strict, OfferIndex index, Random rng)
    {
        var o = _options;
        if (rng.NextDouble() >= o.CaseWorkerShare) return stretched[rng.Next(stretched.Count)].Offer;
        Span<int> excluded = stackalloc int[8];
        var atLevel = index.Rank(NewcomerQuery.Compile(n, strict, day, null, _taxonomy, _languages), index.Count, excluded);
        var feasible = atLevel.Count > 0 ? atLevel : stretched;
        var noisy = new (double Score, int Index)[feasible.Count];
        for (var i = 0; i < feasible.Count; i++) noisy[i] = (feasible[i].Score + o.CaseWorkerNoise * Gaussian.Next(rng), i);
        // Ties cannot reorder between runs: the index order (score, then offer id) breaks them.
        Array.Sort(noisy, (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Index.CompareTo(b.Index));
        var k = Math.Min(o.CaseWorkerTopK, noisy.Length);
        var total = 0.0;
        for (var j = 0; j < k; j++) total += Math.Pow(0.85, j);
        var x = rng.NextDouble() * total;
        for (var j = 0; j < k; j++)
        {
            x -= Math.Pow(0.85, j);
            if (x < 0) return feasible[noisy[j].Index].Offer;
        }
        return feasible[noisy[k - 1].Index].Offer;
    }

    /// <summary>The reasons a generated match stops for, in the order of the weights below (the draws depend on it).</summary>
    private static readonly EndReason[] StopReasons =
    [
        EndReason.Work, EndReason.Moved, EndReason.Health, EndReason.CareDuties, EndReason.Schedule, EndReason.Distance,
        EndReason.LostInterest, EndReason.LanguageTooHard, EndReason.Other,
    ];

    /// <summary>
    /// Why a stopped match stopped, with weights from the pair's terms: distance −T_distance; languageTooHard
    /// −T_level + 0.4 at A0/A1 without a shared language; schedule 0.15 + max(0, 0.6 − T_slack); careDuties
    /// 0.4 − T_care with care duties; lostInterest 0.2 + 0.4 × (1.4 − T_interests) + max(0, −T_goal); work 0.3 +
    /// 0.4 with a work goal + 0.1 × level; moved 0.25; health 0.25; other 0.2.
    /// </summary>
    internal static EndReason DrawStopReason(Newcomer n, HiddenTraits h, GroundTruthTerms t, Random rng)
    {
        var level = (int)n.DutchLevel.Ordinal;
        Span<double> w = stackalloc double[StopReasons.Length];
        w[0] = 0.3 + (Has(n.Goals, Goal.Work) ? 0.4 : 0) + 0.1 * level; // work
        w[1] = 0.25; // moved
        w[2] = 0.25; // health
        w[3] = h.CareDuties ? 0.4 - t.CareDuties : 0; // careDuties
        w[4] = 0.15 + Math.Max(0, 0.6 - t.Slack); // schedule
        w[5] = -t.Distance; // distance
        w[6] = 0.2 + 0.4 * (GroundTruthModel.InterestsMax - t.Interests) + Math.Max(0, -t.Goal); // lostInterest
        w[7] = -t.Level + (level <= 1 && t.SharedLanguage == 0 ? 0.4 : 0); // languageTooHard
        w[8] = 0.2; // other
        var total = 0.0;
        foreach (var x in w) total += x;
        var pick = rng.NextDouble() * total;
        for (var i = 0; i < w.Length; i++)
        {
            pick -= w[i];
            if (pick < 0) return StopReasons[i];
        }
        return EndReason.Other;
    }

    /// <summary>
    /// Hours done before stopping: a fraction f of the offer's hours, floored, at most hours − 1. Reasons that show
    /// early (distance, languageTooHard, lostInterest, schedule) have f = 0.05 + 0.5·U²; work f = 0.2 + 0.75·√U (people
    /// find work later on); the others f = 0.05 + 0.9·U, U uniform on [0, 1).
    /// </summary>
    internal static int DrawHoursDone(EndReason reason, int hours, Random rng)
    {
        var u = rng.NextDouble();
        var f = reason switch
        {
            EndReason.Distance or EndReason.LanguageTooHard or EndReason.LostInterest or EndReason.Schedule => 0.05 + 0.5 * u * u,
            EndReason.Work => 0.2 + 0.75 * Math.Sqrt(u),
            _ => 0.05 + 0.9 * u,
        };
        return Math.Clamp((int)Math.Floor(f * hours), 0, Math.Max(0, hours - 1));
    }

    private static bool Has(IReadOnlyList<Goal> goals, Goal goal)
    {
        for (var i = 0; i < goals.Count; i++) if (goals[i] == goal) return true;
        return false;
    }

    private static void Check(bool ok, string name, string range)
    {
        if (!ok) throw new ArgumentOutOfRangeException(name, $"{name} must be {range}.");
    }
}
