using System.Globalization;
using Matching.Scoring;
using Matching.Geo;
using Matching.Model;
using Matching.Validation;

namespace Matching.Contracts;

/// <summary>
/// Validates documents into the model and back: the one boundary that the API and the importers share. Every error
/// names its field ("availability[1].to"); nothing is silently dropped.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public sealed class DocumentMapper(IGazetteer gazetteer, InterestTaxonomy taxonomy, LanguageRegistry languages, TimeProvider time)
{
    private static readonly string[] DayCodes = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    private readonly BelgianGeography _geography = BelgianGeography.For(gazetteer);
    private const int MaxListItems = 50;

    /// <summary>The default travel limit when a newcomer gives none, in km.</summary>
    public const double DefaultMaxTravelKm = 15;

    /// <summary>Validates a newcomer; null with errors when invalid.</summary>
    public Newcomer? ToNewcomer(string id, NewcomerDocument? d, out ValidationErrors errors)
    {
        errors = new ValidationErrors();
        if (d is null) { errors.Add("", "A newcomer object is required."); return null; }
        CheckId(id, d.Id, errors);
        var level = Level(d.DutchLevel, "dutchLevel", required: true, errors);
        var langs = Languages(d.Languages, "languages", errors);
        var interests = Interests(d.Interests, "interests", errors);
        var location = Location(d.Location, "location", errors);
        var maxKm = d.MaxTravelKm ?? DefaultMaxTravelKm;
        if (!double.IsFinite(maxKm) || maxKm is < 0 or > Newcomer.TravelKmLimit) errors.Add("maxTravelKm", $"Must be between 0 and {Newcomer.TravelKmLimit} km.");
        var availability = Slots(d.Availability, "availability", errors);
        var year = time.GetUtcNow().Year;
        if (d.BirthYear is int by && (by < 1900 || by > year)) errors.Add("birthYear", $"Must be between 1900 and {year}.");
        var gender = Gender.Unspecified;
        if (d.Gender is not null && !WireNames.TryParse(d.Gender, out gender)) errors.Add("gender", $"Unknown gender; use one of {WireNames.List<Gender>()}.");
        var goals = Enums<Goal>(d.Goals, "goals", errors);
        var start = Date(d.TrajectoryStart, "trajectoryStart", errors);
        var end = Date(d.TrajectoryEnd, "trajectoryEnd", errors);
        if (start is { } s && end is { } e && s > e) errors.Add("trajectoryStart", "Must not be after trajectoryEnd.");
        if (!errors.IsEmpty) return null;
        return new Newcomer
        {
            Id = id,
            DutchLevel = level,
            Languages = langs,
            Interests = interests,
            Location = location!,
            MaxTravelKm = maxKm,
            Availability = availability,
            BirthYear = d.BirthYear,
            Gender = gender,
            Goals = goals,
            TrajectoryStart = start,
            TrajectoryEnd = end,
        };
    }

    /// <summary>Validates an offer; null with errors when invalid.</summary>
    public Offer? ToOffer(string id, OfferDocument? d, out ValidationErrors errors)
    {
        errors = new ValidationErrors();
        if (d is null) { errors.Add("", "An offer object is required."); return null; }
        CheckId(id, d.Id, errors);
        OfferKind kind = default;
        if (d.Kind is null) errors.Add("kind", $"Required: one of {WireNames.List<OfferKind>()}.");
        else if (!WireNames.TryParse(d.Kind, out kind)) errors.Add("kind", $"Unknown kind '{d.Kind}'; use one of {WireNames.List<OfferKind>()}.");
        OfferSetting setting = default;
        if (d.Setting is null) errors.Add("setting", $"Required: one of {WireNames.List<OfferSetting>()}.");
        else if (!WireNames.TryParse(d.Setting, out setting)) errors.Add("setting", $"Unknown setting '{d.Setting}'; use one of {WireNames.List<OfferSetting>()}.");
        if (string.IsNullOrWhiteSpace(d.Title) || d.Title.Length > 200) errors.Add("title", "Required: 1 to 200 characters.");
        if (d.Organisation is { Length: > 200 }) errors.Add("organisation", "At most 200 characters.");
        var location = Location(d.Location, "location", errors);
        var min = d.DutchLevel?.Min is null ? CefrLevel.A0 : Level(d.DutchLevel.Min, "dutchLevel.min", true, errors);
        var max = d.DutchLevel?.Max is null ? CefrLevel.C2 : Level(d.DutchLevel.Max, "dutchLevel.max", true, errors);
        if (min > max) errors.Add("dutchLevel", "min must not be above max.");
        var interests = Interests(d.Interests, "interests", errors);
        var schedule = Slots(d.Schedule, "schedule", errors);
        if (d.Capacity is null) errors.Add("capacity", "Required: 1 to 10000.");
        else if (d.Capacity is < 1 or > 10_000) errors.Add("capacity", "Must be between 1 and 10000.");
        var langs = Languages(d.Languages, "languages", errors);
        var hours = d.Hours ?? 40;
        if (hours is < 1 or > 400) errors.Add("hours", "Must be between 1 and 400.");
        var starts = Date(d.StartsOn, "startsOn", errors);
        var ends = Date(d.EndsOn, "endsOn", errors);
        if (starts is { } s && ends is { } e && e < s) errors.Add("endsOn", "Must not be before startsOn.");
        AgeRange? ages = null;
        if (d.AgeRange is { } ar)
        {
            var amin = ar.Min ?? 0;
            var amax = ar.Max ?? 120;
            if (amin is < 0 or > 120) errors.Add("ageRange.min", "Must be between 0 and 120.");
            if (amax is < 0 or > 120) errors.Add("ageRange.max", "Must be between 0 and 120.");
            if (amin > amax) errors.Add("ageRange", "min must not be above max.");
            ages = new AgeRange(amin, amax);
        }
        var genders = Enums<Gender>(d.Genders, "genders", errors);
        var preferences = d.Preferences is null ? null : OfferPreferences.Create(d.Preferences.Weights, "preferences.weights", errors);
        if (!errors.IsEmpty) return null;
        return new Offer
        {
            Id = id,
            Kind = kind,
            Setting = setting,
            Title = d.Title!.Trim(),
            Organisation = d.Organisation?.Trim(),
            Location = location!,
            Remote = d.Remote ?? false,
            DutchLevel = new LevelRange(min, max),
            Interests = interests,
            Schedule = schedule,
            Capacity = d.Capacity!.Value,
            Languages = langs,
            Hours = hours,
            StartsOn = starts,
            EndsOn = ends,
            AgeRange = ages,
            Genders = genders,
            Preferences = preferences,
        };
    }

    /// <summary>The wire form of a newcomer, with the location resolved.</summary>
    public static NewcomerDocument ToDocument(Newcomer n) => new()
    {
        Id = n.Id,
        DutchLevel = n.DutchLevel.ToString(),
        Languages = [.. n.Languages],
        Interests = [.. n.Interests],
        Location = ToDocument(n.Location),
        MaxTravelKm = n.MaxTravelKm,
        Availability = ToDocuments(n.Availability),
        BirthYear = n.BirthYear,
        Gender = n.Gender == Gender.Unspecified ? null : WireNames.Of(n.Gender),
        Goals = n.Goals.Select(WireNames.Of).ToList(),
        TrajectoryStart = n.TrajectoryStart?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TrajectoryEnd = n.TrajectoryEnd?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    /// <summary>The wire form of an offer, with the location resolved.</summary>
    public static OfferDocument ToDocument(Offer o) => new()
    {
        Id = o.Id,
        Kind = WireNames.Of(o.Kind),
        Setting = WireNames.Of(o.Setting),
        Title = o.Title,
        Organisation = o.Organisation,
        Location = ToDocument(o.Location),
        Remote = o.Remote,
        DutchLevel = new LevelRangeDocument { Min = o.DutchLevel.Min.ToString(), Max = o.DutchLevel.Max.ToString() },
        Interests = [.. o.Interests],
        Schedule = ToDocuments(o.Schedule),
        Capacity = o.Capacity,
        Languages = [.. o.Languages],
        Hours = o.Hours,
        StartsOn = o.StartsOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        EndsOn = o.EndsOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        AgeRange = o.AgeRange is null ? null : new AgeRangeDocument { Min = o.AgeRange.Min, Max = o.AgeRange.Max },
        Genders = o.Genders.Select(WireNames.Of).ToList(),
        Preferences = o.Preferences is null ? null : new OfferPreferencesDocument { Weights = o.Preferences.ToWire() },
    };

    private static LocationDocument ToDocument(Location l) => new()
    {
        Postcode = l.Postcode,
        Place = l.Place,
        Lat = l.Point.Lat,
        Lon = l.Point.Lon,
        Municipality = l.Municipality is { } nis && BelgianGeography.Default.TryGetMunicipality(nis, out var m)
            ? new MunicipalityDocument { Nis = m.Nis, Name = m.Name }
            : null,
    };

    /// <summary>A stored newcomer document, its location's municipality filled in when stored before locations carried one.</summary>
    internal NewcomerDocument ReadStoredNewcomer(string json)
    {
        var document = System.Text.Json.JsonSerializer.Deserialize<NewcomerDocument>(json, DocumentJson.Options)!;
        ResolveMunicipality(document.Location);
        return document;
    }

    /// <summary>A stored offer document, its location's municipality filled in when stored before locations carried one.</summary>
    internal OfferDocument ReadStoredOffer(string json)
    {
        var document = System.Text.Json.JsonSerializer.Deserialize<OfferDocument>(json, DocumentJson.Options)!;
        ResolveMunicipality(document.Location);
        return document;
    }

    /// <summary>Fills in the municipality of a stored location written before locations carried one (it is resolved
    /// from the postcode or place, else from the coordinates, as a write would); leaves any other location as it is.</summary>
    public void ResolveMunicipality(LocationDocument? d)
    {
        if (d is null || d.Municipality is not null) return;
        Municipality? municipality = null;
        if ((d.Postcode is not null || d.Place is not null) && _geography.TryResolve(d.Postcode, d.Place, out var resolved, out _))
        {
            municipality = resolved.Municipality;
        }
        else if (d.Lat is double lat && d.Lon is double lon && double.IsFinite(lat) && double.IsFinite(lon) && lat is >= -90 and <= 90 && lon is >= -180 and <= 180)
        {
            municipality = _geography.MunicipalityOf(new GeoPoint(lat, lon));
        }
        if (municipality is not null) d.Municipality = new MunicipalityDocument { Nis = municipality.Nis, Name = municipality.Name };
    }

    private static List<SlotDocument> ToDocuments(WeeklySlots slots) => slots.Slots
        .Select(s => new SlotDocument
        {
            Day = DayCodes[TimeSlot.DayIndex(s.Day)],
            From = TimeSlot.FormatMinute(s.FromMinute),
            To = TimeSlot.FormatMinute(s.ToMinute),
        })
        .ToList();

    private static void CheckId(string id, string? bodyId, ValidationErrors errors)
    {
        if (!Identifiers.IsValid(id)) errors.Add("id", "Must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'.");
        else if (bodyId is not null && bodyId != id) errors.Add("id", "Differs from the id in the path.");
    }

    private static CefrLevel Level(string? text, string field, bool required, ValidationErrors errors)
    {
        if (text is null)
        {
            if (required) errors.Add(field, "Required: A0, A1, A2, B1, B2, C1 or C2.");
            return default;
        }
        if (CefrLevel.TryParse(text, out var level)) return level;
        errors.Add(field, $"Unknown level '{text}'; use A0, A1, A2, B1, B2, C1 or C2.");
        return default;
    }

    private List<string> Languages(List<string>? codes, string field, ValidationErrors errors)
    {
        var result = new List<string>();
        if (codes is null) return result;
        if (codes.Count > MaxListItems) { errors.Add(field, $"At most {MaxListItems} items."); return result; }
        for (var i = 0; i < codes.Count; i++)
        {
            var canonical = codes[i] is null ? null : languages.Canonical(codes[i]);
            if (canonical is null) errors.Add($"{field}[{i}]", $"Unknown language code '{codes[i]}'.");
            else if (!result.Contains(canonical)) result.Add(canonical);
        }
        return result;
    }

    private List<string> Interests(List<string>? codes, string field, ValidationErrors errors)
    {
        var result = new List<string>();
        if (codes is null) return result;
        if (codes.Count > MaxListItems) { errors.Add(field, $"At most {MaxListItems} items."); return result; }
        for (var i = 0; i < codes.Count; i++)
        {
            var code = codes[i];
            if (code is null || !taxonomy.Contains(code)) errors.Add($"{field}[{i}]", $"Unknown interest code '{code}'.");
            else if (!result.Contains(code)) result.Add(code);
        }
        return result;
    }

    private Location? Location(LocationDocument? d, string field, ValidationErrors errors)
    {
        if (d is null || (d.Postcode is null && d.Place is null && d.Lat is null && d.Lon is null))
        {
            errors.Add(field, "Required: { \"postcode\": \"9050\" }, { \"postcode\": \"9050\", \"place\": \"Ledeberg\" }, { \"place\": \"Ledeberg\" } or { \"lat\": 51.05, \"lon\": 3.72 }.");
            return null;
        }
        // The municipality comes from the postcode and place when given (they must belong together), the point from the
        // coordinates when given; "municipality" on input is read-only and ignored.
        GeoResolution? resolved = null;
        var failed = false;
        if (d.Postcode is not null || d.Place is not null)
        {
            if (!_geography.TryResolve(d.Postcode, d.Place, out resolved, out var problem))
            {
                errors.Add(problem.Field.Length == 0 ? field : $"{field}.{problem.Field}", problem.Message);
                failed = true;
            }
        }
        GeoPoint? point = resolved?.Point;
        if (d.Lat is not null || d.Lon is not null)
        {
            if (d.Lat is not double lat || !double.IsFinite(lat) || lat is < -90 or > 90) { errors.Add($"{field}.lat", "Required with lon: a latitude in [-90, 90]."); failed = true; }
            else if (d.Lon is not double lon || !double.IsFinite(lon) || lon is < -180 or > 180) { errors.Add($"{field}.lon", "Required with lat: a longitude in [-180, 180]."); failed = true; }
            else point = new GeoPoint(lat, lon);
        }
        if (failed) return null;
        if (point is null)
        {
            // Only where the source's centre was withheld (most of Wallonia) and the gazetteer does not know the place.
            errors.Add(field, $"No coordinates are known for {resolved!.Place ?? resolved.Municipality.Name} ({resolved.Municipality.Nis}); give lat and lon too.");
            return null;
        }
        var municipality = resolved?.Municipality ?? _geography.MunicipalityOf(point.Value);
        return new Location(point.Value, resolved?.Place, resolved?.Postcode, municipality?.Nis);
    }

    private static WeeklySlots Slots(List<SlotDocument>? slots, string field, ValidationErrors errors)
    {
        if (slots is null || slots.Count == 0)
        {
            errors.Add(field, "Required: at least one slot like { \"day\": \"tue\", \"from\": \"18:00\", \"to\": \"21:00\" }.");
            return WeeklySlots.Empty;
        }
        if (slots.Count > MaxListItems) { errors.Add(field, $"At most {MaxListItems} slots."); return WeeklySlots.Empty; }
        var result = new List<TimeSlot>(slots.Count);
        for (var i = 0; i < slots.Count; i++)
        {
            var s = slots[i];
            var path = $"{field}[{i}]";
            if (s is null) { errors.Add(path, "A slot object is required."); continue; }
            var day = Array.IndexOf(DayCodes, s.Day?.ToLowerInvariant());
            if (day < 0) errors.Add($"{path}.day", $"Unknown day '{s.Day}'; use {string.Join(", ", DayCodes)}.");
            var fromOk = TimeSlot.TryParseMinute(s.From, out var from);
            var toOk = TimeSlot.TryParseMinute(s.To, out var to);
            if (!fromOk || from >= 1440) errors.Add($"{path}.from", $"'{s.From}' is not a time HH:mm between 00:00 and 23:59.");
            if (!toOk) errors.Add($"{path}.to", $"'{s.To}' is not a time HH:mm between 00:00 and 24:00.");
            else if (fromOk && to <= from) errors.Add($"{path}.to", "Must be after from.");
            if (day >= 0 && fromOk && toOk && from < to && from < 1440) result.Add(new TimeSlot(TimeSlot.DayFromIndex(day), from, to));
        }
        return WeeklySlots.Create(result);
    }

    private static DateOnly? Date(string? text, string field, ValidationErrors errors)
    {
        if (text is null) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        errors.Add(field, $"'{text}' is not a date yyyy-MM-dd.");
        return null;
    }

    private static List<TEnum> Enums<TEnum>(List<string>? values, string field, ValidationErrors errors) where TEnum : struct, Enum
    {
        var result = new List<TEnum>();
        if (values is null) return result;
        if (values.Count > MaxListItems) { errors.Add(field, $"At most {MaxListItems} items."); return result; }
        for (var i = 0; i < values.Count; i++)
        {
            if (WireNames.TryParse<TEnum>(values[i], out var v)) { if (!result.Contains(v)) result.Add(v); }
            else errors.Add($"{field}[{i}]", $"Unknown value '{values[i]}'; use one of {WireNames.List<TEnum>()}.");
        }
        return result;
    }
}
