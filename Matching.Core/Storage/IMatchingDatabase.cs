using System.Data;
using System.Data.Common;
using System.Globalization;
using Dapper;

namespace Matching.Storage;

/// <summary>
/// The database under the service: SQLite embedded (the default) or PostgreSQL for several instances. The same
/// Dapper SQL runs on both; the few differences are members here.
/// </summary>
public interface IMatchingDatabase
{
    /// <summary>sqlite or postgres.</summary>
    string Provider { get; }

    /// <summary>Appended to a SELECT that must lock the rows it reads until the transaction ends (empty where writers are serialised anyway).</summary>
    string ForUpdate { get; }

    /// <summary>Opens a connection.</summary>
    DbConnection Open();

    /// <summary>Runs a read on its own connection.</summary>
    T Read<T>(Func<DbConnection, T> read);

    /// <summary>Runs a write in one transaction, retried whole only when the database says retrying is safe (busy, serialisation).</summary>
    T Write<T>(Func<DbConnection, IDbTransaction, T> write);

    /// <summary>
    /// Runs a write as <see cref="Write{T}(Func{DbConnection, IDbTransaction, T})"/> does, but leaves the commit to
    /// <paramref name="commit"/>: it gets the write's result and the action that commits the transaction, and is to run
    /// that action once (a caller orders its commits this way, and applies each result right after its commit). Not
    /// running it rolls the write back; a retried transaction calls <paramref name="commit"/> again.
    /// </summary>
    T Write<T>(Func<DbConnection, IDbTransaction, T> write, Action<T, Action> commit);

    /// <summary>Applies the migrations that have not run yet; safe when several instances start at once.</summary>
    IReadOnlyList<int> Migrate();

    /// <summary>The highest migration applied, or 0.</summary>
    int SchemaVersion();

    /// <summary>The highest migration this build ships for this provider.</summary>
    int LatestVersion { get; }
}

/// <summary>The SQL migrations embedded from Storage/Migrations/{Sqlite,Postgres}, named NNNN_description.sql.</summary>
internal static class Migrations
{
    public static IEnumerable<(int Version, string Name, string Sql)> For(string provider)
    {
        var assembly = typeof(Migrations).Assembly;
        var prefix = $"Matching.Migrations.{provider}.";
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var name = resource[prefix.Length..];
            var version = int.Parse(name.AsSpan(0, name.IndexOf('_', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            yield return (version, name, reader.ReadToEnd());
        }
    }

    /// <summary>Runs each pending migration in its own transaction, recording it in schema_migrations.</summary>
    /// <param name="db">The database.</param>
    /// <param name="provider">Which folder of migrations.</param>
    /// <param name="nowSql">The provider's SQL for the current UTC time as text (the database's clock stamps its own schema).</param>
    /// <param name="lockMigrations">Serialises instances that migrate at once, where the database does not already.</param>
    public static IReadOnlyList<int> Apply(IMatchingDatabase db, string provider, string nowSql, Action<DbConnection, IDbTransaction>? lockMigrations = null)
    {
        var applied = new List<int>();
        foreach (var (version, name, sql) in For(provider))
        {
            var ran = db.Write((c, t) =>
            {
                lockMigrations?.Invoke(c, t);
                if (c.ExecuteScalar<long>("SELECT COUNT(*) FROM schema_migrations WHERE version = @version", new { version }, t) > 0) return false;
                c.Execute(sql, transaction: t);
                c.Execute($"INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, {nowSql})", new { version, name }, t);
                return true;
            });
            if (ran) applied.Add(version);
        }
        return applied;
    }
}
