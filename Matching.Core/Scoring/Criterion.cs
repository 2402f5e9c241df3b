namespace Matching.Scoring;

/// <summary>The soft criteria, each scored in [0, 1]. Their order is the order of every criterion vector.</summary>
public enum Criterion : byte
{
    /// <summary>Dutch level against the offer's range.</summary>
    Language = 0,
    /// <summary>Interest overlap with partial credit through the taxonomy.</summary>
    Interests = 1,
    /// <summary>Distance with a gauss decay.</summary>
    Distance = 2,
    /// <summary>Slack of the common weekly time over what the hours need.</summary>
    Availability = 3,
    /// <summary>A shared non-Dutch language, worth most at low Dutch levels.</summary>
    BridgingLanguage = 4,
    /// <summary>The newcomer's goals against the offer's kind and setting.</summary>
    Goals = 5,
}

/// <summary>Facts about the criteria.</summary>
public static class Criteria
{
    /// <summary>Number of criteria.</summary>
    public const int Count = 6;

    /// <summary>All criteria in vector order.</summary>
    public static IReadOnlyList<Criterion> All { get; } = Enum.GetValues<Criterion>();

    /// <summary>The wire name, e.g. "bridgingLanguage".</summary>
    public static string Name(Criterion c) => Model.WireNames.Of(c);
}
