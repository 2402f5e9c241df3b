using Npgsql;

namespace Matching.Tests.Api;

/// <summary>
/// A fresh PostgreSQL database per test, on the server named by <c>MATCHING_TEST_POSTGRES</c> (CI starts one on
/// loopback). Without it the PostgreSQL tests are skipped locally, and fail under CI, so a missing server never hides.
/// </summary>
internal sealed class PostgresDatabaseFixture : IDisposable
{
    private readonly string _admin;

    public PostgresDatabaseFixture()
    {
        var admin = Environment.GetEnvironmentVariable("MATCHING_TEST_POSTGRES");
        if (string.IsNullOrEmpty(admin))
        {
            if (UnderCi)
            {
                Assert.Fail("CI is set but MATCHING_TEST_POSTGRES is not: this PostgreSQL test has no server to run against. "
                    + "Under CI it fails instead of skipping, so that a missing server cannot pass unseen; .ci/run installs and starts "
                    + "PostgreSQL on loopback and sets MATCHING_TEST_POSTGRES (see its log for why that did not happen).");
            }
            Assert.Ignore("MATCHING_TEST_POSTGRES is not set: no PostgreSQL server to test against.");
        }
        _admin = admin!;
        Name = "matching_test_" + Guid.NewGuid().ToString("N");
        using var connection = new NpgsqlConnection(_admin);
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE {Name}", connection);
        command.ExecuteNonQuery();
        ConnectionString = new NpgsqlConnectionStringBuilder(_admin) { Database = Name }.ToString();
    }

    /// <summary>Whether the tests run under CI (<c>CI=true</c> or <c>CI=1</c>, as CI services and .ci/run set it).</summary>
    private static bool UnderCi => Environment.GetEnvironmentVariable("CI") is { } ci
        && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    public string Name { get; }

    public string ConnectionString { get; }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(_admin);
        connection.Open();
        using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        // A server process of another role on the database (autovacuum, or a session another tool opened) cannot be
        // terminated by the test role: the drop then fails (42501) until it has gone. Cleanup is not what a test checks,
        // so after a few tries the database is left behind and named.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                command.ExecuteNonQuery();
                return;
            }
            catch (PostgresException e) when (e.SqlState is "42501" or "55006")
            {
                if (attempt == 5)
                {
                    TestContext.Out.WriteLine($"test database {Name} left behind: {e.SqlState}");
                    return;
                }
                Thread.Sleep(200 * attempt);
            }
        }
    }
}
