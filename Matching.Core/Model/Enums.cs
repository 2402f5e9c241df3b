namespace Matching.Model;

/// <summary>The kind of a fourth-pillar offer.</summary>
public enum OfferKind : byte
{
    /// <summary>Buddyproject: a volunteer buddy meets the newcomer.</summary>
    Buddy = 0,
    /// <summary>Taalstage: practising Dutch as a volunteer.</summary>
    LanguageInternship = 1,
    /// <summary>Kennismakingsstage at a company, association, organisation or local government.</summary>
    IntroductoryInternship = 2,
    /// <summary>Toeleidingstraject naar vrijwilligerswerk.</summary>
    Volunteering = 3,
    /// <summary>Kennismakingstraject in a club, care home, service centre or neighbourhood work.</summary>
    IntroductionTrajectory = 4,
}

/// <summary>Where an offer takes place.</summary>
public enum OfferSetting : byte
{
    /// <summary>A company.</summary>
    Company = 0,
    /// <summary>An association (vereniging).</summary>
    Association = 1,
    /// <summary>An organisation.</summary>
    Organisation = 2,
    /// <summary>A local government (lokaal bestuur).</summary>
    LocalGovernment = 3,
    /// <summary>A culture club.</summary>
    CultureClub = 4,
    /// <summary>A youth club.</summary>
    YouthClub = 5,
    /// <summary>A sport club.</summary>
    SportClub = 6,
    /// <summary>A residential care centre (woonzorgcentrum).</summary>
    CareHome = 7,
    /// <summary>A local service centre (lokaal dienstencentrum).</summary>
    LocalServiceCentre = 8,
    /// <summary>Neighbourhood work (buurtwerking).</summary>
    NeighbourhoodWork = 9,
}

/// <summary>A newcomer's gender as the caller records it; only used when an offer restricts it, never scored.</summary>
public enum Gender : byte
{
    /// <summary>Not recorded.</summary>
    Unspecified = 0,
    /// <summary>Female.</summary>
    Female = 1,
    /// <summary>Male.</summary>
    Male = 2,
    /// <summary>Another gender (X).</summary>
    X = 3,
}

/// <summary>What a newcomer wants from the trajectory.</summary>
public enum Goal : byte
{
    /// <summary>Find work.</summary>
    Work = 0,
    /// <summary>Practise Dutch.</summary>
    Language = 1,
    /// <summary>Build a social network.</summary>
    Network = 2,
    /// <summary>Volunteer.</summary>
    Volunteering = 3,
    /// <summary>Leisure: a club, culture, sport.</summary>
    Leisure = 4,
}

/// <summary>Why an offer was excluded for a newcomer. The order is the order in which constraints are checked.</summary>
public enum ExclusionReason : byte
{
    /// <summary>Not excluded.</summary>
    None = 0,
    /// <summary>The caller filtered the offer's kind out.</summary>
    Kind = 1,
    /// <summary>No free place left.</summary>
    Capacity = 2,
    /// <summary>Dutch level below the offer's minimum (beyond the profile's tolerance).</summary>
    DutchLevel = 3,
    /// <summary>Further away than the newcomer's travel limit.</summary>
    Distance = 4,
    /// <summary>Age outside the offer's range.</summary>
    Age = 5,
    /// <summary>Gender not among the offer's genders.</summary>
    Gender = 6,
    /// <summary>Too little common time to do the hours before the trajectory or the offer ends.</summary>
    Time = 7,
}

/// <summary>
/// How many values the model's enums have, for tables indexed by value: each enum's values run 0..count − 1 (the
/// last value + 1; a test holds every count to the enum).
/// </summary>
internal static class EnumCounts
{
    /// <summary>Offer kinds.</summary>
    public const int OfferKinds = (int)OfferKind.IntroductionTrajectory + 1;
    /// <summary>Offer settings.</summary>
    public const int OfferSettings = (int)OfferSetting.NeighbourhoodWork + 1;
    /// <summary>Kind × setting pairs.</summary>
    public const int KindSettings = OfferKinds * OfferSettings;
    /// <summary>Goals.</summary>
    public const int Goals = (int)Goal.Leisure + 1;
    /// <summary>Exclusion reasons, <see cref="ExclusionReason.None"/> included: the length of a count per reason.</summary>
    public const int ExclusionReasons = (int)ExclusionReason.Time + 1;
}

/// <summary>The names used on the wire for enums (camelCase), in both directions.</summary>
internal static class WireNames
{
    /// <summary>The camelCase wire name of an enum value.</summary>
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum =>
        Names<TEnum>.ByValue.TryGetValue(value, out var name) ? name : Make(value);

    private static string Make<TEnum>(TEnum value) where TEnum : struct, Enum
    {
        var name = value.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    // Every defined value's wire name, made once per enum: the answers name kinds, settings and reasons many times each.
    private static class Names<TEnum> where TEnum : struct, Enum
    {
        public static readonly System.Collections.Frozen.FrozenDictionary<TEnum, string> ByValue =
            System.Collections.Frozen.FrozenDictionary.ToFrozenDictionary(Enum.GetValues<TEnum>().Distinct(), v => v, Make);
    }

    /// <summary>Parses one camelCase (or any-case) wire name; numbers, lists and names with blanks are refused.</summary>
    public static bool TryParse<TEnum>(string? text, out TEnum value) where TEnum : struct, Enum
    {
        value = default;
        // Letters only: Enum.TryParse alone trims blanks and ORs a comma-separated list, so "buddy,volunteering"
        // would silently become volunteering and "en\t" en, where the contract says an unknown value is a 400.
        if (string.IsNullOrEmpty(text) || text.AsSpan().ContainsAnyExcept(AsciiLetters)) return false;
        return Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value);
    }

    private static readonly System.Buffers.SearchValues<char> AsciiLetters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>All wire names of an enum, for error messages.</summary>
    public static string List<TEnum>() where TEnum : struct, Enum =>
        string.Join(", ", Enum.GetValues<TEnum>().Select(Of));
}
