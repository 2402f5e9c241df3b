using System.Collections.Concurrent;
using Matching.Model;
using Matching.Scoring;

namespace Matching.Ranking;

/// <summary>A newcomer compiled for the scan: bitsets, unit vector and precomputed tables. Built once per request.</summary>
internal sealed class NewcomerQuery
{
    /// <summary>Every kind allowed: one bit per <see cref="OfferKind"/>.</summary>
    private const int AllKinds = (1 << EnumCounts.OfferKinds) - 1;
    /// <summary>Relative margin around the travel limit's chord², wider than the rounding between km and chord².</summary>
    private const double ChordSquaredMargin = 1e-9;

    public required int Level { get; init; }
    public required double X { get; init; }
    public required double Y { get; init; }
    public required double Z { get; init; }
    public required double MaxKm { get; init; }
    /// <summary>Below this chord² an offer is surely within the travel limit (km is monotonic in chord²).</summary>
    public required double LimitChordSquaredLow { get; init; }
    /// <summary>Above this chord² an offer is surely beyond the travel limit; between the two, km decides.</summary>
    public required double LimitChordSquaredHigh { get; init; }
    public required int HorizonDays { get; init; }
    public required double DistanceOffsetKm { get; init; }
    public required double GaussSigmaSquared { get; init; }
    public required Bits256 Interests { get; init; }
    public required Bits256 InterestFamily { get; init; }
    public required int InterestCount { get; init; }
    public required Bits256 Languages { get; init; }
    /// <summary>The domains of <see cref="Interests"/> folded to <see cref="OfferIndex.DomainFoldBits"/> bits, for the score's bound.</summary>
    public required int DomainFold { get; init; }
    /// <summary><see cref="Interests"/> folded to <see cref="OfferIndex.InterestFoldBits"/> bits, for the score's bound.</summary>
    public required int InterestFold { get; init; }
    /// <summary><see cref="Languages"/> folded to <see cref="OfferIndex.LanguageFoldBits"/> bits, for the score's bound.</summary>
    public required int LanguageFold { get; init; }
    public required ulong H0 { get; init; }
    public required ulong H1 { get; init; }
    public required ulong H2 { get; init; }
    /// <summary>The half-hours the availability touches (see <see cref="HalfHours"/>).</summary>
    public required HalfHours Cells { get; init; }
    /// <summary>Whether every bound of the availability lies on a half hour, so that <see cref="Cells"/> is exactly it.</summary>
    public required bool OnGrid { get; init; }
    public required int[] Bounds { get; init; }
    /// <summary>The day the newcomer is evaluated on: the later of today and their trajectory's start.</summary>
    public required int TodayDay { get; init; }
    public required int? TrajectoryEndDay { get; init; }
    /// <summary><see cref="TrajectoryEndDay"/> with <see cref="int.MaxValue"/> for an open end (the scan's sentinel).</summary>
    public int TrajectoryEndDayOrOpen => TrajectoryEndDay ?? int.MaxValue;
    public required int Age { get; init; } // -1 when unknown
    public required byte GenderBit { get; init; } // 0 when unspecified
    /// <summary>Gate byte → outcome for this newcomer (see <see cref="OfferIndex.GateTable"/>).</summary>
    public required byte[] GateTable { get; init; }
    /// <summary>Goal score per kind and setting, at <see cref="GoalSlot"/>.</summary>
    public required double[] GoalTable { get; init; }
    public required double BridgingIfShared { get; init; }
    public required double[] Weights { get; init; }
    /// <summary>The profile's learned shapes, or null when the formulas score every criterion.</summary>
    public Shapes? Shapes { get; init; }

    public static NewcomerQuery Compile(Newcomer n, WeightProfile profile, DateOnly today, IReadOnlyCollection<OfferKind>? kinds,
        InterestTaxonomy taxonomy, LanguageRegistry languages, bool ignoreCapacity = false)
    {
        // A registered intake is evaluated as of their start: one date compare per newcomer, and the scan reads only TodayDay.
        today = n.EvaluatedOn(today);
        var (x, y, z) = n.Location.Point.ToUnitVector();
        var interests = taxonomy.MaskOf(n.Interests);
        var langs = languages.MaskOf(n.Languages.Where(l => !string.Equals(l, "nl", StringComparison.OrdinalIgnoreCase)));
        var (h0, h1, h2) = n.Availability.HourMask();
        var cells = n.Availability.HalfHourMask(out var onGrid);
        var kindMask = 0;
        if (kinds is null || kinds.Count == 0) kindMask = AllKinds;
        else foreach (var k in kinds) kindMask |= 1 << (int)k;
        var gateTable = CachedGateTable(kindMask, n.DutchLevel.Ordinal + profile.LevelTolerance, ignoreCapacity);
        var goalMask = 0;
        foreach (var g in n.Goals) goalMask |= 1 << (int)g;
        var goalTable = GoalTables[goalMask] ??= BuildGoalTable(goalMask);
        return new NewcomerQuery
        {
            Level = n.DutchLevel.Ordinal,
            X = x, Y = y, Z = z,
            MaxKm = n.MaxTravelKm,
            LimitChordSquaredLow = ChordLimits(n.MaxTravelKm).Low,
            LimitChordSquaredHigh = ChordLimits(n.MaxTravelKm).High,
            HorizonDays = profile.HorizonDays,
            DistanceOffsetKm = profile.DistanceOffsetKm,
            GaussSigmaSquared = profile.GaussSigmaSquared,
            Interests = interests,
            InterestFamily = taxonomy.FamilyMask(interests),
            InterestCount = interests.Count,
            Languages = langs,
            DomainFold = taxonomy.DomainsOf(interests).Fold(OfferIndex.DomainFoldBits),
            InterestFold = interests.Fold(OfferIndex.InterestFoldBits),
            LanguageFold = langs.Fold(OfferIndex.LanguageFoldBits),
            H0 = h0, H1 = h1, H2 = h2,
            Cells = cells,
            OnGrid = onGrid,
            Bounds = n.Availability.Bounds.ToArray(),
            TodayDay = today.DayNumber,
            TrajectoryEndDay = n.TrajectoryEnd?.DayNumber,
            Age = n.BirthYear is int by ? Formulas.AgeIn(today, by) : -1,
            GenderBit = n.Gender == Gender.Unspecified ? (byte)0 : (byte)(1 << (int)n.Gender),
            GateTable = gateTable,
            GoalTable = goalTable,
            BridgingIfShared = Formulas.BridgingFit(true, n.DutchLevel.Ordinal),
            Weights = profile.Weights.ToArray(),
            Shapes = profile.Shapes,
        };
    }

    // The tables depend on a few small numbers only, so they are built once per process and shared by every query
    // (they are never written after they are built): a compile allocates no 256-byte table, which matters when the
    // reverse ranking and an allocation compile hundreds of thousands of newcomers.
    private static readonly ConcurrentDictionary<int, byte[]> GateTableCache = new();
    private static readonly double[]?[] GoalTables = new double[1 << EnumCounts.Goals][];

    private static byte[] CachedGateTable(int kindMask, int levelWithTolerance, bool ignoreCapacity) =>
        GateTableCache.GetOrAdd((kindMask << 16) | ((levelWithTolerance & 0x7FFF) << 1) | (ignoreCapacity ? 1 : 0),
            _ => OfferIndex.GateTable(kindMask, levelWithTolerance, ignoreCapacity));

    private static double[] BuildGoalTable(int goalMask)
    {
        var goalTable = new double[EnumCounts.KindSettings];
        foreach (var kind in Enum.GetValues<OfferKind>())
        {
            foreach (var setting in Enum.GetValues<OfferSetting>())
            {
                goalTable[GoalSlot((int)kind, (int)setting)] = Formulas.GoalFit(goalMask, kind, setting);
            }
        }
        return goalTable;
    }

    /// <summary>The chord² bounds of a travel limit: below Low surely within it, above High surely beyond (the newcomer index keeps the same).</summary>
    public static (double Low, double High) ChordLimits(double maxKm) =>
        (GeoPoint.KmToChordSquared(maxKm) * (1 - ChordSquaredMargin), GeoPoint.KmToChordSquared(maxKm) * (1 + ChordSquaredMargin));

    /// <summary>Where <see cref="GoalTable"/> holds the goal score of a kind and a setting.</summary>
    public static int GoalSlot(int kind, int setting) => kind * EnumCounts.OfferSettings + setting;
}
