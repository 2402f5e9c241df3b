using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Dapper;
using Matching.Diagnostics;
using Matching.Storage;

namespace Matching.Service;

/// <summary>
/// What every write of every room shares: the transaction, the audit row, the change-feed row, the clock, and the
/// turns in which the process applies committed writes to its in-memory state, in commit order. One instance per
/// <see cref="MatchingStore"/>, so one order per process.
/// </summary>
/// <remarks>
/// The write protocol. A write that changes the in-memory state (the offer and newcomer indexes, the profile cache)
/// commits without holding any lock of the process, so that on PostgreSQL concurrent writes run side by side and their
/// commits share a flush; only applying to the in-memory state goes one write at a time. Holding a gate for the whole
/// transaction made the gate the tail of the mixed load (p99 146 ms); holding it for the commit, or a change counter
/// locked until commit, still made every writer of offers and newcomers wait for the one before it to flush (p99 174 ms).
/// The indexes still see commits in order, and what a write applies is still current at its commit, because:
/// <list type="number">
/// <item>every write locks, before it reads what it will apply, the rows of each offer and newcomer whose in-memory
/// state it sets (places held; a newcomer's held and open matches; the document) — <see cref="LockNewcomers"/>,
/// <see cref="LockOffers"/>, or a <c>FOR UPDATE</c>/upsert of the row itself; a new id, which has no row yet, by its name,
/// <see cref="LockName"/>) and reads in a statement after the lock — so two writes that set the same state take turns
/// in the database, and the later one reads after the earlier one's commit;</item>
/// <item>a write takes its turn at the in-memory state right before its commit, and turns apply strictly in the order
/// they were taken: the later of two such writes gets the rows' locks only after the earlier one's commit, so its turn,
/// and its update, come after the earlier one's;</item>
/// <item>work that reads the database to set the in-memory state outside a write (the change feed applying other
/// instances' writes, an index rebuilt and swapped in) runs in a turn of its own (<see cref="Gated{T}"/>), after every
/// write that took its turn before, and a write that took its turn later applies after it;</item>
/// <item>no one waits for a database lock while it holds a turn or waits for one (a commit never does; the change feed
/// only reads), so turns and row locks cannot deadlock; and since a write holds its connection while it waits for its
/// turn, at most half of PostgreSQL's pool runs writes (<see cref="PostgresDatabase"/>), so the feed finds a connection
/// in its turn.</item>
/// </list>
/// Locks are taken newcomers first, then matches, then offers, where a write can; the database detects the few
/// orders that differ (an offer's deletion declines its proposals) and the transaction is retried whole. SQLite
/// serialises writers whole (<c>BEGIN IMMEDIATE</c>), so the locks are not sent there.
/// </remarks>
internal sealed class WriteContext(IMatchingDatabase db, TimeProvider time, MatchingTelemetry telemetry)
{
    private readonly Lock _counter = new();
    private readonly WriteTurns _turns = new(telemetry);

    /// <summary>The database.</summary>
    public IMatchingDatabase Database => db;

    /// <summary>The clock.</summary>
    public TimeProvider Time => time;

    /// <summary>
    /// This process's mark on the change-feed rows it writes: a random number drawn at start (no personal data). The
    /// process applies its own writes to its index after commit, so its <see cref="ChangeFeed"/> skips these rows.
    /// </summary>
    public long Origin { get; } = Random.Shared.NextInt64(1, long.MaxValue);

    /// <summary>Appended to a SELECT that must lock its rows until the transaction ends.</summary>
    public string ForUpdate => db.ForUpdate;

    /// <summary>
    /// The statement with its <c>IN @ids</c> in this provider's form. Dapper expands a list into one parameter per
    /// item for SQLite, but hands it to Npgsql as one array parameter, so PostgreSQL needs <c>= ANY(@ids)</c>.
    /// </summary>
    public string InIds(string sql) => IsPostgres ? sql.Replace("IN @ids", "= ANY(@ids)", StringComparison.Ordinal) : sql;

    /// <summary>Runs a read on its own connection.</summary>
    public T Read<T>(Func<DbConnection, T> read)
    {
        using var span = MatchingTelemetry.Source.StartActivity("matching.db read", ActivityKind.Client);
        return db.Read(read);
    }

    /// <summary>
    /// One write transaction; <paramref name="after"/> then updates the in-memory state with the committed result, in
    /// commit order with every other write's (see the protocol in the class's remarks: <paramref name="write"/> must lock
    /// the rows whose state <paramref name="after"/> sets). It must check the result: a refused write commits nothing and
    /// must change nothing.
    /// </summary>
    public T Write<T>(Func<DbConnection, IDbTransaction, T> write, Action<T>? after = null)
    {
        // Its turn would wait for the one applying now: a write never starts from inside another's update.
        if (_turns.Applying) throw new InvalidOperationException("A write cannot start while a committed write or the change feed applies its state.");
        using var span = MatchingTelemetry.Source.StartActivity("matching.db write", ActivityKind.Client);
        // Only writes that update the in-memory state need the turns' order; the others (audit, an allocation's
        // proposal) leave ordering to the database.
        try
        {
            if (after is null) return db.Write(write);
            return db.Write(write, (result, commit) =>
            {
                // The turn is taken right before the commit: a later write of the same rows waits for their locks until
                // this commit, so it takes a later turn and applies after this one.
                var turn = _turns.Take();
                try
                {
                    commit();
                }
                catch
                {
                    _turns.Apply(turn, static () => { });
                    throw;
                }
                ReleaseCounter();
                _turns.Apply(turn, () => after(result));
            });
        }
        finally
        {
            // A write that failed or was refused before its commit.
            ReleaseCounter();
        }
    }

    /// <summary>
    /// Takes this process's turn at the change counter (SQLite) before a write asks it for change numbers, held until
    /// the write has committed: the counter's row stays locked until commit, and waiting here is cheaper than in the
    /// database. A write takes no other database lock after it (the counter is the last lock). PostgreSQL numbers
    /// writes from their transaction ids instead (<see cref="ExecuteNumbered"/>): a counter held to commit made every
    /// writer of offers and newcomers wait for the one before it to flush its commit.
    /// </summary>
    private void TakeCounter()
    {
        if (!_counter.IsHeldByCurrentThread) _counter.Enter();
    }

    private void ReleaseCounter()
    {
        if (_counter.IsHeldByCurrentThread) _counter.Exit();
    }

    /// <summary>
    /// Locks newcomers' rows until the write commits, in id order, before the write reads the state it will apply to
    /// the newcomer index (the write protocol, in the class's remarks). Nothing on SQLite, whose writers run one at a time.
    /// </summary>
    public void LockNewcomers(DbConnection c, IDbTransaction t, IEnumerable<string> ids) => LockRows(c, t, "newcomers", ids);

    /// <summary>Locks offers' rows until the write commits, in id order, as <see cref="LockNewcomers"/> does.</summary>
    public void LockOffers(DbConnection c, IDbTransaction t, IEnumerable<string> ids) => LockRows(c, t, "offers", ids);

    /// <summary>
    /// Locks a name until the write commits, for a write whose row may not exist yet (a new weight profile): two
    /// writers of the same name take turns even when neither finds a row to lock. Nothing on SQLite.
    /// </summary>
    public void LockName(DbConnection c, IDbTransaction t, string name)
    {
        if (ForUpdate.Length == 0) return;
        c.Execute("SELECT pg_advisory_xact_lock(hashtext(@name))", new { name }, t);
    }

    private void LockRows(DbConnection c, IDbTransaction t, string table, IEnumerable<string> ids)
    {
        if (ForUpdate.Length == 0) return;
        var sorted = ids.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (sorted.Length == 0) return;
        c.Execute($"SELECT id FROM {table} WHERE id = ANY(@ids) ORDER BY id{ForUpdate}", new { ids = sorted }, t);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in its own turn at the in-memory state, after every write that took its turn before
    /// (the change feed applies other instances' writes there; an index swapped in there sees every write before it).
    /// </summary>
    public T Gated<T>(Func<T> work)
    {
        if (_turns.Applying) throw new InvalidOperationException("A turn cannot be taken while a committed write or the change feed applies its state.");
        var result = default(T)!;
        _turns.Apply(_turns.Take(), () => result = work());
        return result;
    }

    /// <summary>Appends the audit row of a write: ids and codes only.</summary>
    public void Audit(DbConnection c, IDbTransaction t, string actor, string action, string subjectType, string? subjectId, string? detail = null) =>
        c.Execute(AuditSql.Insert, new { at = Now(), actor, action, subjectType, subjectId, detail }, t);

    /// <summary>
    /// Appends a change-feed row: other instances reload this offer, newcomer or profile. The row carries this
    /// process's <see cref="Origin"/> and its own feed skips it: every write that appends one updates this instance's
    /// state itself, in its <c>after</c> inside the gate (re-applying 50,000 rows of its own import, or reloading every
    /// newcomer after its own large import, would only hold the gate).
    /// </summary>
    public void Changed(DbConnection c, IDbTransaction t, string subjectType, string subjectId) =>
        c.Execute(ChangeSql.Insert, new { at = Now(), subjectType, subjectId, origin = Origin }, t);

    /// <summary>Appends one change-feed row per id through one prepared command (a bulk import).</summary>
    public void Changed(DbConnection c, IDbTransaction t, string subjectType, IEnumerable<string> subjectIds)
    {
        var at = Now();
        ExecuteMany(c, t, ChangeSql.Insert, ["at", "subjectType", "subjectId", "origin"], subjectIds.Select(id => new object?[] { at, subjectType, id, Origin }));
    }

    /// <summary>
    /// Takes <paramref name="count"/> consecutive change numbers inside a write and returns the first. The counter's
    /// row stays locked until the write commits, so numbers become visible in commit order (the reconciliation lists
    /// page by them).
    /// </summary>
    private long TakeSeqs(DbConnection c, IDbTransaction t, int count)
    {
        TakeCounter();
        return c.ExecuteScalar<long>(ChangeSql.TakeSeqs, new { n = count }, t) - count + 1;
    }

    /// <summary>
    /// Runs one statement whose <paramref name="seq"/> placeholder is the write's reconciliation number. On PostgreSQL it
    /// is made from the transaction's id (<see cref="ChangeSql.TransactionNumber"/>) without a lock, so writers of offers
    /// and newcomers no longer run one at a time through their commits; on SQLite, whose one writer makes commit order
    /// the numbers' order, it is the change counter's next value, in the same round trip.
    /// </summary>
    public void ExecuteNumbered(DbConnection c, IDbTransaction t, string sql, string seq, string[] names, object?[] values)
    {
        using var command = c.CreateCommand();
        if (IsPostgres)
        {
            command.CommandText = sql.Replace(seq, ChangeSql.TransactionNumber, StringComparison.Ordinal);
            names = [.. names, "Ordinal"];
            values = [.. values, 0L];
        }
        else
        {
            TakeCounter();
            command.CommandText = $"{ChangeSql.TakeOneSeq};\n{sql.Replace(seq, ChangeSql.LastSeq, StringComparison.Ordinal)}";
        }
        command.Transaction = (DbTransaction)t;
        for (var i = 0; i < names.Length; i++)
        {
            var p = command.CreateParameter();
            p.ParameterName = names[i];
            p.Value = values[i] ?? DBNull.Value;
            command.Parameters.Add(p);
        }
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Runs an upsert (<c>@Seq</c> its number) for many rows, each numbered as <see cref="ExecuteNumbered"/> numbers one
    /// (on PostgreSQL the rows of one transaction are told apart by their ordinal).
    /// </summary>
    public void UpsertNumbered(DbConnection c, IDbTransaction t, string upsert, string[] names, IReadOnlyList<object?[]> rows)
    {
        if (rows.Count == 1)
        {
            ExecuteNumbered(c, t, upsert, "@Seq", names, rows[0]);
            return;
        }
        if (IsPostgres)
        {
            ExecuteMany(c, t, upsert.Replace("@Seq", ChangeSql.TransactionNumber, StringComparison.Ordinal), [.. names, "Ordinal"],
                rows.Select((r, i) => (object?[])[.. r, (long)i]));
            return;
        }
        var first = TakeSeqs(c, t, rows.Count);
        ExecuteMany(c, t, upsert, [.. names, "Seq"], rows.Select((r, i) => (object?[])[.. r, first + i]));
    }

    /// <summary>Whether the database is PostgreSQL (several writers at once) rather than SQLite (one writer).</summary>
    private bool IsPostgres => db is PostgresDatabase;

    /// <summary>A reconciliation query in this provider's form: on PostgreSQL it reads only settled numbers.</summary>
    public string Reconciliation(string sql) => IsPostgres ? sql.Replace(ChangeSql.Settled, ChangeSql.SettledPostgres, StringComparison.Ordinal) : sql;

    /// <summary>
    /// Runs one statement for many rows inside a write: one command, prepared once, its parameters re-bound per row
    /// (a bulk import's cost is then the database's, not a command built per row).
    /// </summary>
    /// <param name="c">The connection.</param>
    /// <param name="t">The write's transaction.</param>
    /// <param name="sql">The statement, with @name parameters.</param>
    /// <param name="names">The parameter names, in the order of each row's values.</param>
    /// <param name="rows">The values per row (null for SQL NULL).</param>
    public static void ExecuteMany(DbConnection c, IDbTransaction t, string sql, string[] names, IEnumerable<object?[]> rows)
    {
        using var command = c.CreateCommand();
        command.CommandText = sql;
        command.Transaction = (DbTransaction)t;
        var parameters = names.Select(name =>
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            command.Parameters.Add(p);
            return p;
        }).ToArray();
        var count = 0;
        foreach (var row in rows)
        {
            for (var i = 0; i < parameters.Length; i++) parameters[i].Value = row[i] ?? DBNull.Value;
            // Prepared at the second row, the first having given the parameters their types: a single row (a PUT) is not
            // worth the round trip a prepare costs on PostgreSQL.
            if (++count == 2) command.Prepare();
            command.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Runs a query with an <c>IN @ids</c> list (as written, not through <see cref="InIds"/>: it becomes a list of
    /// parameters on every provider) for many ids, <paramref name="chunk"/> ids at a time, through one command
    /// prepared once and re-bound per chunk (the last chunk repeats its last id), calling <paramref name="row"/> per row.
    /// Dapper's list expansion builds and prepares a new command per chunk, which dominated an import's comparison.
    /// </summary>
    public static void QueryByIds(DbConnection c, IDbTransaction? t, string sql, IReadOnlyList<string> ids, Action<DbDataReader> row, int chunk = 500)
    {
        if (ids.Count == 0) return;
        var size = Math.Min(chunk, ids.Count);
        using var command = c.CreateCommand();
        command.CommandText = sql.Replace("@ids", "(" + string.Join(", ", Enumerable.Range(0, size).Select(i => "@id" + i.ToString(CultureInfo.InvariantCulture))) + ")", StringComparison.Ordinal);
        command.Transaction = (DbTransaction?)t;
        var parameters = new DbParameter[size];
        for (var i = 0; i < size; i++)
        {
            parameters[i] = command.CreateParameter();
            parameters[i].ParameterName = "@id" + i.ToString(CultureInfo.InvariantCulture);
            parameters[i].DbType = DbType.String;
            parameters[i].Value = ids[i];
            command.Parameters.Add(parameters[i]);
        }
        command.Prepare();
        for (var start = 0; start < ids.Count; start += size)
        {
            for (var i = 0; i < size; i++) parameters[i].Value = ids[Math.Min(start + i, ids.Count - 1)];
            using var reader = command.ExecuteReader();
            while (reader.Read()) row(reader);
        }
    }

    /// <summary>Now, as the text every timestamp column holds.</summary>
    public string Now() => Stamp(time.GetUtcNow());

    /// <summary>An instant as the text every timestamp column holds (UTC, milliseconds).</summary>
    public static string Stamp(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
