using Matching.Model;
using Microsoft.Extensions.Time.Testing;

namespace Matching.Tests;

/// <summary>Builders for readable tests: one newcomer and one offer in Gent that match, to vary one field at a time.</summary>
internal static class TestData
{
    public static readonly DateOnly Today = new(2026, 11, 2); // a Monday
    public static readonly GeoPoint Gent = new(51.05, 3.7167);

    public static FakeTimeProvider Clock() => new(new DateTimeOffset(Today.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero));

    public static TimeSlot Slot(DayOfWeek day, string from, string to)
    {
        TimeSlot.TryParseMinute(from, out var f).Should().BeTrue();
        TimeSlot.TryParseMinute(to, out var t).Should().BeTrue();
        return new TimeSlot(day, f, t);
    }

    public static Newcomer Newcomer(string id = "nc-1") => new()
    {
        Id = id,
        DutchLevel = CefrLevel.A2,
        Languages = ["ar", "en"],
        Interests = ["football", "cooking"],
        Location = new Location(Gent, "Gent"),
        MaxTravelKm = 15,
        Availability = WeeklySlots.Create([Slot(DayOfWeek.Tuesday, "18:00", "21:00"), Slot(DayOfWeek.Wednesday, "14:00", "17:00")]),
        BirthYear = 1994,
        Gender = Gender.Female,
        Goals = [Goal.Work],
        TrajectoryEnd = Today.AddDays(180),
    };

    public static Offer Offer(string id = "offer-1") => new()
    {
        Id = id,
        Kind = OfferKind.LanguageInternship,
        Setting = OfferSetting.CareHome,
        Title = "Taalstage in woonzorgcentrum",
        Organisation = "WZC De Linde",
        Location = new Location(Gent, "Gent"),
        DutchLevel = new LevelRange(CefrLevel.A1, CefrLevel.B1),
        Interests = ["care", "cooking"],
        Schedule = WeeklySlots.Create([Slot(DayOfWeek.Wednesday, "14:00", "17:00")]),
        Capacity = 2,
        Languages = ["en"],
        Hours = 40,
        StartsOn = Today.AddDays(-10),
        EndsOn = Today.AddDays(200),
    };

    /// <summary>A point <paramref name="km"/> north of <paramref name="from"/>.</summary>
    public static GeoPoint North(GeoPoint from, double km) => new(from.Lat + km / (Math.PI * GeoPoint.EarthRadiusKm / 180), from.Lon);
}
