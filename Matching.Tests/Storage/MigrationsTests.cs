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

    [TestCase("sqlite")]
    [TestCase("postgres")]
    public void Migrate_DatabaseOfTheReleaseBefore_AddsTrajectoryStart_NullForStoredNewcomers_Indexed(string provider)
    {
        using var postgres = provider == "postgres" ? new Matching.Tests.Api.PostgresDatabaseFixture() : null;
        Directory.CreateDirectory(_folder);
        IMatchingDatabase db = postgres is null ? new SqliteDatabase($"Data Source={Path.Combine(_folder, "m.db")}") : new PostgresDatabase(postgres.ConnectionString);
        // The database as the release before left it: the migrations up to 0009, and a newcomer stored then.
        db.Write((c, t) =>
        {
            c.Execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);", transaction: t);
            foreach (var (version, name, sql) in Migrations.For(provider).Where(m => m.Version <= 9))
            {
                c.Execute(sql, transaction: t);
                c.Execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, '2026-11-01T00:00:00.000Z')", new { version, name }, t);
            }
            var json = System.Text.Json.JsonSerializer.Serialize(Matching.Contracts.DocumentMapper.ToDocument(TestData.Newcomer("nc-old")), Matching.Contracts.DocumentJson.Options);
            c.Execute("INSERT INTO newcomers (id, document, trajectory_end, created_at, updated_at, change_seq) VALUES ('nc-old', @json, '2027-05-01', '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z', 1)",
                new { json }, t);
            return true;
        });

        db.Migrate().Should().Equal(Migrations.For(provider).Where(m => m.Version > 9).Select(m => m.Version));

        db.Read(c => c.QuerySingle<(string Id, string? Start)>("SELECT id, trajectory_start FROM newcomers")).Should().Be(("nc-old", null));
        var indexes = postgres is null
            ? "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'newcomers'"
            : "SELECT indexname FROM pg_indexes WHERE tablename = 'newcomers'";
        db.Read(c => c.Query<string>(indexes).ToList()).Should().Contain("ix_newcomers_trajectory_start");
    }

    [Test]
    public void Migrations_EveryProvider_ShipsTheSameVersions()
    {
        Migrations.For("sqlite").Select(m => m.Version).Should().Equal(Migrations.For("postgres").Select(m => m.Version));
    }
}
