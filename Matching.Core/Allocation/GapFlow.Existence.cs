using System.Runtime.CompilerServices;
using Matching.Model;
using Matching.Ranking;

namespace Matching.Allocation;

// The existence query: per newcomer, the kinds with at least one feasible offer (see the class's summary in GapFlow.cs).
internal sealed partial class GapFlow
{
    /// <summary>
    /// Per newcomer, a bit per kind of <paramref name="kindMask"/> with at least one feasible offer (capacity ignored):
    /// exactly whether the newcomer's ranking for that kind would list any offer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public byte[] FeasibleKinds(int kindMask)
    {
        const int kinds = EnumCounts.OfferKinds;
        // The offers in cells too, remote ones apart (reachable from anywhere); within a cell by kind, then by ascending
        // minimum level, so that a newcomer reads only the offers of the kinds it still needs and stops at the first
        // level above its own: most newcomers without an offer of a kind lack the level for all of them.
        var remote = new List<(int MinLevel, int Slot)>[kinds];
        for (var k = 0; k < kinds; k++) remote[k] = [];
        var cells = new Dictionary<(int, int), int>();
        var located = new List<(int Cell, int Kind, int MinLevel, int Slot)>();
        for (var s = 0; s < _offers.SlotCount; s++)
        {
            var kind = _offers.KindAt(s);
            if (kind < 0 || (kindMask & (1 << kind)) == 0) continue;
            var facts = _offers.ScanFactsAt(s);
            if (facts.Remote) { remote[kind].Add((facts.MinLevel, s)); continue; }
            var key = OfferCellKey(_offers.At(s).Offer.Location.Point);
            if (!cells.TryGetValue(key, out var c)) cells[key] = c = cells.Count;
            located.Add((c, kind, facts.MinLevel, s));
        }
        foreach (var list in remote) list.Sort();
        // What the time rule's bound reads of the remote offers, by slot.
        var remoteTime = new (int Hours, long Days)[_offers.SlotCount];
        foreach (var list in remote)
        {
            foreach (var (_, s) in list)
            {
                var (hoursAsked, startsOn, endsOn) = _offers.TimeAt(s);
                remoteTime[s] = (hoursAsked, DaysAtMost(startsOn, endsOn));
            }
        }
        located.Sort();
        var offerSlots = new int[located.Count];
        var offerMinLevel = new int[located.Count];
        var offerXyz = new double[3 * located.Count];
        var offerHours = new ulong[3 * located.Count];
        var offerHoursAsked = new int[located.Count];
        var offerDaysAtMost = new long[located.Count];
        var rangeStart = new int[cells.Count * kinds + 1]; // per cell and kind, the first of its offers in offerSlots
        var rangeMinLevel = new int[cells.Count * kinds];
        var rangeHours = new ulong[3 * cells.Count * kinds]; // every hour an offer of the range touches
        var rangeLeastHours = new int[cells.Count * kinds]; // the fewest hours an offer of the range asks for
        var rangeMostDays = new long[cells.Count * kinds]; // the most days an offer of the range can have (see DaysAtMost)
        var offerBox = ChordBoxes.Create(cells.Count);
        for (var i = 0; i < located.Count; i++)
        {
            var (c, kind, minLevel, s) = located[i];
            var range = c * kinds + kind;
            offerSlots[i] = s;
            offerMinLevel[i] = minLevel;
            rangeStart[range + 1] = i + 1;
            if (i == 0 || located[i - 1].Cell != c || located[i - 1].Kind != kind)
            {
                rangeMinLevel[range] = minLevel;
                rangeLeastHours[range] = int.MaxValue;
            }
            var facts = _offers.ScanFactsAt(s);
            offerXyz[3 * i] = facts.X;
            offerXyz[3 * i + 1] = facts.Y;
            offerXyz[3 * i + 2] = facts.Z;
            offerHours[3 * i] = facts.H0;
            offerHours[3 * i + 1] = facts.H1;
            offerHours[3 * i + 2] = facts.H2;
            var (hoursAsked, startsOn, endsOn) = _offers.TimeAt(s);
            offerHoursAsked[i] = hoursAsked;
            offerDaysAtMost[i] = DaysAtMost(startsOn, endsOn);
            rangeLeastHours[range] = Math.Min(rangeLeastHours[range], hoursAsked);
            rangeMostDays[range] = Math.Max(rangeMostDays[range], offerDaysAtMost[i]);
            rangeHours[3 * range] |= facts.H0;
            rangeHours[3 * range + 1] |= facts.H1;
            rangeHours[3 * range + 2] |= facts.H2;
            ChordBoxes.Include(offerBox, c, facts.X, facts.Y, facts.Z);
        }
        for (var r = 1; r < rangeStart.Length; r++) rangeStart[r] = Math.Max(rangeStart[r], rangeStart[r - 1]);

        // Per newcomer cell: the offer cells within the reach of some newcomer of it, nearest first; and per kind the
        // lowest minimum level and every hour of the offers there: a newcomer below the one or without the other needs
        // no look at any offer of the kind.
        var nearOf = new int[CellCount][];
        var nearGapOf = new double[CellCount][]; // beside each, its gap to the newcomer cell's box
        var floorOf = new int[CellCount * kinds];
        var hoursOf = new ulong[3 * CellCount * kinds];
        var leastHoursOf = new int[CellCount * kinds];
        Parallel.For(0, CellCount, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (c) =>
        {
            var near = new List<(double Gap, int Cell)>();
            for (var oc = 0; oc < cells.Count; oc++)
            {
                var gap = ChordBoxes.GapSquared(_cellBox, c, offerBox, oc);
                if (gap <= ChordBoxes.Limit(_cellBox, c)) near.Add((gap, oc));
            }
            near.Sort();
            var list = nearOf[c] = new int[near.Count];
            var gaps = nearGapOf[c] = new double[near.Count];
            for (var i = 0; i < list.Length; i++) (gaps[i], list[i]) = near[i];
            for (var k = 0; k < kinds; k++)
            {
                var f = c * kinds + k;
                floorOf[f] = leastHoursOf[f] = int.MaxValue;
                foreach (var (minLevel, s) in remote[k])
                {
                    var facts = _offers.ScanFactsAt(s);
                    floorOf[f] = Math.Min(floorOf[f], minLevel);
                    leastHoursOf[f] = Math.Min(leastHoursOf[f], _offers.TimeAt(s).Hours);
                    hoursOf[3 * f] |= facts.H0;
                    hoursOf[3 * f + 1] |= facts.H1;
                    hoursOf[3 * f + 2] |= facts.H2;
                }
                foreach (var oc in list)
                {
                    var range = oc * kinds + k;
                    if (rangeStart[range] == rangeStart[range + 1]) continue;
                    floorOf[f] = Math.Min(floorOf[f], rangeMinLevel[range]);
                    leastHoursOf[f] = Math.Min(leastHoursOf[f], rangeLeastHours[range]);
                    hoursOf[3 * f] |= rangeHours[3 * range];
                    hoursOf[3 * f + 1] |= rangeHours[3 * range + 1];
                    hoursOf[3 * f + 2] |= rangeHours[3 * range + 2];
                }
            }
        });

        // Then the newcomers in chunks of positions (a city's cell may hold tens of thousands).
        var result = new byte[_count];
        const int chunk = 2048;
        Parallel.For(0, (_count + chunk - 1) / chunk, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (b) =>
        {
            for (var p = b * chunk; p < Math.Min(_count, (b + 1) * chunk); p++)
            {
                var c = _cellOf[p];
                var near = nearOf[c];
                var nearGap = nearGapOf[c];
                var q = Pair(p);
                var level = _level[p];
                ulong h0 = _hours[3 * p], h1 = _hours[3 * p + 1], h2 = _hours[3 * p + 2];
                double x = _xyz[3 * p], y = _xyz[3 * p + 1], z = _xyz[3 * p + 2], high = _high[p];
                // No offer gives more days than those before the trajectory ends, counted from the newcomer's own day (see DaysAtMost).
                var daysAtMost = _trajectoryEnd[p] is int end ? end - q.TodayDay + 1 : OpenDays;
                var needed = 0;
                for (var k = 0; k < kinds; k++)
                {
                    var f = c * kinds + k;
                    // The time rule at its most lenient over every offer of the kind within reach (the most common hours,
                    // the newcomer's days, the fewest hours asked): a newcomer near the end of its trajectory often has
                    // too few days for any of them, and would otherwise test each one.
                    ulong common0 = hoursOf[3 * f] & h0, common1 = hoursOf[3 * f + 1] & h1, common2 = hoursOf[3 * f + 2] & h2;
                    if ((kindMask & (1 << k)) != 0 && floorOf[f] <= level && (common0 | common1 | common2) != 0
                        && TimeMaySuffice(common0, common1, common2, daysAtMost, leastHoursOf[f])) needed |= 1 << k;
                }
                var possible = needed;
                for (var i = 0; i < near.Length && needed != 0; i++)
                {
                    // The newcomer lies in its cell's box, so its gap to an offer cell is at least the two boxes' gap (the
                    // same operand order): past the first cell beyond its own reach, every later one is beyond it too.
                    if (nearGap[i] > high) break;
                    var oc = near[i];
                    if (ChordBoxes.GapSquared(offerBox, oc, x, y, z) > high) continue;
                    for (var k = 0; k < kinds; k++)
                    {
                        var range = oc * kinds + k;
                        if ((needed & (1 << k)) == 0 || rangeStart[range] == rangeStart[range + 1] || rangeMinLevel[range] > level
                            || ((rangeHours[3 * range] & h0) | (rangeHours[3 * range + 1] & h1) | (rangeHours[3 * range + 2] & h2)) == 0
                            || !TimeMaySuffice(rangeHours[3 * range] & h0, rangeHours[3 * range + 1] & h1, rangeHours[3 * range + 2] & h2,
                                Math.Min(daysAtMost, rangeMostDays[range]), rangeLeastHours[range])) continue;
                        for (var j = rangeStart[range]; j < rangeStart[range + 1]; j++)
                        {
                            if (offerMinLevel[j] > level) break;
                            // The commonest failures, distance and no common hour, from the flat columns.
                            var dx = x - offerXyz[3 * j];
                            var dy = y - offerXyz[3 * j + 1];
                            var dz = z - offerXyz[3 * j + 2];
                            if (dx * dx + dy * dy + dz * dz > high
                                || !TimeMaySuffice(offerHours[3 * j] & h0, offerHours[3 * j + 1] & h1, offerHours[3 * j + 2] & h2,
                                    Math.Min(daysAtMost, offerDaysAtMost[j]), offerHoursAsked[j])
                                || !_offers.FeasibleUnlocked(q, offerSlots[j])) continue;
                            needed &= ~(1 << k);
                            break;
                        }
                    }
                }
                // Remote offers last: most newcomers have found every kind near them by now.
                for (var k = 0; k < kinds && needed != 0; k++)
                {
                    if ((needed & (1 << k)) == 0) continue;
                    foreach (var (minLevel, s) in remote[k])
                    {
                        if (minLevel > level) break;
                        var (remoteHours, remoteDays) = remoteTime[s];
                        var facts = _offers.ScanFactsAt(s);
                        if (!TimeMaySuffice(facts.H0 & h0, facts.H1 & h1, facts.H2 & h2, Math.Min(daysAtMost, remoteDays), remoteHours)) continue;
                        if (!_offers.FeasibleUnlocked(q, s)) continue;
                        needed &= ~(1 << k);
                        break;
                    }
                }
                needed = possible & ~needed;
                result[_order[p]] = (byte)needed;
            }
        });
        return result;
    }

    // A bound of the days for an open end that no product in the time rule overflows.
    private const long OpenDays = long.MaxValue / (60 * 24 * 7);

    /// <summary>
    /// The most days any newcomer can give an offer with this period from today on: the pair's days run from the later
    /// of today and the start to the earlier of the two ends, so they are at most the offer's end less that start (and,
    /// on the newcomer's side, its trajectory's end less today; a registered intake, evaluated from its later start, has
    /// fewer). Open when the offer has no end. At the data's day most
    /// pairs have days to spare; four weeks later the offers' ends bind, and without this bound the existence query
    /// tested exactly every pair whose hours met but whose days no longer sufficed (its CPU doubled, see benchmarks/README.md).
    /// </summary>
    private long DaysAtMost(int? startsOnDay, int? endsOnDay) =>
        endsOnDay is int end ? end - Math.Max(_today, startsOnDay ?? int.MinValue) + 1 : OpenDays;
}
