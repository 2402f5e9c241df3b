using System.Text.Json;
using Matching.Scoring;
using Matching.Service;

namespace Matching.Tests.Service;

public class WeightProfilesServiceTests
{
    private static WeightProfileDocument Unnormalised() => new()
    {
        Name = "thirds",
        // 100 : 1 : ⅓ normalises to 0.98684210…, 0.00986842…, 0.00328947…: values that only survive a reload when stored as served.
        Weights = new() { ["goals"] = 100, ["interests"] = 1, ["distance"] = 1.0 / 3 },
    };

    private static string Json(WeightProfile profile) => JsonSerializer.Serialize(profile.ToDocument(), WeightProfileDocument.JsonOptions);

    [Test]
    public void Put_WeightsThatNeedNormalising_ReadFromCacheReloadAndChangeFeed_IdenticalJson()
    {
        using var a = new ServiceFixture();
        var put = a.Profiles.Put(Unnormalised(), "test");
        put.Outcome.Should().Be(Outcome.Created);
        var served = JsonSerializer.Serialize(put.Value, WeightProfileDocument.JsonOptions);

        var cached = Json(a.Profiles.Get("thirds")!);
        var reloaded = Json(a.Another().Profiles.Get("thirds")!);
        a.Profiles.Forget("thirds");
        var afterForget = Json(a.Profiles.Get("thirds")!);
        var b = a.Another();
        b.Profiles.Get("thirds");
        var servedAgain = JsonSerializer.Serialize(a.Profiles.Put(Unnormalised(), "test").Value, WeightProfileDocument.JsonOptions);
        b.Feed.SyncChanges().Should().BeGreaterThan(0);
        var afterSync = Json(b.Profiles.Get("thirds")!);

        new[] { cached, reloaded, afterForget }.Should().AllBe(served);
        afterSync.Should().Be(servedAgain);
        put.Value!.Weights!.Values.Sum().Should().BeApproximately(1, 1e-12);
        put.Value.Weights["goals"].Should().Be(0.986842);
    }

    [Test]
    public void Put_StoredWeights_ReadBackAsTheVerySameDoubles()
    {
        using var f = new ServiceFixture();
        var stored = f.Profiles.Put(Unnormalised(), "test").Value!;

        var again = WeightProfile.Create(stored, out _)!;

        foreach (var c in Criteria.All) again.Weight(c).Should().Be(f.Profiles.Get("thirds")!.Weight(c));
        Json(again).Should().Be(Json(f.Profiles.Get("thirds")!));
    }

    [Test]
    public void Put_SameNameAgain_NextVersion_AndListShowsItBesideTheDefault()
    {
        using var f = new ServiceFixture();
        f.Profiles.Put(Unnormalised(), "test").Value!.Version.Should().Be(1);

        var second = f.Profiles.Put(Unnormalised(), "test");

        (second.Outcome, second.Value!.Version).Should().Be((Outcome.Ok, 2));
        f.Profiles.List().Should().Contain([new ProfileRef("thirds", 2), new ProfileRef(WeightProfile.Default.Name, WeightProfile.Default.Version)]);
    }

    [Test]
    public void Put_Invalid_InvalidAndNotStored_ResolveUnknown_Null()
    {
        using var f = new ServiceFixture();

        f.Profiles.Put(new WeightProfileDocument { Name = "bad", Weights = new() { ["nope"] = 1 } }, "test")
            .Errors!.ToDictionary().Should().ContainKey("weights.nope");

        f.Profiles.Get("bad").Should().BeNull();
        f.Profiles.Resolve("bad").Should().BeNull();
        f.Profiles.Resolve(null)!.Name.Should().Be(WeightProfile.Default.Name);
    }

    /// <summary>
    /// A new profile name has no row to lock: several writers creating it at once (on PostgreSQL they no longer queue
    /// at the write gate) each get their own version, and the stored and cached profile is the last of them.
    /// </summary>
    [TestCase("sqlite")]
    [TestCase("postgres")]
    public async Task Put_SameNewNameAtOnce_EachWriterGetsItsOwnVersion(string provider)
    {
        using var postgres = provider == "postgres" ? new Matching.Tests.Api.PostgresDatabaseFixture() : null;
        using var f = postgres is null ? new ServiceFixture() : ServiceFixture.OnPostgres(postgres.ConnectionString);
        var document = Unnormalised();
        f.Profiles.Put(document, "test").Outcome.Should().Be(Outcome.Created); // every connection of the pool opened once
        for (var round = 0; round < 10; round++)
        {
            var name = $"new-{round}";
            using var go = new Barrier(6);
            var versions = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
            {
                go.SignalAndWait();
                return f.Profiles.Put(new WeightProfileDocument { Name = name, Weights = document.Weights }, "test").Value!.Version;
            })));

            versions.Should().BeEquivalentTo([1, 2, 3, 4, 5, 6], $"round {round}");
            f.Profiles.Get(name)!.Version.Should().Be(6);
        }
    }
}
