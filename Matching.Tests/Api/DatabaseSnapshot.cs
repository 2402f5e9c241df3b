using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Matching.Tests.Api;

/// <summary>Reads the SQLite file directly, past the API, so that a test sees what is really stored.</summary>
internal static class DatabaseSnapshot
{
    /// <summary>Every table of the schema; a new migration's table must be added here to be covered.</summary>
    public static readonly string[] Tables = ["newcomers", "offers", "matches", "weight_profiles", "audit", "assignments", "schema_migrations"];

    /// <summary>An unpooled connection for reads only: closing it leaves no handle on the file behind.</summary>
    public static SqliteConnection Open(string file)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>A SHA-256 over every row of every table in rowid order: equal hashes mean equal contents.</summary>
    public static string Hash(SqliteConnection connection)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var row = new StringBuilder();
        foreach (var table in Tables)
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"\u0001{table}\u0001"));
            using var reader = connection.ExecuteReader($"SELECT * FROM {table} ORDER BY rowid");
            while (reader.Read())
            {
                row.Clear();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    // The type tag keeps NULL apart from the text "NULL" and 1 apart from "1".
                    var value = reader.GetValue(i);
                    row.Append(value switch { DBNull => "n", long l => "i" + l, double d => "r" + d.ToString("R", System.Globalization.CultureInfo.InvariantCulture), _ => "t" + value })
                        .Append('\u0002');
                }
                hash.AppendData(Encoding.UTF8.GetBytes(row.Append('\u0003').ToString()));
            }
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>
    /// The hash of the contents, recomputed only when another connection committed since the last call: SQLite's
    /// data_version moves on every such commit, so an unchanged version proves unchanged contents for free.
    /// </summary>
    public sealed class Watch(SqliteConnection connection)
    {
        private long _version = -1;
        private string _hash = "";

        public string Hash()
        {
            var version = connection.ExecuteScalar<long>("PRAGMA data_version");
            if (version != _version)
            {
                _hash = DatabaseSnapshot.Hash(connection);
                _version = version;
            }
            return _hash;
        }
    }

    /// <summary>PRAGMA integrity_check's answer: "ok" for a sound file.</summary>
    public static string IntegrityCheck(SqliteConnection connection) =>
        string.Join("; ", connection.Query<string>("PRAGMA integrity_check"));

    /// <summary>Rows that break a foreign key, as "table rowid → parent"; empty for a sound file.</summary>
    public static IReadOnlyList<string> ForeignKeyViolations(SqliteConnection connection) =>
        connection.Query<(string Table, long? RowId, string Parent, long Fk)>("PRAGMA foreign_key_check")
            .Select(v => $"{v.Table} {v.RowId} → {v.Parent}").ToList();

    /// <summary>Offers whose accepted and started matches outnumber their capacity, as "id: held/capacity".</summary>
    public static IReadOnlyList<string> OverbookedOffers(SqliteConnection connection) =>
        connection.Query<(string Id, long Held, long Capacity)>(
            """
            SELECT o.id, COUNT(m.id) AS held, o.capacity FROM offers o
            JOIN matches m ON m.offer_id = o.id AND m.status IN ('accepted','started')
            GROUP BY o.id, o.capacity HAVING COUNT(m.id) > o.capacity
            """).Select(o => $"{o.Id}: {o.Held}/{o.Capacity}").ToList();
}
