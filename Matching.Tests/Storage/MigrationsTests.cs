using Dapper;
using Matching.Storage;

namespace Matching.Tests.Storage;

public class MigrationsTests
{
    private string _folder = "";

    [SetUp]
    public void SetUp() => _folder = Path.Combine(Path.GetTempPath(), "matching-tests", Guid.NewGuid().ToString("N"));

    [TearDown]
    public void TearDown()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    [Test]
    public void Migrate_NewFile_AppliesEveryMigrationOnce_ThenNone()
    {
        Directory.CreateDirectory(_folder);
        var db = new SqliteDatabase($"Data Source={Path.Combine(_folder, "m.db")}");

        var first = db.Migrate();
        var second = db.Migrate();

        first.Should().Equal(Migrations.For("sqlite").Select(m => m.Version)).And.BeInAscendingOrder();
        second.Should().BeEmpty();
        db.SchemaVersion().Should().Be(db.LatestVersion);
        db.Read(c => c.Query<string>("SELECT name FROM sqlite_master WHERE type = 'table'").ToList())
            .Should().Contain(["newcomers", "offers", "matches", "weight_profiles", "audit", "assignments", "changes"]);
    }

    [Test]
    public void Migrations_EveryProvider_ShipsTheSameVersions()
    {
        Migrations.For("sqlite").Select(m => m.Version).Should().Equal(Migrations.For("postgres").Select(m => m.Version));
    }
}
