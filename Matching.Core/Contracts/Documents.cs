using System.Text.Json;
using System.Text.Json.Serialization;

namespace Matching.Contracts;

/// <summary>
/// A location on the wire: a postcode, a postcode with a place, a place name, or coordinates. Coordinates given beside a
/// postcode or place win for the point; the postcode and place still name the municipality and must belong together.
/// </summary>
public sealed class LocationDocument
{
    /// <summary>A Belgian postcode, 4 digits ("9050").</summary>
    public string? Postcode { get; set; }
    /// <summary>A place: a deelgemeente or municipality name (Dutch, French or German; case, accents and hyphens do not
    /// matter), or an alias; with a postcode, one of that postcode's places or its municipality.</summary>
    public string? Place { get; set; }
    /// <summary>Latitude in degrees.</summary>
    public double? Lat { get; set; }
    /// <summary>Longitude in degrees.</summary>
    public double? Lon { get; set; }
    /// <summary>Read-only: the municipality (of 1 January 2025) the location lies in; ignored on writes.</summary>
    public MunicipalityDocument? Municipality { get; set; }
}

/// <summary>A municipality on the wire (read-only).</summary>
public sealed record MunicipalityDocument
{
    /// <summary>The 5-digit NIS code ("44021").</summary>
    public string? Nis { get; set; }
    /// <summary>The Dutch name, else the French or German one ("Gent").</summary>
    public string? Name { get; set; }
}

/// <summary>A weekly slot on the wire: { "day": "tue", "from": "18:00", "to": "21:00" }.</summary>
public sealed class SlotDocument
{
    /// <summary>mon, tue, wed, thu, fri, sat or sun.</summary>
    public string? Day { get; set; }
    /// <summary>Start, HH:mm.</summary>
    public string? From { get; set; }
    /// <summary>End, HH:mm, after the start (24:00 allowed).</summary>
    public string? To { get; set; }
}

/// <summary>An inclusive range of CEFR levels on the wire.</summary>
public sealed class LevelRangeDocument
{
    /// <summary>Lowest level, A0..C2 (default A0).</summary>
    public string? Min { get; set; }
    /// <summary>Highest level, A0..C2 (default C2).</summary>
    public string? Max { get; set; }
}

/// <summary>An inclusive age range on the wire.</summary>
public sealed class AgeRangeDocument
{
    /// <summary>Lowest age (0..120).</summary>
    public int? Min { get; set; }
    /// <summary>Highest age (0..120).</summary>
    public int? Max { get; set; }
}

/// <summary>A newcomer on the wire. There is deliberately no field for a name, address or national number.</summary>
public sealed class NewcomerDocument
{
    /// <summary>The caller's pseudonymous id (read-only: set from the path).</summary>
    public string? Id { get; set; }
    /// <summary>Dutch level A0..C2 (required).</summary>
    public string? DutchLevel { get; set; }
    /// <summary>Languages spoken besides Dutch, as codes (ISO 639-1, or 639-3 where none).</summary>
    public List<string>? Languages { get; set; }
    /// <summary>Interest codes of the taxonomy.</summary>
    public List<string>? Interests { get; set; }
    /// <summary>Where the newcomer lives (required).</summary>
    public LocationDocument? Location { get; set; }
    /// <summary>Travel limit in km (0..300, default 15).</summary>
    public double? MaxTravelKm { get; set; }
    /// <summary>Weekly availability (at least one slot).</summary>
    public List<SlotDocument>? Availability { get; set; }
    /// <summary>Year of birth.</summary>
    public int? BirthYear { get; set; }
    /// <summary>female, male, x or unspecified; only checked against offers that restrict it, never scored.</summary>
    public string? Gender { get; set; }
    /// <summary>work, language, network, volunteering, leisure.</summary>
    public List<string>? Goals { get; set; }
    /// <summary>The day a registered intake reaches the fourth pillar, yyyy-MM-dd, not after trajectoryEnd; absent when already there.</summary>
    public string? TrajectoryStart { get; set; }
    /// <summary>Last day of the trajectory, yyyy-MM-dd.</summary>
    public string? TrajectoryEnd { get; set; }
}

/// <summary>An offer on the wire.</summary>
public sealed class OfferDocument
{
    /// <summary>The caller's id (read-only: set from the path).</summary>
    public string? Id { get; set; }
    /// <summary>buddy, languageInternship, introductoryInternship, volunteering, introductionTrajectory (required).</summary>
    public string? Kind { get; set; }
    /// <summary>company, association, organisation, localGovernment, cultureClub, youthClub, sportClub, careHome, localServiceCentre, neighbourhoodWork (required).</summary>
    public string? Setting { get; set; }
    /// <summary>Title (1..200 characters, required).</summary>
    public string? Title { get; set; }
    /// <summary>Organisation (up to 200 characters).</summary>
    public string? Organisation { get; set; }
    /// <summary>Where it takes place (required).</summary>
    public LocationDocument? Location { get; set; }
    /// <summary>Whether it can be done remotely (default false).</summary>
    public bool? Remote { get; set; }
    /// <summary>The Dutch levels it is meant for (default A0..C2).</summary>
    public LevelRangeDocument? DutchLevel { get; set; }
    /// <summary>Interest codes of the taxonomy.</summary>
    public List<string>? Interests { get; set; }
    /// <summary>Weekly schedule (at least one slot).</summary>
    public List<SlotDocument>? Schedule { get; set; }
    /// <summary>Places (1..10,000, required).</summary>
    public int? Capacity { get; set; }
    /// <summary>Languages spoken there besides Dutch.</summary>
    public List<string>? Languages { get; set; }
    /// <summary>Hours the newcomer does (1..400, default 40).</summary>
    public int? Hours { get; set; }
    /// <summary>First day, yyyy-MM-dd.</summary>
    public string? StartsOn { get; set; }
    /// <summary>Last day, yyyy-MM-dd, not before the first.</summary>
    public string? EndsOn { get; set; }
    /// <summary>The ages it accepts.</summary>
    public AgeRangeDocument? AgeRange { get; set; }
    /// <summary>The genders it accepts; empty for all.</summary>
    public List<string>? Genders { get; set; }
    /// <summary>
    /// What the offer prefers in a newcomer (optional): its own weights over the criteria. Without it the offer ranks
    /// newcomers by the newcomer's score.
    /// </summary>
    public OfferPreferencesDocument? Preferences { get; set; }
}

/// <summary>An offer's preferences on the wire.</summary>
public sealed class OfferPreferencesDocument
{
    /// <summary>
    /// Weight per criterion name (language, interests, distance, availability, bridgingLanguage, goals); relative,
    /// non-negative, at least one above 0; a missing criterion weighs 0. Read back normalised to sum 1.
    /// </summary>
    public Dictionary<string, double>? Weights { get; set; }
}

/// <summary>
/// The JSON settings of every document: camelCase, unknown members refused (so no personal field slips in), and a
/// number only as a JSON number ("12" is refused where the contract declares a number, as the OpenAPI document says).
/// </summary>
public static class DocumentJson
{
    /// <summary>Options for reading and writing documents.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        // The web defaults would read "12" as 12.
        NumberHandling = JsonNumberHandling.Strict,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = 16,
        // Named so that JsonInput can walk the contract (GetTypeInfo) before the first deserialization.
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };
}
