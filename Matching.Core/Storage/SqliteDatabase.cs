using System.Data;
using Dapper;
using Microsoft.Data.Sqlite;
using Polly;
using Polly.Retry;

namespace Matching.Storage;

/// <summary>
/// The embedded SQLite database: connections with foreign keys on and <c>synchronous=FULL</c>, WAL journaling,
/// versioned migrations applied at start, and write transactions (<c>BEGIN IMMEDIATE</c>) retried as a whole on
/// SQLITE_BUSY or SQLITE_LOCKED only, never on a constraint error.
/// </summary>
/// <remarks>Thread-safe: every call opens its own pooled connection.</remarks>
public sealed class SqliteDatabase
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private readonly string _connectionString;
    private readonly ResiliencePipeline _retry;

    /// <summary>Creates the database over a connection string such as <c>Data Source=data/matching.db</c>; the folder is created.</summary>
    public SqliteDatabase(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            ForeignKeys = true,
            Pooling = true,
            DefaultTimeout = 5,
        };
        if (builder.DataSource is { Length: > 0 } file && file != ":memory:" && Path.GetDirectoryName(Path.GetFullPath(file)) is { } dir)
        {
            Directory.CreateDirectory(dir);
        }
        _connectionString = builder.ToString();
        // No jitter: retries stay deterministic; the lock holder finishes within milliseconds.
        _retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<SqliteException>(e => e.SqliteErrorCode is SqliteBusy or SqliteLocked),
                MaxRetryAttempts = 5,
                Delay = TimeSpan.FromMilliseconds(20),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
            })
            .Build();
    }

    /// <summary>Opens a connection with the per-connection pragmas set.</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // synchronous=FULL: a committed match survives a power cut, not only a process crash.
        // secure_delete: an erased newcomer's bytes are overwritten, not left in free pages.
        connection.Execute("PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;");
        return connection;
    }

    /// <summary>Runs a read on its own connection.</summary>
    public T Read<T>(Func<SqliteConnection, T> read)
    {
        using var connection = Open();
        return read(connection);
    }

    /// <summary>Runs a write in one <c>BEGIN IMMEDIATE</c> transaction, retried whole on a busy or locked database.</summary>
    public T Write<T>(Func<SqliteConnection, IDbTransaction, T> write) =>
        _retry.Execute(() =>
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            var result = write(connection, transaction);
            transaction.Commit();
            return result;
        });

    /// <summary>Applies the migrations that have not run yet, each in its own transaction, and switches to WAL.</summary>
    /// <returns>The versions applied now.</returns>
    public IReadOnlyList<int> Migrate()
    {
        using (var connection = Open())
        {
            connection.Execute("PRAGMA journal_mode = WAL;");
            connection.Execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);");
        }
        var applied = new List<int>();
        foreach (var (version, name, sql) in Migrations.All())
        {
            var ran = Write((c, t) =>
            {
                if (c.ExecuteScalar<long>("SELECT COUNT(*) FROM schema_migrations WHERE version = @version", new { version }, t) > 0) return false;
                c.Execute(sql, transaction: t);
                c.Execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
                    new { version, name }, t);
                return true;
            });
            if (ran) applied.Add(version);
        }
        return applied;
    }

    /// <summary>The highest migration applied, or 0.</summary>
    public int SchemaVersion() => Read(c => c.ExecuteScalar<int?>("SELECT MAX(version) FROM schema_migrations") ?? 0);

    /// <summary>The highest migration this build ships.</summary>
    public static int LatestVersion => Migrations.All().Max(m => m.Version);
}

/// <summary>The SQL migrations embedded from Storage/Migrations, named NNNN_description.sql.</summary>
internal static class Migrations
{
    public static IEnumerable<(int Version, string Name, string Sql)> All()
    {
        var assembly = typeof(Migrations).Assembly;
        const string prefix = "Matching.Migrations.";
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var name = resource[prefix.Length..];
            var version = int.Parse(name.AsSpan(0, name.IndexOf('_', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture);
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            yield return (version, name, reader.ReadToEnd());
        }
    }
}
