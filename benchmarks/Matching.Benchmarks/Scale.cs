using System.Diagnostics;
using System.Globalization;
using Matching.Allocation;
using Matching.Contracts;
using Matching.Data;
using Matching.Geo;
using Matching.Model;
using Matching.Ranking;
using Matching.Scoring;
using Matching.Service;
using Matching.Storage;

namespace Matching.Benchmarks;

/// <summary>
/// The design's scale in a SQLite file, in two processes so that the second one's memory is the service's own:
/// `-- scale load 500000 100000 FILE` generates the demo data and imports it in one transaction (the same
/// <see cref="ServiceStartup.Import"/> the bulk import and the demo seed use); `-- scale serve FILE` starts the rooms
/// on the file as a restarted instance does and times what the service answers at that scale (`--no-gap` leaves out the
/// gap report, which takes minutes at 500,000 waiting newcomers). Prints name=value lines.
/// </summary>
internal static class Scale
{
    private static readonly DateOnly Today = new(2026, 11, 2);

    public static void Load(int newcomers, int offers, string file)
    {
        var data = new DemoDataGenerator(new DemoDataOptions { Seed = 2026, Newcomers = newcomers, Offers = offers, Today = Today }).Generate();
        var (_, rooms) = Open(file);
        var clock = Stopwatch.StartNew();
        rooms.Startup.Import(data.Newcomers, data.Offers, "scale");
        Print("load_s", clock.Elapsed.TotalSeconds);
        Print("newcomers", newcomers);
        Print("offers", offers);
    }

    public static void Serve(string file, int cohort, bool gapReport = true)
    {
        var clock = Stopwatch.StartNew();
        var (store, rooms) = Open(file);
        Print("restart_to_ready_s", clock.Elapsed.TotalSeconds);
        GC.Collect();
        Print("rss_after_start_MiB", RssKiB("VmRSS:") / 1024.0);
        Print("managed_heap_MiB", GC.GetTotalMemory(true) / (1024.0 * 1024));
        Print("indexed_newcomers", store.Newcomers.Count);
        clock.Restart();
        rooms.Newcomers.LoadIndex();
        Print("newcomer_index_reload_s", clock.Elapsed.TotalSeconds);
        clock.Restart();
        rooms.Offers.LoadIndex();
        Print("offer_index_reload_s", clock.Elapsed.TotalSeconds);

        var random = new Random(7);
        var ids = store.Newcomers.Waiting(withoutAnyOpenMatch: false).Select(n => n.Id).ToArray();
        var offerIds = store.Engine.Offers().Select(o => o.Offer.Id).ToArray();
        var options = new RankingOptions { Limit = 10 };
        Percentiles("suggest", 2_000, () => rooms.Suggestions.SuggestFor(ids[random.Next(ids.Length)], options));
        var first = Stopwatch.StartNew();
        rooms.Suggestions.Candidates(offerIds[random.Next(offerIds.Length)], options);
        Print("candidates_first_ms", first.Elapsed.TotalMilliseconds);
        Percentiles("candidates", 100, () => rooms.Suggestions.Candidates(offerIds[random.Next(offerIds.Length)], options));
        CandidatesBreakdown(store, offerIds, random);

        if (gapReport)
        {
            clock.Restart();
            var gaps = rooms.Allocations.GapReport(GapGrouping.Province, null, WeightProfile.Default);
            Print("gap_report_s", clock.Elapsed.TotalSeconds);
            Print("gap_report_rows", gaps.Rows.Count);
        }

        var chosen = ids.OrderBy(_ => random.Next()).Take(cohort).ToList();
        var allocatedBefore = GC.GetTotalAllocatedBytes(true);
        clock.Restart();
        var plan = rooms.Allocations.Propose(chosen, new AllocationRequest(), "scale").Value!;
        Print("assignment_s", clock.Elapsed.TotalSeconds);
        Print("assignment_newcomers", chosen.Count);
        Print("assignment_placed", plan.Placed);
        Print("assignment_allocated_MiB", (GC.GetTotalAllocatedBytes(true) - allocatedBefore) / (1024.0 * 1024));
        Print("peak_rss_MiB", RssKiB("VmHWM:") / 1024.0);
    }

    /// <summary>Where the newcomer index's load goes, each step on one thread over every stored newcomer.</summary>
    public static void ProfileLoad(string file)
    {
        var time = new FixedTime(Today);
        var db = new SqliteDatabase($"Data Source={file}");
        var mapper = new DocumentMapper(Gazetteer.Default, InterestTaxonomy.Default, LanguageRegistry.Default, time);
        var clock = Stopwatch.StartNew();
        var rows = db.Read(c => Dapper.SqlMapper.Query<(string Id, string Document)>(c, NewcomerSql.All).ToList());
        Print("read_rows_s", clock.Elapsed.TotalSeconds);
        clock.Restart();
        var documents = rows.Select(r => System.Text.Json.JsonSerializer.Deserialize<NewcomerDocument>(r.Document, DocumentJson.Options)!).ToList();
        Print("deserialize_s", clock.Elapsed.TotalSeconds);
        clock.Restart();
        foreach (var d in documents) mapper.ResolveMunicipality(d.Location);
        Print("resolve_municipality_s", clock.Elapsed.TotalSeconds);
        clock.Restart();
        var models = rows.Select((r, i) => mapper.ToNewcomer(r.Id, documents[i], out _)!).ToList();
        Print("to_model_s", clock.Elapsed.TotalSeconds);
        clock.Restart();
        new NewcomerIndex().Load(models.Select(n => (n, 0, 0)));
        Print("index_load_s", clock.Elapsed.TotalSeconds);
        rows = null;
        clock.Restart();
        var utf8 = db.Read(c =>
        {
            var list = new List<(string, byte[])>(rows?.Count ?? 0);
            using var reader = (System.Data.Common.DbDataReader)Dapper.SqlMapper.ExecuteReader(c, NewcomerSql.All);
            while (reader.Read()) list.Add((reader.GetString(0), reader.GetFieldValue<byte[]>(1)));
            return list;
        });
        Print("read_rows_utf8_s", clock.Elapsed.TotalSeconds);
        clock.Restart();
        foreach (var (_, bytes) in utf8) System.Text.Json.JsonSerializer.Deserialize<NewcomerDocument>(bytes, DocumentJson.Options);
        Print("deserialize_utf8_s", clock.Elapsed.TotalSeconds);
        // Of the mapper's time, the place resolution of the stored postcode and place.
        var geography = BelgianGeography.For(Gazetteer.Default);
        clock.Restart();
        foreach (var d in documents) geography.TryResolve(d.Location!.Postcode, d.Location.Place, out _, out _);
        Print("resolve_place_s", clock.Elapsed.TotalSeconds);
    }

    /// <summary>Where a reverse ranking's time goes, for 50 random offers (warm): the first pass over the newcomer columns, then the exact evaluation of its survivors.</summary>
    private static void CandidatesBreakdown(MatchingStore store, string[] offerIds, Random random)
    {
        var profile = WeightProfile.Default;
        double firstPass = 0, evaluation = 0, survivors = 0, most = 0;
        const int offers = 50;
        for (var k = 0; k < offers; k++)
        {
            var offerId = offerIds[random.Next(offerIds.Length)];
            var facts = store.Engine.Index.ScanFacts(offerId)!.Value;
            var excluded = new int[EnumCounts.ExclusionReasons];
            store.Newcomers.Survivors(facts, profile, store.Engine.Today, n => store.Engine.Compile(n, profile, null), excluded); // compiles the cold ones
            var t = Stopwatch.GetTimestamp();
            var list = store.Newcomers.Survivors(facts, profile, store.Engine.Today, n => store.Engine.Compile(n, profile, null), excluded);
            firstPass += Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            t = Stopwatch.GetTimestamp();
            store.Engine.Index.RankNewcomers(offerId, list, profile, 10, excluded);
            evaluation += Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            survivors += list.Count;
            most = Math.Max(most, list.Count);
        }
        Print("candidates_first_pass_mean_ms", firstPass / offers);
        Print("candidates_evaluation_mean_ms", evaluation / offers);
        Print("candidates_survivors_mean", survivors / offers);
        Print("candidates_survivors_max", most);
    }

    private static (MatchingStore Store, Rooms Rooms) Open(string file)
    {
        var time = new FixedTime(Today);
        var db = new SqliteDatabase($"Data Source={file}");
        var mapper = new DocumentMapper(Gazetteer.Default, InterestTaxonomy.Default, LanguageRegistry.Default, time);
        var store = new MatchingStore(db, new MatchingEngine(time), mapper, Gazetteer.Default, time);
        var rooms = new Rooms(store);
        rooms.Startup.Start();
        return (store, rooms);
    }

    private static void Percentiles(string name, int count, Action call)
    {
        for (var i = 0; i < Math.Min(20, count); i++) call(); // warm up
        var ms = new double[count];
        for (var i = 0; i < count; i++)
        {
            var t = Stopwatch.GetTimestamp();
            call();
            ms[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }
        Array.Sort(ms);
        Print(name + "_p50_ms", ms[count / 2]);
        Print(name + "_p99_ms", ms[(int)(count * 0.99)]);
    }

    private static void Print(string name, double value) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}={value:0.###}"));

    /// <summary>A line of /proc/self/status in KiB.</summary>
    private static long RssKiB(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal)) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        return -1;
    }

    /// <summary>The rooms wired as the host wires them.</summary>
    private sealed class Rooms
    {
        public Rooms(MatchingStore store)
        {
            var newcomers = Newcomers = new NewcomersService(store);
            var offers = Offers = new OffersService(store);
            var profiles = new WeightProfilesService(store);
            Suggestions = new SuggestionsService(store, newcomers);
            Allocations = new AllocationsService(store, newcomers, offers);
            Startup = new ServiceStartup(store, new ChangeFeed(store, offers, profiles, newcomers), profiles, newcomers, offers);
        }

        public NewcomersService Newcomers { get; }
        public OffersService Offers { get; }
        public SuggestionsService Suggestions { get; }
        public AllocationsService Allocations { get; }
        public ServiceStartup Startup { get; }
    }
}
