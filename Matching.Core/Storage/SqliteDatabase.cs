using System.Data;
using System.Data.Common;
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
public sealed class SqliteDatabase : IMatchingDatabase
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private readonly string _connectionString;
    private readonly ResiliencePipeline _retry;
    private readonly Lock _writers = new();

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

    /// <inheritdoc />
    public string Provider => "sqlite";

    /// <inheritdoc />
    /// <remarks>Empty: <c>BEGIN IMMEDIATE</c> already serialises every writer.</remarks>
    public string ForUpdate => "";

    /// <inheritdoc />
    DbConnection IMatchingDatabase.Open() => Open();

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

    /// <inheritdoc />
    public T Read<T>(Func<DbConnection, T> read)
    {
        using var connection = Open();
        return read(connection);
    }

    /// <summary>Runs a write in one <c>BEGIN IMMEDIATE</c> transaction, retried whole on a busy or locked database.</summary>
    public T Write<T>(Func<DbConnection, IDbTransaction, T> write) => Write(write, static (_, commit) => commit());

    /// <inheritdoc />
    /// <remarks>
    /// The writes of this process take turns here before they begin: SQLite has one writer, and a second
    /// <c>BEGIN IMMEDIATE</c> would only poll the file's lock (Microsoft.Data.Sqlite retries a busy database in steps of
    /// many milliseconds). Another process on the same file is still met by the retries.
    /// </remarks>
    public T Write<T>(Func<DbConnection, IDbTransaction, T> write, Action<T, Action> commit)
    {
        lock (_writers)
        {
            return _retry.Execute(() =>
            {
                using var connection = Open();
                using var transaction = connection.BeginTransaction(deferred: false);
                var result = write(connection, transaction);
                commit(result, transaction.Commit);
                return result;
            });
        }
    }

    /// <summary>Applies the migrations that have not run yet, each in its own transaction, and switches to WAL.</summary>
    /// <returns>The versions applied now.</returns>
    public IReadOnlyList<int> Migrate()
    {
        using (var connection = Open())
        {
            connection.Execute("PRAGMA journal_mode = WAL;");
        }
        Write((c, t) => c.Execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);", transaction: t));
        return Migrations.Apply(this, Provider, "strftime('%Y-%m-%dT%H:%M:%fZ','now')");
    }

    /// <inheritdoc />
    public int SchemaVersion() => Read(c => c.ExecuteScalar<int?>("SELECT MAX(version) FROM schema_migrations") ?? 0);

    /// <inheritdoc />
    public int LatestVersion => Migrations.For(Provider).Max(m => m.Version);
}
