using Matching.Geo;
using Matching.Model;

namespace Matching.Data;

/// <summary>Sizes and seed of a generated demo data set.</summary>
public sealed record DemoDataOptions
{
    /// <summary>Seed of the one random generator; the same seed gives the same data.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Newcomers to generate.</summary>
    public int Newcomers { get; init; } = 2_000;
    /// <summary>Offers to generate.</summary>
    public int Offers { get; init; } = 600;
    /// <summary>The day the data is generated for (trajectory ends and offer periods are around it).</summary>
    public DateOnly Today { get; init; } = new(2026, 11, 1);
}

/// <summary>A generated data set.</summary>
/// <param name="Newcomers">The newcomers.</param>
/// <param name="Offers">The offers.</param>
public sealed record DemoData(IReadOnlyList<Newcomer> Newcomers, IReadOnlyList<Offer> Offers);

/// <summary>
/// Generates realistic Flemish demo data, deterministically by seed: newcomers mostly in the big cities with Dutch
/// levels mostly A0–A2 and the home languages of recent arrivals; offers of every kind and setting with realistic
/// capacities, schedules, level ranges and interests; more supply in the cities, but not in proportion.
/// </summary>
/// <remarks>Not thread-safe (one <see cref="Random"/>); create one per use.</remarks>
public sealed class DemoDataGenerator
{
    // Share of newcomers per city; the rest live anywhere in Flanders. Brussel spreads over its 19 municipalities.
    private static readonly (string Place, double Weight)[] NewcomerCities =
    [
        ("Antwerpen", 24), ("Gent", 13), ("Brussel", 18), ("Leuven", 5), ("Mechelen", 4.5), ("Genk", 3.5), ("Brugge", 3),
        ("Kortrijk", 3), ("Hasselt", 2.5), ("Aalst", 2.5), ("Sint-Niklaas", 2.5), ("Oostende", 2.5), ("Turnhout", 2),
        ("Roeselare", 1.5), ("Vilvoorde", 2), ("Lokeren", 1), ("Beringen", 1), ("Dendermonde", 1),
    ];

    private static readonly string[] BrusselsMunicipalities =
    [
        "Brussel", "Anderlecht", "Elsene", "Etterbeek", "Evere", "Ganshoren", "Jette", "Koekelberg", "Oudergem", "Schaarbeek",
        "Sint-Agatha-Berchem", "Sint-Gillis", "Sint-Jans-Molenbeek", "Sint-Joost-ten-Node", "Sint-Lambrechts-Woluwe",
        "Sint-Pieters-Woluwe", "Ukkel", "Vorst", "Watermaal-Bosvoorde",
    ];

    private static readonly (string Code, double Weight)[] HomeLanguages =
    [
        ("ar", 22), ("ti", 8), ("prs", 7), ("ps", 6), ("so", 5), ("uk", 12), ("ru", 6), ("tr", 6), ("es", 4), ("ro", 5),
        ("ber", 5), ("en", 3), ("fr", 4), ("fa", 3), ("ku", 3), ("am", 2), ("pl", 2), ("bg", 2), ("pt", 2), ("ne", 1),
    ];

    private readonly Random _rng;
    private readonly IGazetteer _gazetteer;
    private readonly BelgianGeography _geography;
    private readonly InterestTaxonomy _taxonomy;
    private readonly DemoDataOptions _options;
    private readonly Place[] _anywhere;
    private readonly Dictionary<string, string[]> _domainMembers;

    /// <summary>Creates a generator over the shipped gazetteer and taxonomy unless others are given.</summary>
    public DemoDataGenerator(DemoDataOptions options, IGazetteer? gazetteer = null, InterestTaxonomy? taxonomy = null)
    {
        _options = options;
        _rng = new Random(options.Seed);
        _gazetteer = gazetteer ?? Gazetteer.Default;
        _geography = BelgianGeography.For(_gazetteer);
        _taxonomy = taxonomy ?? InterestTaxonomy.Default;
        _anywhere = _gazetteer.Places.Where(p => p.Region == "VLG").OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();
        _domainMembers = _taxonomy.Codes
            .Where(c => _taxonomy.ParentOf(c) is not null)
            .GroupBy(c => _taxonomy.ParentOf(c)!)
            .ToDictionary(g => g.Key, g => g.ToArray());
    }

    /// <summary>Generates the whole set.</summary>
    public DemoData Generate()
    {
        var offers = new List<Offer>(_options.Offers);
        for (var i = 0; i < _options.Offers; i++) offers.Add(NextOffer($"offer-{i + 1:D6}"));
        var newcomers = new List<Newcomer>(_options.Newcomers);
        for (var i = 0; i < _options.Newcomers; i++) newcomers.Add(NextNewcomer($"nc-{i + 1:D6}"));
        return new DemoData(newcomers, offers);
    }

    /// <summary>One newcomer.</summary>
    public Newcomer NextNewcomer(string id)
    {
        var place = PickPlace(NewcomerCities, anywhereShare: 0.12);
        var level = CefrLevel.FromOrdinal(Pick([(0, 24.0), (1, 34), (2, 25), (3, 11), (4, 5), (5, 1)]));
        var languages = new List<string> { Pick(HomeLanguages) };
        if (_rng.NextDouble() < 0.25) languages.Add(Pick(HomeLanguages));
        if (_rng.NextDouble() < 0.3) languages.Add(_rng.NextDouble() < 0.6 ? "en" : "fr");
        var profile = Pick([(0, 35.0), (1, 35), (2, 20), (3, 10)]); // parent, worker, flexible, mixed
        var slots = profile switch
        {
            0 => SchoolHours(),
            1 => Evenings(includeSaturday: true),
            2 => Daytime(),
            _ => [.. Evenings(includeSaturday: false), .. SchoolHours().Take(2)],
        };
        var age = 18 + (int)Math.Round(Math.Abs(NextGaussian() * 13) + _rng.Next(0, 8));
        var goals = new List<Goal> { (Goal)Pick([(0, 40.0), (1, 28), (2, 18), (3, 8), (4, 6)]) };
        if (_rng.NextDouble() < 0.35) goals.Add((Goal)_rng.Next(0, 5));
        var maxKm = level.Ordinal == 0 ? Pick([(5, 3.0), (8, 3), (10, 3), (15, 1)]) : Pick([(5, 1.0), (10, 3), (15, 4), (20, 2), (30, 1)]);
        return new Newcomer
        {
            Id = id,
            DutchLevel = level,
            Languages = languages.Distinct().ToList(),
            Interests = Interests(_rng.Next(1, 5)),
            Location = Jitter(place, 2.5),
            MaxTravelKm = maxKm,
            Availability = WeeklySlots.Create(slots),
            BirthYear = _options.Today.Year - Math.Min(age, 70),
            Gender = (Gender)Pick([(1, 48.0), (2, 49), (3, 1), (0, 2)]),
            Goals = goals.Distinct().ToList(),
            TrajectoryEnd = _options.Today.AddDays(_rng.Next(45, 400)),
        };
    }

    /// <summary>One offer.</summary>
    public Offer NextOffer(string id)
    {
        var kind = (OfferKind)Pick([(0, 20.0), (1, 25), (2, 20), (3, 15), (4, 20)]);
        var setting = kind switch
        {
            OfferKind.Buddy => Pick([(OfferSetting.Organisation, 5.0), (OfferSetting.NeighbourhoodWork, 3), (OfferSetting.Association, 2)]),
            OfferKind.LanguageInternship => Pick([(OfferSetting.CareHome, 4.0), (OfferSetting.LocalServiceCentre, 3), (OfferSetting.Organisation, 2), (OfferSetting.Company, 2), (OfferSetting.Association, 1)]),
            OfferKind.IntroductoryInternship => Pick([(OfferSetting.Company, 5.0), (OfferSetting.LocalGovernment, 3), (OfferSetting.Association, 1), (OfferSetting.Organisation, 2)]),
            OfferKind.Volunteering => Pick([(OfferSetting.Organisation, 4.0), (OfferSetting.Association, 3), (OfferSetting.CareHome, 2), (OfferSetting.LocalServiceCentre, 2)]),
            _ => Pick([(OfferSetting.SportClub, 4.0), (OfferSetting.CultureClub, 3), (OfferSetting.YouthClub, 2), (OfferSetting.CareHome, 1), (OfferSetting.LocalServiceCentre, 1), (OfferSetting.NeighbourhoodWork, 2)]),
        };
        var capacity = kind == OfferKind.Buddy ? 1 : setting switch
        {
            OfferSetting.SportClub or OfferSetting.CultureClub or OfferSetting.YouthClub or OfferSetting.NeighbourhoodWork => _rng.Next(2, 11),
            OfferSetting.CareHome or OfferSetting.LocalServiceCentre => _rng.Next(2, 5),
            _ => kind == OfferKind.IntroductoryInternship ? _rng.Next(1, 4) : _rng.Next(1, 6),
        };
        var levels = kind switch
        {
            OfferKind.LanguageInternship => _rng.NextDouble() < 0.6 ? (1, 3) : (2, 4),
            OfferKind.Buddy => _rng.NextDouble() < 0.7 ? (0, 6) : (0, 3),
            OfferKind.IntroductoryInternship => _rng.NextDouble() < 0.6 ? (2, 6) : (3, 6),
            OfferKind.Volunteering => (1, 6),
            _ => (0, 6),
        };
        var place = PickPlace(NewcomerCities.Select(c => (c.Place, Math.Sqrt(c.Weight) * 2.2)).ToArray(), anywhereShare: 0.35);
        var start = _options.Today.AddDays(_rng.Next(-60, 90));
        var schedule = kind == OfferKind.Buddy
            ? (_rng.NextDouble() < 0.5 ? Evenings(includeSaturday: true) : Daytime())
            : OfferSchedule(setting);
        var domains = SettingDomains(setting, kind);
        var interests = new List<string>();
        var count = _rng.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            var domain = domains[_rng.Next(domains.Length)];
            interests.Add(_rng.NextDouble() < 0.12 ? domain : Pick(_domainMembers[domain]));
        }
        var languages = new List<string>();
        if (_rng.NextDouble() < 0.35) languages.Add("en");
        if (_rng.NextDouble() < 0.2) languages.Add("fr");
        if (_rng.NextDouble() < 0.12) languages.Add(Pick(HomeLanguages));
        var placeName = place.Name;
        return new Offer
        {
            Id = id,
            Kind = kind,
            Setting = setting,
            Title = $"{KindTitle(kind)} — {SettingTitle(setting)} {placeName}",
            Organisation = $"{SettingTitle(setting)} {Pick(OrganisationNames)}",
            Location = Jitter(place, 1.5),
            Remote = kind == OfferKind.Buddy && _rng.NextDouble() < 0.08,
            DutchLevel = new LevelRange(CefrLevel.FromOrdinal(levels.Item1), CefrLevel.FromOrdinal(levels.Item2)),
            Interests = interests.Distinct().ToList(),
            Schedule = WeeklySlots.Create(schedule),
            Capacity = capacity,
            Languages = languages.Distinct().ToList(),
            Hours = Pick([(40, 8.0), (20, 1), (60, 1)]),
            StartsOn = start,
            EndsOn = _rng.NextDouble() < 0.3 ? null : start.AddDays(_rng.Next(150, 500)),
            AgeRange = setting == OfferSetting.YouthClub && _rng.NextDouble() < 0.6 ? new AgeRange(18, 30) : null,
            Genders = _rng.NextDouble() < 0.03 ? [Gender.Female] : [],
        };
    }

    private static readonly string[] OrganisationNames =
    [
        "De Linde", "Sint-Jozef", "Den Achtkanter", "De Brug", "Ons Huis", "Het Anker", "De Vlier", "Zonnebloem", "De Schakel",
        "Samen Sterk", "De Kade", "Open Deur", "Het Lindenhof", "De Wegwijzer", "Buurtpunt", "De Horizon", "Het Klavertje",
    ];

    private static string KindTitle(OfferKind kind) => kind switch
    {
        OfferKind.Buddy => "Buddy",
        OfferKind.LanguageInternship => "Taalstage",
        OfferKind.IntroductoryInternship => "Kennismakingsstage",
        OfferKind.Volunteering => "Toeleiding vrijwilligerswerk",
        _ => "Kennismakingstraject",
    };

    private static string SettingTitle(OfferSetting setting) => setting switch
    {
        OfferSetting.Company => "Bedrijf",
        OfferSetting.Association => "Vereniging",
        OfferSetting.Organisation => "Organisatie",
        OfferSetting.LocalGovernment => "Gemeente",
        OfferSetting.CultureClub => "Cultuurvereniging",
        OfferSetting.YouthClub => "Jeugdhuis",
        OfferSetting.SportClub => "Sportclub",
        OfferSetting.CareHome => "WZC",
        OfferSetting.LocalServiceCentre => "LDC",
        _ => "Buurtwerk",
    };

    private static string[] SettingDomains(OfferSetting setting, OfferKind kind) => setting switch
    {
        OfferSetting.SportClub => ["sport"],
        OfferSetting.CultureClub => ["culture", "crafts"],
        OfferSetting.YouthClub => ["youth-work", "sport", "culture"],
        OfferSetting.CareHome => ["care", "food", "culture"],
        OfferSetting.LocalServiceCentre => ["care", "social", "food", "crafts"],
        OfferSetting.NeighbourhoodWork => ["social", "nature", "food"],
        OfferSetting.Company or OfferSetting.LocalGovernment => ["work", "technology"],
        _ => kind == OfferKind.Buddy ? ["social", "languages", "sport", "culture"] : ["social", "nature", "animals", "languages", "work"],
    };

    private List<TimeSlot> OfferSchedule(OfferSetting setting) => setting switch
    {
        OfferSetting.SportClub or OfferSetting.YouthClub or OfferSetting.CultureClub => Evenings(includeSaturday: true),
        OfferSetting.Company or OfferSetting.LocalGovernment => Daytime(),
        _ => _rng.NextDouble() < 0.6 ? SchoolHours() : Evenings(includeSaturday: false),
    };

    private List<TimeSlot> SchoolHours()
    {
        var slots = new List<TimeSlot>();
        foreach (var day in Days(_rng.Next(2, 5), weekdaysOnly: true))
        {
            var from = (9 * 60) + 30 * _rng.Next(0, 3);
            slots.Add(new TimeSlot(day, from, from + 60 * _rng.Next(2, 6)));
        }
        return slots;
    }

    private List<TimeSlot> Evenings(bool includeSaturday)
    {
        var slots = new List<TimeSlot>();
        foreach (var day in Days(_rng.Next(1, 4), weekdaysOnly: true))
        {
            var from = 18 * 60 + 30 * _rng.Next(0, 3);
            slots.Add(new TimeSlot(day, from, Math.Min(from + 60 * _rng.Next(2, 4), 22 * 60)));
        }
        if (includeSaturday && _rng.NextDouble() < 0.6)
        {
            var from = 60 * _rng.Next(9, 14);
            slots.Add(new TimeSlot(DayOfWeek.Saturday, from, from + 60 * _rng.Next(2, 5)));
        }
        return slots;
    }

    private List<TimeSlot> Daytime()
    {
        var slots = new List<TimeSlot>();
        foreach (var day in Days(_rng.Next(2, 6), weekdaysOnly: true))
        {
            var from = 60 * _rng.Next(8, 11);
            slots.Add(new TimeSlot(day, from, from + 60 * _rng.Next(3, 8)));
        }
        return slots;
    }

    private IEnumerable<DayOfWeek> Days(int count, bool weekdaysOnly)
    {
        var days = weekdaysOnly
            ? new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
            : Enum.GetValues<DayOfWeek>();
        return days.OrderBy(_ => _rng.Next()).Take(count).OrderBy(TimeSlot.DayIndex).ToList();
    }

    private List<string> Interests(int count)
    {
        var result = new List<string>();
        var domains = _domainMembers.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        var favourite = domains[_rng.Next(domains.Length)];
        for (var i = 0; i < count; i++)
        {
            var domain = _rng.NextDouble() < 0.5 ? favourite : domains[_rng.Next(domains.Length)];
            result.Add(Pick(_domainMembers[domain]));
        }
        return result.Distinct().ToList();
    }

    private Place PickPlace((string Place, double Weight)[] cities, double anywhereShare)
    {
        if (_rng.NextDouble() < anywhereShare) return _anywhere[_rng.Next(_anywhere.Length)];
        var name = Pick(cities);
        if (name == "Brussel") name = BrusselsMunicipalities[_rng.Next(BrusselsMunicipalities.Length)];
        return _gazetteer.TryResolve(name, out var place) ? place : _anywhere[_rng.Next(_anywhere.Length)];
    }

    private Location Jitter(Place place, double km)
    {
        var dLat = (_rng.NextDouble() * 2 - 1) * km / 111.2;
        var dLon = (_rng.NextDouble() * 2 - 1) * km / (111.2 * Math.Cos(place.Point.Lat * Math.PI / 180));
        // The municipality of the place, as the importer resolves it from the name (not from the jittered point).
        var municipality = _geography.TryResolve(null, place.Name, out var resolved, out _) ? resolved.Municipality.Nis : null;
        return new Location(new GeoPoint(Math.Round(place.Point.Lat + dLat, 5), Math.Round(place.Point.Lon + dLon, 5)), place.Name,
            Municipality: municipality);
    }

    private double NextGaussian()
    {
        var u1 = 1.0 - _rng.NextDouble();
        var u2 = _rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private T Pick<T>(T[] items) => items[_rng.Next(items.Length)];

    private T Pick<T>((T Item, double Weight)[] items)
    {
        var total = 0.0;
        foreach (var (_, w) in items) total += w;
        var x = _rng.NextDouble() * total;
        foreach (var (item, w) in items)
        {
            x -= w;
            if (x < 0) return item;
        }
        return items[^1].Item;
    }
}
