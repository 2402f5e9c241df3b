namespace Matching.Model;

/// <summary>A resolved location: coordinates, the postcode and place name when the caller gave them, and the
/// municipality.</summary>
/// <param name="Point">The coordinates.</param>
/// <param name="Place">The canonical name of the place the caller gave (the gazetteer's, else BeST's), or null.</param>
/// <param name="Postcode">The postcode the caller gave, or null.</param>
/// <param name="Municipality">The NIS code of the municipality (of 1 January 2025) it lies in, or null when unknown
/// (a point outside Belgium).</param>
public sealed record Location(GeoPoint Point, string? Place, string? Postcode = null, string? Municipality = null);

/// <summary>An inclusive range of CEFR levels.</summary>
/// <param name="Min">The lowest level the offer is meant for.</param>
/// <param name="Max">The highest level the offer is meant for.</param>
public sealed record LevelRange(CefrLevel Min, CefrLevel Max)
{
    /// <summary>Every level: A0..C2.</summary>
    public static LevelRange All { get; } = new(CefrLevel.A0, CefrLevel.C2);
}

/// <summary>An inclusive age range in years.</summary>
/// <param name="Min">The lowest age, at least 0.</param>
/// <param name="Max">The highest age, at least <paramref name="Min"/>.</param>
public sealed record AgeRange(int Min, int Max);

/// <summary>
/// A newcomer (inburgeraar) as the engine knows them: only the caller's pseudonymous id and the attributes needed
/// to match. No name, address or national number exists in this model.
/// </summary>
/// <remarks>Immutable (init-only) and safe to share between threads.</remarks>
public sealed record Newcomer
{
    /// <summary>The caller's pseudonymous id.</summary>
    public required string Id { get; init; }
    /// <summary>Dutch level.</summary>
    public required CefrLevel DutchLevel { get; init; }
    /// <summary>Languages spoken besides Dutch (codes of the language registry).</summary>
    public IReadOnlyList<string> Languages { get; init; } = [];
    /// <summary>Interest codes of the taxonomy.</summary>
    public IReadOnlyList<string> Interests { get; init; } = [];
    /// <summary>Where the newcomer lives.</summary>
    public required Location Location { get; init; }
    /// <summary>How far the newcomer can travel, in km (0..<see cref="TravelKmLimit"/>).</summary>
    public required double MaxTravelKm { get; init; }

    /// <summary>The largest travel limit the API accepts, in km.</summary>
    public const double TravelKmLimit = 300;
    /// <summary>When the newcomer is available each week.</summary>
    public required WeeklySlots Availability { get; init; }
    /// <summary>Year of birth, when known.</summary>
    public int? BirthYear { get; init; }
    /// <summary>Gender, only checked against an offer's restriction; never scored.</summary>
    public Gender Gender { get; init; }
    /// <summary>What the newcomer wants from the trajectory.</summary>
    public IReadOnlyList<Goal> Goals { get; init; } = [];
    /// <summary>
    /// The day the newcomer reaches the fourth pillar, when it lies ahead (a registered intake), not after
    /// <see cref="TrajectoryEnd"/>; null when already there. The engine evaluates the newcomer as of the later of today
    /// and this day.
    /// </summary>
    public DateOnly? TrajectoryStart { get; init; }
    /// <summary>The last day of the trajectory, when known.</summary>
    public DateOnly? TrajectoryEnd { get; init; }

    /// <summary>The day the newcomer is evaluated on: the later of <paramref name="today"/> and <see cref="TrajectoryStart"/>.</summary>
    internal DateOnly EvaluatedOn(DateOnly today) => TrajectoryStart is { } start && start > today ? start : today;
}

/// <summary>A fourth-pillar offer (aanbod) created by a local government or organisation.</summary>
/// <remarks>Immutable (init-only) and safe to share between threads.</remarks>
public sealed record Offer
{
    /// <summary>The caller's id.</summary>
    public required string Id { get; init; }
    /// <summary>The kind of offer.</summary>
    public required OfferKind Kind { get; init; }
    /// <summary>Where it takes place.</summary>
    public required OfferSetting Setting { get; init; }
    /// <summary>A short title.</summary>
    public required string Title { get; init; }
    /// <summary>The organisation that offers it.</summary>
    public string? Organisation { get; init; }
    /// <summary>Where it takes place.</summary>
    public required Location Location { get; init; }
    /// <summary>Whether it can be done remotely (then distance does not exclude it).</summary>
    public bool Remote { get; init; }
    /// <summary>The Dutch levels it is meant for.</summary>
    public LevelRange DutchLevel { get; init; } = LevelRange.All;
    /// <summary>Interest codes of the taxonomy.</summary>
    public IReadOnlyList<string> Interests { get; init; } = [];
    /// <summary>When it happens each week.</summary>
    public required WeeklySlots Schedule { get; init; }
    /// <summary>How many newcomers it takes at once (1..10,000).</summary>
    public required int Capacity { get; init; }
    /// <summary>Languages spoken there besides Dutch.</summary>
    public IReadOnlyList<string> Languages { get; init; } = [];
    /// <summary>Hours the newcomer does (default 40).</summary>
    public int Hours { get; init; } = 40;
    /// <summary>First day, when it has one.</summary>
    public DateOnly? StartsOn { get; init; }
    /// <summary>Last day, when it has one.</summary>
    public DateOnly? EndsOn { get; init; }
    /// <summary>The ages it accepts, when restricted.</summary>
    public AgeRange? AgeRange { get; init; }
    /// <summary>The genders it accepts; empty for all.</summary>
    public IReadOnlyList<Gender> Genders { get; init; } = [];
    /// <summary>What the offer prefers in a newcomer, when it says so: the stable mode and the reverse ranking use it.</summary>
    public Scoring.OfferPreferences? Preferences { get; init; }
}
