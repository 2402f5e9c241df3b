using System.Data;
using System.Data.Common;
using Dapper;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Matching.Storage;

/// <summary>
/// PostgreSQL through Npgsql, for several service instances on one database: the same Dapper SQL as SQLite, row
/// locks (<c>FOR UPDATE</c>) where two instances could race, migrations under an advisory lock so that instances
/// starting together apply each once, and whole transactions retried on serialisation failures and deadlocks only.
/// </summary>
/// <remarks>Thread-safe: connections come from Npgsql's pool.</remarks>
public sealed class PostgresDatabase : IMatchingDatabase, IDisposable
{
    private const long MigrationLockKey = 0x4D61746368; // "Match"
    private readonly NpgsqlDataSource _source;
    private readonly ResiliencePipeline _retry;
    private readonly SemaphoreSlim _writers;

    /// <summary>How many writes run at once at most: half the connection pool (see the constructor).</summary>
    public int MaxWriters { get; }

    /// <summary>Creates the database over a connection string such as <c>Host=127.0.0.1;Database=matching;Username=…</c>.</summary>
    public PostgresDatabase(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        // The service sends the same few dozen statements all day: prepared once per connection, PostgreSQL parses and
        // plans them once (on two cores shared with the service, its backends' CPU is the mixed load's tail). A
        // connection string that sets its own value keeps it.
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase)) settings.MaxAutoPrepare = 64;
        _source = NpgsqlDataSource.Create(settings.ConnectionString);
        // A write holds its connection after its commit while it waits for its turn at the in-memory state (the write
        // gate), and the change feed reads in a turn of its own: at most half the pool's connections are writes', so the
        // feed always finds one.
        MaxWriters = Math.Max(1, new NpgsqlConnectionStringBuilder(connectionString).MaxPoolSize / 2);
        _writers = new SemaphoreSlim(MaxWriters);
        _retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                // 40001 serialization_failure, 40P01 deadlock_detected: PostgreSQL rolled the transaction back; running
                // it again is safe. Nothing else is retried: a constraint error would only fail again.
                ShouldHandle = new PredicateBuilder().Handle<PostgresException>(e => e.SqlState is "40001" or "40P01"),
                MaxRetryAttempts = 5,
                Delay = TimeSpan.FromMilliseconds(20),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
            })
            .Build();
    }

    /// <inheritdoc />
    public string Provider => "postgres";

    /// <inheritdoc />
    public string ForUpdate => " FOR UPDATE";

    /// <inheritdoc />
    public DbConnection Open() => _source.OpenConnection();

    /// <inheritdoc />
    public T Read<T>(Func<DbConnection, T> read)
    {
        using var connection = Open();
        return read(connection);
    }

    /// <inheritdoc />
    public T Write<T>(Func<DbConnection, IDbTransaction, T> write) => Write(write, static (_, commit) => commit());

    /// <inheritdoc />
    /// <remarks>At most half the pool's connections run writes at once (a write's commit may wait for the caller's
    /// turn, holding its connection, while the caller's turn waits for a read).</remarks>
    public T Write<T>(Func<DbConnection, IDbTransaction, T> write, Action<T, Action> commit)
    {
        _writers.Wait();
        try
        {
            return _retry.Execute(() =>
            {
                using var connection = Open();
                using var transaction = connection.BeginTransaction(IsolationLevel.ReadCommitted);
                var result = write(connection, transaction);
                commit(result, transaction.Commit);
                return result;
            });
        }
        finally
        {
            _writers.Release();
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<int> Migrate()
    {
        Write((c, t) =>
        {
            c.Execute("SELECT pg_advisory_xact_lock(@key)", new { key = MigrationLockKey }, t);
            c.Execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);", transaction: t);
            return true;
        });
        return Migrations.Apply(this, Provider, "to_char(now() AT TIME ZONE 'utc', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')", (c, t) => c.Execute("SELECT pg_advisory_xact_lock(@key)", new { key = MigrationLockKey }, t));
    }

    /// <inheritdoc />
    public int SchemaVersion() => Read(c => c.ExecuteScalar<int?>("SELECT MAX(version) FROM schema_migrations") ?? 0);

    /// <inheritdoc />
    public int LatestVersion => Migrations.For(Provider).Max(m => m.Version);

    /// <inheritdoc />
    public void Dispose()
    {
        _source.Dispose();
        _writers.Dispose();
    }
}
