using Matching.Model;
using Matching.Scoring;

namespace Matching.Data;

/// <summary>The ground truth's terms for one pair, in logit units; their sum is <see cref="Logit"/>.</summary>
/// <param name="Intercept">β0.</param>
/// <param name="Distance">Minus km × 0.25 at A0/A1 without transport, × 0.08 otherwise; 0 for remote offers.</param>
/// <param name="SharedLanguage">1.2 at A0/A1, 0.5 at A2, 0 above, when the newcomer and the offer share a non-Dutch language.</param>
/// <param name="Interests">1.4 × (1 − 0.5^e), e = interest codes both list exactly.</param>
/// <param name="Slack">0.8 × clamp(ln r, −2, 1.5), r = common time over the time the hours need.</param>
/// <param name="CareDuties">−0.3 with care duties, −1.2 more when the offer is only on evenings and weekends.</param>
/// <param name="Level">−1.5 per level below the offer's minimum; −0.7 per level above the maximum of a taalstage.</param>
/// <param name="Goal">The best of the newcomer's goals for the offer's kind and setting (see <see cref="GroundTruthModel.GoalEffect"/>).</param>
/// <param name="Motivation">The newcomer's hidden motivation.</param>
public readonly record struct GroundTruthTerms(
    double Intercept, double Distance, double SharedLanguage, double Interests, double Slack, double CareDuties, double Level,
    double Goal, double Motivation)
{
    /// <summary>The noise-free logit: the sum of the terms.</summary>
    public double Logit => Intercept + Distance + SharedLanguage + Interests + Slack + CareDuties + Level + Goal + Motivation;
}

/// <summary>
/// The documented ground truth of the outcome history: how likely a newcomer is to complete an offer. It is
/// non-linear (interactions of level and transport, care duties and evening schedules, goals and kinds; saturating
/// interests; logarithmic slack), uses hidden traits (<see cref="HiddenTraits"/>) and is noisy: an outcome is drawn as
/// completed with probability sigmoid(logit + ε), ε ~ N(0, <see cref="NoiseSd"/>²), independently per match.
/// The engine never sees this model; it is the oracle that learned weights are compared with.
/// </summary>
/// <remarks>Stateless and thread-safe. Coefficients are public constants so that reports can quote them.</remarks>
public static class GroundTruthModel
{
    /// <summary>β0, set so that about six in ten of the generated matches complete.</summary>
    public const double Intercept = 0.7;
    /// <summary>Logit lost per km at A0/A1 without transport.</summary>
    public const double DistancePerKmLowLevelNoTransport = 0.25;
    /// <summary>Logit lost per km otherwise.</summary>
    public const double DistancePerKm = 0.08;
    /// <summary>Shared non-Dutch language at A0 or A1.</summary>
    public const double SharedLanguageA0A1 = 1.2;
    /// <summary>Shared non-Dutch language at A2.</summary>
    public const double SharedLanguageA2 = 0.5;
    /// <summary>The most that shared interests add (approached as the count grows; each further code halves the gap).</summary>
    public const double InterestsMax = 1.4;
    /// <summary>Logit per unit of ln(common time ÷ needed time).</summary>
    public const double SlackPerLog = 0.8;
    /// <summary>Lowest ln r counted (r below e^−2 ≈ 0.14, no common time included).</summary>
    public const double SlackLogMin = -2;
    /// <summary>Highest ln r counted (r above e^1.5 ≈ 4.5 adds nothing).</summary>
    public const double SlackLogMax = 1.5;
    /// <summary>Care duties, whatever the offer.</summary>
    public const double CareDutiesBase = -0.3;
    /// <summary>Care duties and an offer that only runs on evenings (from 17:00) and weekends.</summary>
    public const double CareDutiesEveningsWeekends = -1.2;
    /// <summary>Logit per level below the offer's minimum.</summary>
    public const double BelowMinimumPerLevel = -1.5;
    /// <summary>Logit per level above the maximum of a taalstage (practice aimed at beginners bores an advanced speaker).</summary>
    public const double AboveMaximumLanguageInternshipPerLevel = -0.7;
    /// <summary>Standard deviation of the per-match noise on the logit.</summary>
    public const double NoiseSd = 0.7;
    /// <summary>Days assumed when neither the trajectory nor the offer has an end (as the default profile).</summary>
    public const int HorizonDays = 182;

    /// <summary>Every term for one pair on the day of the proposal.</summary>
    public static GroundTruthTerms Terms(Newcomer newcomer, HiddenTraits hidden, Offer offer, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(newcomer);
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(offer);
        if (!string.Equals(newcomer.Id, hidden.NewcomerId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The hidden traits are those of '{hidden.NewcomerId}', not of '{newcomer.Id}'.", nameof(hidden));
        }
        var level = (int)newcomer.DutchLevel.Ordinal;

        var km = offer.Remote ? 0 : GeoPoint.DistanceKm(newcomer.Location.Point, offer.Location.Point);
        var perKm = level <= 1 && !hidden.HasTransport ? DistancePerKmLowLevelNoTransport : DistancePerKm;

        var shared = SharesLanguage(newcomer, offer);
        var sharedTerm = !shared ? 0 : level <= 1 ? SharedLanguageA0A1 : level == 2 ? SharedLanguageA2 : 0;

        var exact = 0;
        foreach (var code in offer.Interests)
        {
            if (Contains(newcomer.Interests, code)) exact++;
        }
        var interests = InterestsMax * (1 - Math.Pow(0.5, exact));

        var overlap = WeeklySlots.OverlapMinutes(newcomer.Availability.Bounds, offer.Schedule.Bounds);
        var days = Formulas.AvailableDays(today.DayNumber, offer.StartsOn?.DayNumber, offer.EndsOn?.DayNumber, newcomer.TrajectoryEnd?.DayNumber, HorizonDays);
        var slack = SlackPerLog * SlackLog(overlap, days, offer.Hours);

        var care = !hidden.CareDuties ? 0 : CareDutiesBase + (EveningsAndWeekendsOnly(offer.Schedule) ? CareDutiesEveningsWeekends : 0);

        var min = (int)offer.DutchLevel.Min.Ordinal;
        var max = (int)offer.DutchLevel.Max.Ordinal;
        var levelTerm = level < min ? BelowMinimumPerLevel * (min - level)
            : level > max && offer.Kind == OfferKind.LanguageInternship ? AboveMaximumLanguageInternshipPerLevel * (level - max)
            : 0;

        var goal = 0.0;
        for (var i = 0; i < newcomer.Goals.Count; i++)
        {
            var effect = GoalEffect(newcomer.Goals[i], offer.Kind, offer.Setting);
            goal = i == 0 ? effect : Math.Max(goal, effect);
        }

        return new GroundTruthTerms(Intercept, -perKm * km, sharedTerm, interests, slack, care, levelTerm, goal, hidden.Motivation);
    }

    /// <summary>The noise-free logit of completing: the sum of <see cref="Terms"/>.</summary>
    public static double Logit(Newcomer newcomer, HiddenTraits hidden, Offer offer, DateOnly today) =>
        Terms(newcomer, hidden, offer, today).Logit;

    /// <summary>
    /// The oracle: the probability that the newcomer completes the offer proposed on <paramref name="today"/>, averaged
    /// over the noise: E[sigmoid(logit + ε)] ≈ sigmoid(logit / √(1 + π·σ²/8)) (the probit approximation, within
    /// 0.01 here). It orders pairs exactly as the logit does, and is calibrated against the drawn outcomes.
    /// </summary>
    public static double CompletionProbability(Newcomer newcomer, HiddenTraits hidden, Offer offer, DateOnly today) =>
        Sigmoid(Logit(newcomer, hidden, offer, today) / NoiseScale);

    /// <summary>1 / (1 + e^−x).</summary>
    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static readonly double NoiseScale = Math.Sqrt(1 + Math.PI * NoiseSd * NoiseSd / 8);

    /// <summary>
    /// The effect of one goal for a kind and setting, in logit units: work favours introductory internships at a company
    /// or local government (+1.0, elsewhere +0.5, volunteering +0.2) and disfavours buddies and introduction trajectories
    /// (−0.4); language favours a taalstage (+0.7) or a buddy (+0.4); network a buddy (+0.6), an introduction trajectory
    /// (+0.5) or volunteering (+0.3); volunteering volunteering (+0.7) or an introduction trajectory (+0.3); leisure an
    /// introduction trajectory at a culture, youth or sport club (+0.8, elsewhere +0.3) or a buddy (+0.2) and disfavours
    /// introductory internships (−0.3); anything else 0. A newcomer with several goals gets the best; without goals, 0.
    /// </summary>
    public static double GoalEffect(Goal goal, OfferKind kind, OfferSetting setting) => goal switch
    {
        Goal.Work => kind switch
        {
            OfferKind.IntroductoryInternship when setting is OfferSetting.Company or OfferSetting.LocalGovernment => 1.0,
            OfferKind.IntroductoryInternship => 0.5,
            OfferKind.Volunteering => 0.2,
            OfferKind.Buddy or OfferKind.IntroductionTrajectory => -0.4,
            _ => 0,
        },
        Goal.Language => kind switch
        {
            OfferKind.LanguageInternship => 0.7,
            OfferKind.Buddy => 0.4,
            _ => 0,
        },
        Goal.Network => kind switch
        {
            OfferKind.Buddy => 0.6,
            OfferKind.IntroductionTrajectory => 0.5,
            OfferKind.Volunteering => 0.3,
            _ => 0,
        },
        Goal.Volunteering => kind switch
        {
            OfferKind.Volunteering => 0.7,
            OfferKind.IntroductionTrajectory => 0.3,
            _ => 0,
        },
        _ => kind switch // leisure
        {
            OfferKind.IntroductionTrajectory when setting is OfferSetting.CultureClub or OfferSetting.YouthClub or OfferSetting.SportClub => 0.8,
            OfferKind.IntroductionTrajectory => 0.3,
            OfferKind.Buddy => 0.2,
            OfferKind.IntroductoryInternship => -0.3,
            _ => 0,
        },
    };

    /// <summary>ln r clamped to [−2, 1.5], r = common minutes per week × days ÷ (hours × 60 × 7); −2 without common time.</summary>
    internal static double SlackLog(long overlapMinutesPerWeek, long days, int hours)
    {
        if (hours <= 0) return SlackLogMax;
        var r = overlapMinutesPerWeek * (double)Math.Max(days, 0) / (hours * 420.0);
        return r <= 0 ? SlackLogMin : Math.Clamp(Math.Log(r), SlackLogMin, SlackLogMax);
    }

    /// <summary>Whether every slot starts at 17:00 or later, or lies in a weekend: the times that care duties take.</summary>
    internal static bool EveningsAndWeekendsOnly(WeeklySlots schedule)
    {
        if (schedule.Slots.Count == 0) return false;
        foreach (var s in schedule.Slots)
        {
            if (s.Day is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && s.FromMinute < 17 * 60) return false;
        }
        return true;
    }

    private static bool SharesLanguage(Newcomer newcomer, Offer offer)
    {
        foreach (var mine in newcomer.Languages)
        {
            if (string.Equals(mine, "nl", StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var theirs in offer.Languages)
            {
                if (string.Equals(mine, theirs, StringComparison.OrdinalIgnoreCase)) return true;
            }
        }
        return false;
    }

    private static bool Contains(IReadOnlyList<string> codes, string code)
    {
        for (var i = 0; i < codes.Count; i++)
        {
            if (string.Equals(codes[i], code, StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
