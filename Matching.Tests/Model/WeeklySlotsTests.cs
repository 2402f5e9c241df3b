using Matching.Model;
using static Matching.Tests.TestData;

namespace Matching.Tests.Model;

public class WeeklySlotsTests
{
    [Test]
    public void Create_OverlappingSlots_AreMerged()
    {
        var slots = WeeklySlots.Create([Slot(DayOfWeek.Monday, "10:00", "12:00"), Slot(DayOfWeek.Monday, "11:00", "13:30"), Slot(DayOfWeek.Monday, "13:30", "14:00")]);
        slots.Bounds.ToArray().Should().Equal(600, 840);
        slots.TotalMinutes.Should().Be(240);
        slots.Slots.Should().HaveCount(3, "the slots as given are kept for display");
    }

    [Test]
    public void OverlapMinutes_SeveralSlotsADay_CountsMinutes()
    {
        var a = WeeklySlots.Create([Slot(DayOfWeek.Tuesday, "09:00", "10:00"), Slot(DayOfWeek.Tuesday, "18:00", "21:00")]);
        var b = WeeklySlots.Create([Slot(DayOfWeek.Tuesday, "09:30", "19:15")]);
        WeeklySlots.OverlapMinutes(a.Bounds, b.Bounds).Should().Be(30 + 75);
    }

    [Test]
    public void OverlapMinutes_DifferentDays_IsZero()
    {
        var a = WeeklySlots.Create([Slot(DayOfWeek.Sunday, "18:00", "24:00")]);
        var b = WeeklySlots.Create([Slot(DayOfWeek.Monday, "00:00", "06:00")]);
        WeeklySlots.OverlapMinutes(a.Bounds, b.Bounds).Should().Be(0);
    }

    [TestCase(600, 600)]
    [TestCase(700, 600)]
    [TestCase(-1, 600)]
    [TestCase(0, 1441)]
    public void TimeSlot_InvalidRange_Throws(int from, int to)
    {
        var act = () => new TimeSlot(DayOfWeek.Monday, from, to);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [TestCase("24:00", true, 1440)]
    [TestCase("07:05", true, 425)]
    [TestCase("24:01", false, 0)]
    [TestCase("7:05", false, 0)]
    [TestCase("12:60", false, 0)]
    public void TryParseMinute_Formats(string text, bool ok, int minute)
    {
        TimeSlot.TryParseMinute(text, out var m).Should().Be(ok);
        if (ok) m.Should().Be(minute);
    }

    [TestCase(true, TestName = "HalfHourMask_OnTheGrid_CommonCellsTimesThirtyAreTheOverlap")]
    [TestCase(false, TestName = "HalfHourMask_OffTheGrid_CommonCellsTimesThirtyBoundTheOverlap")]
    public void HalfHourMask_CommonCells(bool onGrid)
    {
        var rng = new Random(onGrid ? 5 : 6);
        WeeklySlots Random()
        {
            var step = onGrid ? 30 : 5;
            return WeeklySlots.Create(Enumerable.Range(0, rng.Next(1, 6)).Select(_ =>
            {
                var from = step * rng.Next(0, 1440 / step);
                return new TimeSlot((DayOfWeek)rng.Next(0, 7), from, Math.Min(1440, from + step * rng.Next(1, 12)));
            }));
        }
        var strictlyAbove = 0;
        for (var round = 0; round < 2000; round++)
        {
            var (a, b) = (Random(), Random());
            var (ca, cb) = (a.HalfHourMask(out var aOnGrid), b.HalfHourMask(out var bOnGrid));
            var overlap = WeeklySlots.OverlapMinutes(a.Bounds, b.Bounds);
            var cells = HalfHours.CellMinutes * HalfHours.Common(ca, cb);
            if (aOnGrid && bOnGrid) cells.Should().Be(overlap);
            else cells.Should().BeGreaterThanOrEqualTo(overlap);
            if (cells > overlap) strictlyAbove++;
            if (onGrid) (aOnGrid && bOnGrid).Should().BeTrue();
        }
        if (!onGrid) strictlyAbove.Should().BeGreaterThan(100, "patterns off the grid must be met, or the bound is not exercised");
    }

    [Test]
    public void HourMask_MarksTouchedHours()
    {
        var slots = WeeklySlots.Create([Slot(DayOfWeek.Monday, "00:30", "01:15"), Slot(DayOfWeek.Sunday, "23:00", "24:00")]);
        var (w0, _, w2) = slots.HourMask();
        w0.Should().Be(0b11UL);
        (w2 >> (167 - 128)).Should().Be(1UL);
    }

    [TestCase(DayOfWeek.Tuesday, "18:00", "21:00", "tue 18:00-21:00")]
    [TestCase(DayOfWeek.Monday, "00:00", "24:00", "mon 00:00-24:00")]
    [TestCase(DayOfWeek.Sunday, "09:30", "10:15", "sun 09:30-10:15")]
    public void TimeSlot_ToString_WritesTheContractsDayCodeAndTimes(DayOfWeek day, string from, string to, string expected) =>
        Slot(day, from, to).ToString().Should().Be(expected);

    [Test]
    public void DayCode_EveryDay_IsTheContractsThreeLetterCode() =>
        Enum.GetValues<DayOfWeek>().Select(TimeSlot.DayCode).Should().Equal("sun", "mon", "tue", "wed", "thu", "fri", "sat");
}
