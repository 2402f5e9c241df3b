using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Matching.Api.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Data.Sqlite;

namespace Matching.Tests.Api;

/// <summary>
/// Bad input of every kind, thousands of requests from a fixed seed: every answer is a 4xx problem details body (or
/// a 2xx where the mutated input happens to be valid), never a 5xx or a stack trace, and a refused request changes
/// nothing in the database. Set MATCHING_FUZZ_SEED to replay another seed.
/// </summary>
[Category("Fuzz")]
public class BadInputFuzzTests
{
    private const int DefaultSeed = 20_261_128;
    private const int Requests = 5_000;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("MATCHING_FUZZ_SEED"), out var seed) ? seed : DefaultSeed;

    [Test]
    public async Task Fuzz_ThousandsOfBadRequests_Answer4xxProblemAndLeaveDataUnchanged()
    {
        var seed = Seed;
        using var factory = new ApiFactory();
        using var client = factory.Client(null);
        using var admin = factory.Client(ApiFactory.AdminKey);
        client.Timeout = admin.Timeout = TimeSpan.FromSeconds(30);
        using var db = DatabaseSnapshot.Open(factory.DatabaseFile);
        var targets = new FuzzTargets();
        await SeedAsync(admin);
        await RestoreAsync(admin, db, targets);

        var generator = new BadRequestGenerator(new Random(seed), targets);
        var failures = new List<string>();
        var tally = new SortedDictionary<string, (int Rejected, int Accepted)>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        var contents = new DatabaseSnapshot.Watch(db);
        var before = contents.Hash();
        for (var i = 0; i < Requests; i++)
        {
            var request = generator.Next();
            var (status, problems) = await SendAndCheckAsync(client, request);
            // Every refusal is compared with the state just before it: the one request that changed data is named.
            var after = contents.Hash();
            if (status >= 400 && after != before) problems.Add("a refused request changed the database");
            foreach (var problem in problems) failures.Add($"#{i} (seed {seed}) {problem}: {request.Describe()}");
            var group = Group(request.Kind);
            var (rejected, accepted) = tally.GetValueOrDefault(group);
            tally[group] = status is >= 200 and < 300 ? (rejected, accepted + 1) : (rejected + 1, accepted);
            // A valid request may change the state the fuzz aims at (erase nc-1, fill an offer): put it back.
            if (status is >= 200 and < 300 && request.Method is not ("GET" or "HEAD"))
            {
                await RestoreAsync(admin, db, targets);
                after = contents.Hash();
            }
            before = after;
        }
        var elapsed = clock.Elapsed;

        var totalRejected = tally.Values.Sum(t => t.Rejected);
        var totalAccepted = tally.Values.Sum(t => t.Accepted);
        TestContext.Out.WriteLine($"seed {seed}: {Requests} requests in {elapsed.TotalSeconds:0.0} s, {totalRejected} refused (4xx), {totalAccepted} accepted (2xx)");
        foreach (var (group, (rejected, accepted)) in tally) TestContext.Out.WriteLine($"  {group,-32} refused {rejected,5}  accepted {accepted,5}");

        foreach (var failure in failures.Take(50)) TestContext.Out.WriteLine(failure);
        failures.Should().BeEmpty($"seed {seed} gave {failures.Count} failures (the first 50 are in the test output)");
        totalRejected.Should().BeGreaterThan(Requests * 3 / 4, "most fuzzed requests are invalid; if not, the generator lost its teeth");
        await IndexAgreesWithDatabaseAsync(factory, admin, db);
        DatabaseSnapshot.IntegrityCheck(db).Should().Be("ok");
        DatabaseSnapshot.ForeignKeyViolations(db).Should().BeEmpty();
        DatabaseSnapshot.OverbookedOffers(db).Should().BeEmpty();
    }

    /// <summary>The tally's line for a request: "body:wrongType" from "body:offer:wrongType $.kind", sizes left out.</summary>
    private static string Group(string kind)
    {
        var parts = kind.Split(' ')[0].Split(':');
        var name = parts.Length == 3 ? $"{parts[0]}:{parts[2]}" : string.Join(':', parts);
        var paren = name.IndexOf('(', StringComparison.Ordinal);
        return paren < 0 ? name : name[..paren];
    }

    /// <summary>Sends one request; returns its status and what is wrong with the answer.</summary>
    private static async Task<(int Status, List<string> Problems)> SendAndCheckAsync(HttpClient client, FuzzRequest r)
    {
        var problems = new List<string>();
        using var message = new HttpRequestMessage(new HttpMethod(r.Method), new Uri(r.Path, UriKind.Relative));
        if (r.ApiKey is not null) message.Headers.TryAddWithoutValidation(ApiKeyHandler.Header, r.ApiKey);
        if (r.Body is not null)
        {
            message.Content = new ByteArrayContent(r.Body);
            if (r.ContentType is not null) message.Content.Headers.TryAddWithoutValidation("Content-Type", r.ContentType);
        }
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(message);
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or IOException or TaskCanceledException)
        {
            problems.Add($"no answer ({ex.GetType().Name}: {ex.Message.Split('\n')[0]})");
            return (599, problems);
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync();
            var said = $"{status} {(body.Length > 300 ? body[..300] + "…" : body)}";
            if (status >= 500) problems.Add($"server error {said}");
            else if (status is < 200 or (>= 300 and < 400)) problems.Add($"unexpected status {said}");
            else if (status >= 400)
            {
                // A HEAD answer has no body by definition; every other refusal is RFC 9457 problem details.
                if (r.Method != "HEAD") problems.AddRange(ProblemIssues(response, body, status).Select(p => $"{p}: {said}"));
            }
            else if (r.MustReject) problems.Add($"accepted an invalid request {said}");
            if (body.Contains("   at ", StringComparison.Ordinal) || body.Contains("Exception", StringComparison.Ordinal)) problems.Add($"exception text in the answer {said}");
            return (status, problems);
        }
    }

    private static IEnumerable<string> ProblemIssues(HttpResponseMessage response, string body, int status)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            yield return $"content type {response.Content.Headers.ContentType?.MediaType ?? "none"}, not application/problem+json";
            yield break;
        }
        JsonElement json;
        try
        {
            json = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            json = default;
        }
        if (json.ValueKind != JsonValueKind.Object) yield return "problem body is not a JSON object";
        else if (!json.TryGetProperty("status", out var s) || s.GetInt32() != status) yield return "problem status differs from the HTTP status";
    }

    // ------------------------------------------------------------------ the state the fuzz aims at

    /// <summary>Three newcomers, a full offer (capacity 1) and a roomy one, and a profile of the fuzz's own.</summary>
    private static async Task SeedAsync(HttpClient admin)
    {
        foreach (var id in new[] { "nc-1", "nc-2", "nc-3" }) (await admin.PutAsJsonAsync($"/api/v1/newcomers/{id}", ApiFactory.NewcomerBody())).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync("/api/v1/offers/offer-1", ApiFactory.OfferBody(capacity: 1))).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync("/api/v1/offers/offer-2", ApiFactory.OfferBody(capacity: 10_000))).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync("/api/v1/weight-profiles/fz-profile", new { weights = new { distance = 1, interests = 1 } })).EnsureSuccessStatusCode();
        var id1 = (await (await admin.PostAsJsonAsync("/api/v1/matches", new { newcomerId = "nc-1", offerId = "offer-1" })).Json(HttpStatusCode.Created)).GetProperty("id").GetString();
        (await admin.PatchAsJsonAsync($"/api/v1/matches/{id1}", new { status = "accepted" })).EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Puts back what accepted requests took away: the seeded newcomers and offers, a proposed, an accepted and a
    /// started match to aim PATCHes at, and an unconfirmed assignment. Checked through SQL, so it costs little when
    /// nothing is missing.
    /// </summary>
    private static async Task RestoreAsync(HttpClient admin, SqliteConnection db, FuzzTargets targets)
    {
        var newcomers = db.Query<string>("SELECT id FROM newcomers WHERE id IN ('nc-1','nc-2','nc-3')").ToHashSet();
        foreach (var id in new[] { "nc-1", "nc-2", "nc-3" }.Where(id => !newcomers.Contains(id)))
        {
            (await admin.PutAsJsonAsync($"/api/v1/newcomers/{id}", ApiFactory.NewcomerBody())).EnsureSuccessStatusCode();
        }
        var offers = db.Query<(string Id, long Capacity, long Deleted)>("SELECT id, capacity, deleted FROM offers WHERE id IN ('offer-1','offer-2')").ToDictionary(o => o.Id);
        // offer-1 may hold more than one place after a valid capacity change; then it stays as it is (409).
        if (!offers.TryGetValue("offer-1", out var o1) || o1.Deleted == 1 || o1.Capacity != 1) await admin.PutAsJsonAsync("/api/v1/offers/offer-1", ApiFactory.OfferBody(capacity: 1));
        if (!offers.TryGetValue("offer-2", out var o2) || o2.Deleted == 1 || o2.Capacity < 1_000) await admin.PutAsJsonAsync("/api/v1/offers/offer-2", ApiFactory.OfferBody(capacity: 10_000));

        var latest = db.Query<(string Id, string Status)>("SELECT id, status FROM matches ORDER BY rowid DESC LIMIT 50").ToList();
        string? Latest(string status) => latest.FirstOrDefault(m => m.Status == status).Id;
        var pool = new List<string>();
        foreach (var (status, steps) in new (string Status, string[] Steps)[] { ("proposed", []), ("accepted", ["accepted"]), ("started", ["accepted", "started"]) })
        {
            var id = Latest(status) ?? await NewMatchAsync(admin, targets, steps);
            pool.Add(id);
        }
        if ((Latest("completed") ?? Latest("stopped") ?? Latest("declined")) is { } ended) pool.Add(ended);
        targets.MatchIds.Clear();
        targets.MatchIds.AddRange(pool);

        var assignment = db.QuerySingleOrDefault<string>("SELECT status FROM assignments WHERE id = @id", new { id = targets.AssignmentId });
        if (assignment != "proposed")
        {
            var newcomer = $"fz-a{targets.Fresh++}";
            (await admin.PutAsJsonAsync($"/api/v1/newcomers/{newcomer}", ApiFactory.NewcomerBody())).EnsureSuccessStatusCode();
            var created = await (await admin.PostAsJsonAsync("/api/v1/assignments", new { newcomerIds = new[] { newcomer }, mode = "greedy" })).Json(HttpStatusCode.Created);
            targets.AssignmentId = created.GetProperty("id").GetString()!;
        }
    }

    private static async Task<string> NewMatchAsync(HttpClient admin, FuzzTargets targets, string[] steps)
    {
        var newcomer = $"fz-m{targets.Fresh++}";
        (await admin.PutAsJsonAsync($"/api/v1/newcomers/{newcomer}", ApiFactory.NewcomerBody())).EnsureSuccessStatusCode();
        var created = await (await admin.PostAsJsonAsync("/api/v1/matches", new { newcomerId = newcomer, offerId = "offer-2", @override = new { reason = "fuzz" } })).Json(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        foreach (var step in steps) await (await admin.PatchAsJsonAsync($"/api/v1/matches/{id}", new { status = step })).Json();
        return id;
    }

    /// <summary>The in-memory index answers what the database holds: every offer and its places taken.</summary>
    private static async Task IndexAgreesWithDatabaseAsync(ApiFactory factory, HttpClient admin, SqliteConnection db)
    {
        var offers = db.Query<(string Id, long Deleted, long Held)>(
            "SELECT o.id, o.deleted, (SELECT COUNT(*) FROM matches m WHERE m.offer_id = o.id AND m.status IN ('accepted','started')) FROM offers o").ToList();
        foreach (var (id, deleted, held) in offers)
        {
            var response = await admin.GetAsync($"/api/v1/offers/{id}");
            if (deleted == 1)
            {
                await response.ShouldBeProblem(HttpStatusCode.NotFound);
                factory.HeldInIndex(id).Should().BeNull($"deleted offer {id} is not in the index");
                continue;
            }
            (await response.Json()).GetProperty("placesTaken").GetInt64().Should().Be(held, $"offer {id}'s places taken read equal the database's count");
            factory.HeldInIndex(id).Should().Be((int)held, $"offer {id}'s places taken in the index equal the database's count");
        }
    }

    // ------------------------------------------------------------------ what the fuzz found, kept as regressions

    private static string Edited(object body, Action<System.Text.Json.Nodes.JsonObject> edit)
    {
        var node = JsonSerializer.SerializeToNode(body)!.AsObject();
        edit(node);
        return node.ToJsonString();
    }

    private static IEnumerable<TestCaseData> NotOneNameCases()
    {
        TestCaseData Case(string method, string path, string field, string json) => new TestCaseData(method, path, field, json).SetArgDisplayNames(method, path, json.Length > 60 ? field : json);
        yield return Case("PUT", "/api/v1/offers/offer-9", "setting", Edited(ApiFactory.OfferBody(), o => o["setting"] = "careHome "));
        yield return Case("PUT", "/api/v1/offers/offer-9", "kind", Edited(ApiFactory.OfferBody(), o => o["kind"] = "buddy,volunteering"));
        yield return Case("PUT", "/api/v1/newcomers/nc-9", "gender", Edited(ApiFactory.NewcomerBody(), o => o["gender"] = "female, female"));
        yield return Case("PUT", "/api/v1/newcomers/nc-9", "goals[0]", Edited(ApiFactory.NewcomerBody(), o => o["goals"] = new System.Text.Json.Nodes.JsonArray("work,work")));
        yield return Case("POST", "/api/v1/assignments", "mode", """{"mode":"stable, stable"}""");
        yield return Case("POST", "/api/v1/assignments", "kinds[0]", """{"kinds":["languageInternship, languageInternship"]}""");
        yield return Case("POST", "/api/v1/assignments", "lang", """{"lang":"en\t"}""");
        yield return Case("PATCH", "/api/v1/matches/{match}", "status", """{"status":"accepted\t"}""");
        yield return Case("PATCH", "/api/v1/matches/{match}", "reason", """{"status":"declined","reason":"work, work"}""");
        yield return Case("GET", "/api/v1/offers?kind=buddy,volunteering", "kind", "");
        yield return Case("GET", "/api/v1/reports/gaps?groupBy=province%2Cmunicipality", "groupBy", "");
    }

    /// <summary>Found by the fuzz (seed 20261128): a list of names or a padded name was read as one value, and stored.</summary>
    [TestCaseSource(nameof(NotOneNameCases))]
    public async Task FoundByFuzz_EnumValueThatIsNotOneName_Is400NamingTheField(string method, string path, string field, string json)
    {
        using var factory = new ApiFactory();
        using var admin = factory.Client(ApiFactory.AdminKey);
        await factory.SeedPairAsync();
        var match = (await (await admin.PostAsJsonAsync("/api/v1/matches", new { newcomerId = "nc-1", offerId = "offer-1" })).Json(HttpStatusCode.Created)).GetProperty("id").GetString()!;
        using var db = DatabaseSnapshot.Open(factory.DatabaseFile);
        var before = DatabaseSnapshot.Hash(db);
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{match}", match, StringComparison.Ordinal));
        if (json.Length > 0) request.Content = new StringContent(json, Encoding.UTF8, "application/json");

        await (await admin.SendAsync(request)).ShouldBeValidationProblem(field);
        DatabaseSnapshot.Hash(db).Should().Be(before);
    }

    // ------------------------------------------------------------------ the limits, one by one

    [TestCase(true)]
    [TestCase(false)]
    public async Task Put_BodyOverSizeLimit_Is413Problem_AndStoresNothing(bool declaredLength)
    {
        using var factory = new ApiFactory();
        using var admin = factory.Client(ApiFactory.AdminKey);
        var json = JsonSerializer.SerializeToUtf8Bytes(ApiFactory.NewcomerBody());
        byte[] body = [.. json, .. Enumerable.Repeat((byte)' ', JsonBody.MaxBytes + 1 - json.Length)];
        HttpContent content = declaredLength ? new ByteArrayContent(body) : new UnknownLengthContent(body);
        content.Headers.ContentType = new("application/json");

        var response = await admin.PutAsync("/api/v1/newcomers/nc-big", content);

        await response.ShouldBeProblem(HttpStatusCode.RequestEntityTooLarge);
        await (await admin.GetAsync("/api/v1/newcomers/nc-big")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Put_BodyExactlyAtSizeLimit_IsAccepted()
    {
        using var factory = new ApiFactory();
        using var admin = factory.Client(ApiFactory.AdminKey);
        var json = JsonSerializer.SerializeToUtf8Bytes(ApiFactory.NewcomerBody());
        using var content = new ByteArrayContent([.. json, .. Enumerable.Repeat((byte)' ', JsonBody.MaxBytes - json.Length)]);
        content.Headers.ContentType = new("application/json");

        (await admin.PutAsync("/api/v1/newcomers/nc-big", content)).StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [TestCase(17)]
    [TestCase(100)]
    [TestCase(10_000)]
    public async Task Put_DeeplyNestedJson_Is400Problem(int depth)
    {
        using var factory = new ApiFactory();
        using var admin = factory.Client(ApiFactory.AdminKey);
        foreach (var body in new[]
        {
            new string('[', depth) + new string(']', depth),
            "{\"location\":" + string.Concat(Enumerable.Repeat("{\"place\":", depth)) + "\"Gent\"" + new string('}', depth + 1),
            "{\"languages\":" + new string('[', depth) + new string(']', depth) + "}",
        })
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            await (await admin.PutAsync("/api/v1/newcomers/nc-deep", content)).ShouldBeProblem(HttpStatusCode.BadRequest);
        }
    }

    /// <summary>
    /// The documents have no recursive type, so a type error stops deep JSON before the depth limit can; the limit is
    /// the guard for any future type that nests. Read into a JSON tree, which nests freely, it refuses depth 17.
    /// </summary>
    [TestCase(16, true)]
    [TestCase(17, false)]
    [TestCase(10_000, false)]
    public async Task ReadBody_JsonDepth_LimitIs16(int depth, bool accepted)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', depth)));

        var (value, error) = await JsonBody.ReadAsync<System.Text.Json.Nodes.JsonArray>(context.Request, CancellationToken.None);

        (value is not null).Should().Be(accepted);
        (error is null).Should().Be(accepted);
        if (!accepted) error!.Result.Should().BeOfType<Microsoft.AspNetCore.Http.HttpResults.ValidationProblem>()
            .Which.ProblemDetails.Errors.Values.SelectMany(m => m).Should().Contain("The JSON is nested too deeply.");
    }

    /// <summary>Kestrel refuses a body past the reader's limit before the app sees it; the process tests send it one.</summary>
    [Test]
    public void Kestrel_MaxRequestBodySize_IsTheJsonBodyLimit()
    {
        using var factory = new ApiFactory();
        var kestrel = factory.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value;

        kestrel.Limits.MaxRequestBodySize.Should().Be(JsonBody.MaxBytes);
    }

    [TestCase("POST", "/api/v1/newcomers/nc-1", HttpStatusCode.MethodNotAllowed)]
    [TestCase("OPTIONS", "/api/v1/offers", HttpStatusCode.MethodNotAllowed)]
    [TestCase("FOO", "/api/v1/matches", HttpStatusCode.MethodNotAllowed)]
    [TestCase("GET", "/api/v1/nothing", HttpStatusCode.NotFound)]
    [TestCase("GET", "/api/v1/offers/offer-1/x", HttpStatusCode.NotFound)]
    public async Task Routing_UnknownPathOrMethod_IsProblemDetails(string method, string path, HttpStatusCode status)
    {
        using var factory = new ApiFactory();
        using var admin = factory.Client(ApiFactory.AdminKey);

        var response = await admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await response.ShouldBeProblem(status);
        if (status == HttpStatusCode.MethodNotAllowed) response.Content.Headers.Allow.Should().NotBeEmpty("a 405 says which methods are allowed");
    }

    /// <summary>Content whose length is not known up front: sent chunked, so only the reader's own count can stop it.</summary>
    private sealed class UnknownLengthContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
