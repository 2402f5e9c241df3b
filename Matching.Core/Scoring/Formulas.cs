using System.Runtime.CompilerServices;
using Matching.Model;

namespace Matching.Scoring;

/// <summary>
/// The formulas of the soft criteria, each in [0, 1]. These are the definitions: the offer index and the reference
/// scorer both call them, and differ only in how they derive the inputs (bitsets and merges against plain sets).
/// </summary>
internal static class Formulas
{
    /// <summary>Score lost per level below the offer's minimum (only reachable through the profile's tolerance).</summary>
    public const double BelowRangePenalty = 0.5;
    /// <summary>Score lost per level above the maximum of a taalstage: practice aimed at beginners is worth little to a B2 speaker.</summary>
    public const double AboveRangePenaltyLanguageInternship = 0.35;
    /// <summary>Score lost per level above the maximum of any other kind.</summary>
    public const double AboveRangePenaltyOther = 0.15;
    /// <summary>Interest score when either side lists no interest: nothing to compare, neither good nor bad.</summary>
    public const double NeutralInterest = 0.5;
    /// <summary>Credit of an offer interest that is not the newcomer's but in a domain the newcomer shares.</summary>
    public const double PartialInterestCredit = 0.5;
    /// <summary>Goal score when the newcomer states no goal.</summary>
    public const double NeutralGoal = 0.5;
    /// <summary>Availability: the score when the common time exactly covers the hours; the rest is earned by slack up to twice the need.</summary>
    public const double AvailabilityAtExactCover = 0.6;

    // The hours an offer asks, in minutes per week of the days available: hours × 60 × 7 against minutes × days.
    private const long WeekMinutesPerHourPerDay = (long)TimeSlot.MinutesPerHour * TimeSlot.DaysPerWeek;

    /// <summary>Worth of a shared non-Dutch language by Dutch level A0..C2.</summary>
    private static readonly double[] BridgingByLevel = [1.0, 0.9, 0.6, 0.3, 0.15, 0.05, 0.0];

    /// <summary>
    /// Language fit: 1 inside [min, max]; 1 − 0.5 per level below min; above max 1 − 0.35 per level for a taalstage,
    /// 1 − 0.15 per level otherwise; never below 0.
    /// </summary>
    public static double LanguageFit(int level, int min, int max, OfferKind kind)
    {
        if (level < min) return Math.Max(0, 1 - BelowRangePenalty * (min - level));
        if (level <= max) return 1;
        var per = kind == OfferKind.LanguageInternship ? AboveRangePenaltyLanguageInternship : AboveRangePenaltyOther;
        return Math.Max(0, 1 - per * (level - max));
    }

    /// <summary>
    /// Interest fit: (exact + 0.5 × partial) / min(|newcomer|, |offer|), capped at 1, where exact counts the offer's
    /// interests the newcomer lists and partial the other offer interests in a domain of the newcomer's interests
    /// (a listed domain code counts as its whole domain). 0.5 when either side lists none.
    /// </summary>
    public static double InterestFit(int exact, int partial, int newcomerCount, int offerCount)
    {
        if (newcomerCount == 0 || offerCount == 0) return NeutralInterest;
        var best = Math.Min(newcomerCount, offerCount);
        return Math.Min(1.0, (exact + PartialInterestCredit * partial) / best);
    }

    /// <summary>
    /// Distance fit: 1 for a remote offer; otherwise a gauss decay exp(−d²/2σ²) of d = max(0, km − offset), with σ
    /// chosen so that the score is <c>decay</c> at d = scale.
    /// </summary>
    public static double DistanceFit(double km, bool remote, double offsetKm, double sigmaSquared)
    {
        if (remote) return 1;
        var d = Math.Max(0, km - offsetKm);
        return Math.Exp(-(d * d) / (2 * sigmaSquared));
    }

    /// <summary>
    /// Availability fit from r = common minutes per week × days ÷ (hours × 60 × 7), the share of the needed weekly
    /// time that the overlap covers: 0.6 × min(r, 1) + 0.4 × clamp(r − 1, 0, 1). Exactly enough time scores 0.6,
    /// twice the need or more scores 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double AvailabilityFit(long overlapMinutesPerWeek, long days, int hours)
    {
        if (hours <= 0) return 1;
        var r = overlapMinutesPerWeek * (double)days / (hours * WeekMinutesPerHourPerDay);
        return AvailabilityAtExactCover * Math.Min(r, 1) + (1 - AvailabilityAtExactCover) * Math.Clamp(r - 1, 0, 1);
    }

    /// <summary>The hard time rule in integers: common minutes per week × days ≥ hours × 60 × 7.</summary>
    public static bool TimeSuffices(long overlapMinutesPerWeek, long days, int hours) =>
        days > 0 && overlapMinutesPerWeek * days >= hours * WeekMinutesPerHourPerDay;

    /// <summary>Bridging language: 0 without a shared non-Dutch language; with one, 1.0 at A0, 0.9 A1, 0.6 A2, 0.3 B1, 0.15 B2, 0.05 C1, 0 C2.</summary>
    public static double BridgingFit(bool shared, int level) => shared ? BridgingByLevel[level] : 0;

    /// <summary>Goal fit: the best of the newcomer's goals against the offer (see <see cref="GoalValue"/>); 0.5 without goals.</summary>
    public static double GoalFit(int goalMask, OfferKind kind, OfferSetting setting)
    {
        if (goalMask == 0) return NeutralGoal;
        var best = 0.0;
        for (var g = 0; g < EnumCounts.Goals; g++)
        {
            if ((goalMask & (1 << g)) != 0) best = Math.Max(best, GoalValue((Goal)g, kind, setting));
        }
        return best;
    }

    /// <summary>How well one kind and setting serve one goal; a <c>work</c> goal favours introductory internships at companies and local governments.</summary>
    public static double GoalValue(Goal goal, OfferKind kind, OfferSetting setting) => goal switch
    {
        Goal.Work => kind switch
        {
            OfferKind.IntroductoryInternship when setting is OfferSetting.Company or OfferSetting.LocalGovernment => 1.0,
            OfferKind.IntroductoryInternship => 0.8,
            OfferKind.Volunteering => 0.6,
            OfferKind.LanguageInternship => 0.5,
            _ => 0.3,
        },
        Goal.Language => kind switch
        {
            OfferKind.LanguageInternship => 1.0,
            OfferKind.Buddy => 0.8,
            OfferKind.IntroductoryInternship => 0.5,
            _ => 0.6,
        },
        Goal.Network => kind switch
        {
            OfferKind.Buddy => 1.0,
            OfferKind.IntroductionTrajectory => 0.9,
            OfferKind.Volunteering => 0.8,
            OfferKind.LanguageInternship => 0.6,
            _ => 0.5,
        },
        Goal.Volunteering => kind switch
        {
            OfferKind.Volunteering => 1.0,
            OfferKind.IntroductionTrajectory or OfferKind.LanguageInternship => 0.7,
            _ => 0.4,
        },
        _ => kind switch // leisure
        {
            OfferKind.IntroductionTrajectory when setting is OfferSetting.CultureClub or OfferSetting.YouthClub or OfferSetting.SportClub => 1.0,
            OfferKind.IntroductionTrajectory or OfferKind.Buddy => 0.7,
            OfferKind.Volunteering => 0.5,
            _ => 0.3,
        },
    };

    /// <summary>Age in the calendar year of <paramref name="today"/>: the documented approximation (no birth date is stored).</summary>
    public static int AgeIn(DateOnly today, int birthYear) => today.Year - birthYear;

    /// <summary>
    /// Days in which the hours can be done: from max(today, startsOn) to min(trajectory end, endsOn), both inclusive;
    /// when neither end is known, the profile's horizon from that start.
    /// </summary>
    public static long AvailableDays(int todayDay, int? startsOnDay, int? endsOnDay, int? trajectoryEndDay, int horizonDays) =>
        AvailableDays(todayDay, startsOnDay ?? int.MinValue, endsOnDay ?? int.MaxValue, trajectoryEndDay ?? int.MaxValue, horizonDays);

    /// <summary>
    /// <see cref="AvailableDays(int, int?, int?, int?, int)"/> with the unknown ends as sentinels, for the scan: an open
    /// start is <see cref="int.MinValue"/>, an open end <see cref="int.MaxValue"/> (no real day number comes near either).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long AvailableDays(int todayDay, int startsOnDay, int endsOnDay, int trajectoryEndDay, int horizonDays)
    {
        var start = Math.Max(todayDay, startsOnDay);
        long end = trajectoryEndDay == int.MaxValue && endsOnDay == int.MaxValue ? start + horizonDays - 1 : Math.Min(trajectoryEndDay, endsOnDay);
        return end - start + 1;
    }
}
