using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Matching.Tests.Api;

/// <summary>
/// The real service killed with SIGKILL while eight writers run, five times over one database file: after every
/// restart each acknowledged write is there as acknowledged, a write without an answer is there whole or not at all,
/// and no offer holds more places than its capacity.
/// </summary>
[Category("Process")]
[NonParallelizable]
public class CrashSafetyTests() : ApiProcessTests("matching-crash-")
{
    private const int Seed = 7_301;
    private const int Rounds = 5;
    private const int WriterCount = 8;
    private const int NewcomersPerWriter = 5;

    [Test]
    public async Task SigKill_DuringConcurrentWrites_KeepsEveryAcknowledgedWrite_AndNeverOverbooks()
    {
        var file = Path.Combine(Folder, "matching.db");
        Api = await ApiProcess.StartAsync(file);
        var rng = new Random(Seed);
        var writers = Enumerable.Range(0, WriterCount).Select(w => new Writer(w, new Random(rng.Next()))).ToList();
        using (var setup = Api.Client())
        {
            foreach (var writer in writers) await writer.SetUpAsync(setup);
        }

        for (var round = 1; round <= Rounds; round++)
        {
            using (var client = Api.Client(TimeSpan.FromSeconds(10)))
            using (var safety = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
            {
                var before = writers.Sum(w => w.Applied);
                var load = writers.Select(w => Task.Run(() => w.RunAsync(client, safety.Token))).ToList();
                // Kill at a random moment of the load, with requests in flight: after a random number of acknowledged
                // writes rather than a time, so that a slow machine carries as much load per round as a fast one.
                var killAfter = 150 + rng.Next(250);
                var waited = Stopwatch.StartNew();
                while (writers.Sum(w => w.Applied) - before < killAfter && waited.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(5);
                Api.Kill();
                await Task.WhenAll(load).WaitAsync(TimeSpan.FromSeconds(30));
            }
            await Api.StartAgainAsync();

            var failures = await VerifyAsync(writers, Api);
            var s = writers.Aggregate((Applied: 0, Refused: 0, Unknown: 0), (a, w) => (a.Applied + w.Applied, a.Refused + w.Refused, a.Unknown + w.Unknown));
            TestContext.Out.WriteLine($"round {round}: {s.Applied} writes acknowledged, {s.Refused} refused (409), {s.Unknown} without an answer so far");
            failures.Should().BeEmpty($"round {round} (seed {Seed}) after SIGKILL and restart");
        }
        writers.Sum(w => w.Applied).Should().BeGreaterThan(Rounds * 50, "every round must have carried real load (150 to 400 writes, unless a slow machine hit the 5 s cap)");
        writers.Sum(w => w.Unknown).Should().BeGreaterThan(0, "at least one write was cut off by a kill");
    }

    /// <summary>Checks the restarted service's database and answers against what the writers were told, then takes what is there as the new truth.</summary>
    private static async Task<List<string>> VerifyAsync(List<Writer> writers, ApiProcess api)
    {
        var failures = new List<string>();
        using var db = DatabaseSnapshot.Open(api.DatabaseFile);
        if (DatabaseSnapshot.IntegrityCheck(db) is var integrity && integrity != "ok") failures.Add($"integrity_check: {integrity}");
        failures.AddRange(DatabaseSnapshot.ForeignKeyViolations(db).Select(v => $"foreign key: {v}"));
        failures.AddRange(DatabaseSnapshot.OverbookedOffers(db).Select(o => $"overbooked offer {o}"));
        // Each write and its audit row commit together: a row without its audit row would be half a write.
        failures.AddRange(db.Query<string>(
            """
            SELECT m.id || ' lacks audit ' || x.action FROM matches m
            JOIN (SELECT 'proposed' AS step, 'match.proposed' AS action UNION ALL SELECT 'accepted', 'match.accepted' UNION ALL SELECT 'started', 'match.started') x
            WHERE (x.step = 'proposed'
                   OR (x.step = 'accepted' AND m.accepted_at IS NOT NULL)
                   OR (x.step = 'started' AND m.started_at IS NOT NULL))
              AND NOT EXISTS (SELECT 1 FROM audit a WHERE a.subject_type = 'match' AND a.subject_id = m.id AND a.action = x.action)
            UNION ALL
            SELECT m.id || ' lacks audit match.' || m.status FROM matches m
            WHERE m.status IN ('completed','stopped','declined')
              AND NOT EXISTS (SELECT 1 FROM audit a WHERE a.subject_type = 'match' AND a.subject_id = m.id AND a.action = 'match.' || m.status)
            UNION ALL
            SELECT n.id || ' lacks audit newcomer.created' FROM newcomers n
            WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.subject_type = 'newcomer' AND a.subject_id = n.id AND a.action = 'newcomer.created')
            UNION ALL
            SELECT o.id || ' lacks audit offer.created' FROM offers o
            WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.subject_type = 'offer' AND a.subject_id = o.id AND a.action = 'offer.created')
            """));
        // A lifecycle step implies the ones before it.
        failures.AddRange(db.Query<string>(
            """
            SELECT id || ' is ' || status || ' with accepted_at ' || IFNULL(accepted_at, 'null') || ', started_at ' || IFNULL(started_at, 'null') || ', hours ' || IFNULL(hours_done, 'null')
            FROM matches
            WHERE (status IN ('accepted','started','completed') AND accepted_at IS NULL)
               OR (status IN ('started','completed') AND started_at IS NULL)
               OR (status = 'completed' AND (hours_done IS NOT 40 OR ended_at IS NULL))
               OR (status = 'proposed' AND (accepted_at IS NOT NULL OR ended_at IS NOT NULL))
            """));

        foreach (var writer in writers) failures.AddRange(writer.Reconcile(db));

        // The restarted service's index was rebuilt from the file: ask the index itself (a GET of an offer reads the
        // database). The list's hasPlaces filter and the suggestions' placesFree both come from the index.
        using var client = api.Client();
        var free = db.Query<(string Id, long Free)>(
            "SELECT o.id, o.capacity - (SELECT COUNT(*) FROM matches m WHERE m.offer_id = o.id AND m.status IN ('accepted','started')) FROM offers o WHERE o.deleted = 0")
            .ToDictionary(o => o.Id, o => o.Free, StringComparer.Ordinal);
        var full = JsonNode.Parse(await client.GetStringAsync("/api/v1/offers?hasPlaces=false&pageSize=100"))!["items"]!.AsArray()
            .Select(i => i!["offer"]!["id"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        foreach (var (id, placesFree) in free)
        {
            if (full.Contains(id) != (placesFree <= 0)) failures.Add($"the index says offer {id} is {(full.Contains(id) ? "full" : "not full")}, the database has {placesFree} free places");
        }
        foreach (var newcomerId in db.Query<string>("SELECT id FROM newcomers ORDER BY id LIMIT 5"))
        {
            var suggestions = JsonNode.Parse(await client.GetStringAsync($"/api/v1/newcomers/{newcomerId}/suggestions?limit=100"))!["suggestions"]!.AsArray();
            foreach (var suggestion in suggestions)
            {
                var offerId = suggestion!["offerId"]!.GetValue<string>();
                var placesFree = suggestion["offer"]!["placesFree"]!.GetValue<int>();
                if (placesFree != free[offerId]) failures.Add($"suggestions say offer {offerId} has {placesFree} free places, the database {free[offerId]}");
            }
        }
        foreach (var (id, status) in db.Query<(string Id, string Status)>("SELECT id, status FROM matches"))
        {
            var match = JsonNode.Parse(await client.GetStringAsync($"/api/v1/matches/{id}"))!;
            if (match["status"]!.GetValue<string>() != status) failures.Add($"GET match {id} says {match["status"]}, the database holds {status}");
        }
        return failures;
    }

    /// <summary>What the writers know of one resource: the state they were told is current, and a write sent without an answer.</summary>
    private sealed class Tracked
    {
        /// <summary>The marker of the acknowledged state; null when the resource does not exist.</summary>
        public string? Confirmed { get; set; }
        /// <summary>The acknowledged document (the answer's), to compare with the stored one whole.</summary>
        public JsonNode? ConfirmedDocument { get; set; }
        /// <summary>The marker of a write cut off by the kill: it may or may not have happened.</summary>
        public string? Pending { get; set; }
    }

    /// <summary>
    /// One writer with its own newcomers, offer and matches, so that its writes to one resource are sequential and at
    /// most one is without an answer; places on every writer's offer are contended.
    /// </summary>
    private sealed class Writer(int index, Random rng)
    {
        private readonly Dictionary<string, Tracked> _newcomers = Enumerable.Range(0, NewcomersPerWriter).ToDictionary(i => $"cw{index}-nc{i}", _ => new Tracked());
        private readonly Tracked _offer = new();
        private readonly Dictionary<string, Tracked> _matches = [];
        private readonly List<(string NewcomerId, string OfferId)> _unansweredPosts = [];
        private int _sequence;

        public int Applied { get; private set; }
        public int Refused { get; private set; }
        public int Unknown { get; private set; }
        private string OfferId => $"cw{index}-offer";

        public async Task SetUpAsync(HttpClient http)
        {
            foreach (var id in _newcomers.Keys) (await PutNewcomerAsync(http, id)).Should().BeTrue();
            (await PutOfferAsync(http)).Should().BeTrue();
        }

        /// <summary>Writes until the service stops answering (the kill) or the safety timeout.</summary>
        public async Task RunAsync(HttpClient http, CancellationToken stop)
        {
            var alive = true;
            while (alive && !stop.IsCancellationRequested)
            {
                var roll = rng.Next(100);
                alive = roll switch
                {
                    < 20 => await PutNewcomerAsync(http, _newcomers.Keys.ElementAt(rng.Next(NewcomersPerWriter))),
                    < 30 => await PutOfferAsync(http),
                    < 55 => await PostMatchAsync(http),
                    _ => await PatchMatchAsync(http),
                };
            }
        }

        private async Task<bool> PutNewcomerAsync(HttpClient http, string id)
        {
            // maxTravelKm marks the version: unique per write of this writer.
            var km = 1 + (++_sequence % 29_000) * 0.01;
            var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(ApiFactory.NewcomerBody()))!;
            body["maxTravelKm"] = km;
            var (outcome, answer) = await SendAsync(http, HttpMethod.Put, $"/api/v1/newcomers/{id}", body);
            return Record(_newcomers[id], outcome, Marker(km), answer);
        }

        private async Task<bool> PutOfferAsync(HttpClient http)
        {
            var capacity = 1 + rng.Next(3);
            var title = $"Aanbod {index}-{++_sequence} voor {capacity}";
            var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(ApiFactory.OfferBody(capacity)))!;
            body["title"] = title;
            var (outcome, answer) = await SendAsync(http, HttpMethod.Put, $"/api/v1/offers/{OfferId}", body);
            return Record(_offer, outcome, title, answer?["offer"]);
        }

        private async Task<bool> PostMatchAsync(HttpClient http)
        {
            var newcomer = _newcomers.Keys.ElementAt(rng.Next(NewcomersPerWriter));
            var offer = $"cw{rng.Next(WriterCount)}-offer";
            // The override keeps hard constraints (the real clock, a full offer) from refusing the proposal itself.
            var body = new { newcomerId = newcomer, offerId = offer, @override = new { reason = "crash test" } };
            var (outcome, answer) = await SendAsync(http, HttpMethod.Post, "/api/v1/matches", body);
            if (outcome == Outcome.Unknown) _unansweredPosts.Add((newcomer, offer));
            if (outcome == Outcome.Applied) _matches[answer!["id"]!.GetValue<string>()] = new Tracked { Confirmed = "proposed", ConfirmedDocument = answer };
            return Count(outcome);
        }

        private async Task<bool> PatchMatchAsync(HttpClient http)
        {
            var open = _matches.Where(m => m.Value.Confirmed is "proposed" or "accepted" or "started").ToList();
            if (open.Count == 0) return await PostMatchAsync(http);
            var (id, match) = open[rng.Next(open.Count)];
            var next = rng.Next(4) != 0;
            object body = match.Confirmed switch
            {
                "proposed" => next ? new { status = "accepted" } : new { status = "declined", reason = "newcomerDeclined" },
                "accepted" => next ? new { status = "started" } : new { status = "stopped", hoursDone = 5, reason = "work" },
                _ => new { status = "completed", hoursDone = 40 },
            };
            var status = System.Text.Json.JsonSerializer.SerializeToNode(body)!["status"]!.GetValue<string>();
            var (outcome, answer) = await SendAsync(http, HttpMethod.Patch, $"/api/v1/matches/{id}", body);
            return Record(match, outcome, status, answer);
        }

        private enum Outcome { Applied, Refused, Unknown }

        private static async Task<(Outcome Outcome, JsonNode? Answer)> SendAsync(HttpClient http, HttpMethod method, string path, object body)
        {
            try
            {
                using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
                using var response = await http.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                var status = (int)response.StatusCode;
                // 409 is the only refusal this load can earn (full offer, open match, capacity below held places).
                if (status == 409) return (Outcome.Refused, null);
                if (status is < 200 or >= 300) throw new AssertionException($"{method} {path} answered {status}: {text}");
                return (Outcome.Applied, JsonNode.Parse(text));
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
            {
                // Cut off by the kill: sent, maybe committed, never answered.
                return (Outcome.Unknown, null);
            }
        }

        private bool Record(Tracked tracked, Outcome outcome, string marker, JsonNode? document)
        {
            if (outcome == Outcome.Applied)
            {
                tracked.Confirmed = marker;
                tracked.ConfirmedDocument = document;
            }
            else if (outcome == Outcome.Unknown)
            {
                tracked.Pending = marker;
            }
            return Count(outcome);
        }

        private bool Count(Outcome outcome)
        {
            if (outcome == Outcome.Applied) Applied++;
            else if (outcome == Outcome.Refused) Refused++;
            else Unknown++;
            return outcome != Outcome.Unknown;
        }

        private static string Marker(double km) => km.ToString("R", CultureInfo.InvariantCulture);

        /// <summary>Compares the file with what this writer was told; then what is stored becomes the known state.</summary>
        public IEnumerable<string> Reconcile(SqliteConnection db)
        {
            var failures = new List<string>();
            var prefix = $"cw{index}-%";
            var newcomers = db.Query<(string Id, string Document)>("SELECT id, document FROM newcomers WHERE id LIKE @prefix", new { prefix })
                .ToDictionary(n => n.Id, n => JsonNode.Parse(n.Document)!);
            foreach (var (id, tracked) in _newcomers)
            {
                var stored = newcomers.GetValueOrDefault(id);
                Check(failures, $"newcomer {id}", tracked, stored is null ? null : Marker(stored["maxTravelKm"]!.GetValue<double>()), stored);
            }

            var offer = db.Query<(string Document, long Capacity, long Deleted)>(
                "SELECT document, capacity, deleted FROM offers WHERE id = @id", new { id = OfferId }).ToList();
            var offerDocument = offer.Count == 0 ? null : JsonNode.Parse(offer[0].Document);
            if (offer.Count == 1 && offer[0] is var o && (o.Deleted != 0 || o.Capacity != offerDocument!["capacity"]!.GetValue<long>()))
            {
                failures.Add($"offer {OfferId}: capacity column {o.Capacity} and deleted {o.Deleted} disagree with its document");
            }
            Check(failures, $"offer {OfferId}", _offer, offerDocument?["title"]?.GetValue<string>(), offerDocument);

            var matches = db.Query<(string Id, string NewcomerId, string OfferId, string Status)>(
                "SELECT id, newcomer_id, offer_id, status FROM matches WHERE newcomer_id LIKE @prefix", new { prefix }).ToDictionary(m => m.Id);
            foreach (var (id, tracked) in _matches)
            {
                // The answer of an acknowledged PATCH is the whole match; its status is the marker, the rest moves on.
                tracked.ConfirmedDocument = null;
                Check(failures, $"match {id}", tracked, matches.TryGetValue(id, out var m) ? m.Status : null, null);
            }
            // A match nobody was told about may exist only as the result of a proposal that got no answer.
            foreach (var m in matches.Values.Where(m => !_matches.ContainsKey(m.Id)))
            {
                var post = _unansweredPosts.IndexOf((m.NewcomerId, m.OfferId));
                if (post < 0 || m.Status != "proposed")
                {
                    failures.Add($"match {m.Id} ({m.NewcomerId} → {m.OfferId}, {m.Status}) was never acknowledged nor in flight");
                    continue;
                }
                _unansweredPosts.RemoveAt(post);
                _matches[m.Id] = new Tracked { Confirmed = "proposed" };
            }
            _unansweredPosts.Clear();
            return failures;
        }

        private static void Check(List<string> failures, string what, Tracked tracked, string? stored, JsonNode? storedDocument)
        {
            if (stored == tracked.Confirmed)
            {
                if (tracked.ConfirmedDocument is not null && storedDocument is not null && !JsonNode.DeepEquals(tracked.ConfirmedDocument, storedDocument))
                {
                    failures.Add($"{what}: stored {storedDocument.ToJsonString()} differs from the acknowledged {tracked.ConfirmedDocument.ToJsonString()}");
                }
            }
            else if (tracked.Pending is null || stored != tracked.Pending)
            {
                var pending = tracked.Pending is null ? "" : $" or the unanswered {tracked.Pending}";
                failures.Add($"{what}: stored {stored ?? "nothing"}, acknowledged {tracked.Confirmed ?? "nothing"}{pending}");
            }
            tracked.Confirmed = stored;
            tracked.ConfirmedDocument = storedDocument;
            tracked.Pending = null;
        }
    }

    // ------------------------------------------------------------------ Kestrel's own limits, in the real process

    [TestCase(true)]
    [TestCase(false)]
    public async Task RealKestrel_TwoMegabyteBody_Is413Problem_AndTheServiceGoesOn(bool declaredLength)
    {
        Api = await ApiProcess.StartAsync(Path.Combine(Folder, "matching.db"));
        using var client = Api.Client();
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(ApiFactory.NewcomerBody());
        byte[] body = [.. json, .. Enumerable.Repeat((byte)' ', 2 * 1024 * 1024)];
        // Without a length the body goes chunked, and only Kestrel's MaxRequestBodySize or the reader's count stop it.
        HttpContent content = declaredLength ? new ByteArrayContent(body) : new StreamContent(new NonSeekableStream(body));
        content.Headers.ContentType = new("application/json");

        var problem = await (await client.PutAsync("/api/v1/newcomers/nc-big", content)).ShouldBeProblem(HttpStatusCode.RequestEntityTooLarge);

        problem.GetProperty("title").GetString().Should().Be("Payload too large");
        using var after = Api.Client();
        await (await after.GetAsync("/api/v1/newcomers/nc-big")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task RealKestrel_NulInPath_Is400_NeverAServerError()
    {
        Api = await ApiProcess.StartAsync(Path.Combine(Folder, "matching.db"));
        using var client = Api.Client();

        var response = await client.GetAsync("/api/v1/newcomers/a%00b");

        // Kestrel refuses a decoded NUL before the app runs, so this 400 has no problem body; what matters is no 5xx.
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A stream whose length is unknown, so that HttpClient sends it chunked.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
