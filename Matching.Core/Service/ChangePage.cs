namespace Matching.Service;

/// <summary>One row of a reconciliation list: a document as it is now, or the fact that it is gone.</summary>
/// <typeparam name="T">The document type.</typeparam>
/// <param name="Id">The id.</param>
/// <param name="ChangeSeq">The change number of its last write; a later write gives it a higher one.</param>
/// <param name="UpdatedAt">When it was last written (or deleted), UTC.</param>
/// <param name="Deleted">Whether it was deleted (an offer) or erased (a newcomer); then there is no document.</param>
/// <param name="Document">The stored document, location resolved; null when deleted.</param>
public sealed record ChangedItem<T>(string Id, long ChangeSeq, string UpdatedAt, bool Deleted, T? Document) where T : class;

/// <summary>
/// A page of a reconciliation list, in change order. Pass <see cref="Next"/> as <c>changedSince</c> to read on; a row
/// written while a client pages moves past its cursor and comes again, so nothing written before the client reaches
/// the end is missed.
/// </summary>
/// <typeparam name="T">The document type.</typeparam>
/// <param name="Items">The rows, lowest change number first.</param>
/// <param name="Next">The cursor for the next page: the last row's change number (the given one when the page is empty).</param>
/// <param name="HasMore">Whether the page was full (there may be more rows after <see cref="Next"/>).</param>
public sealed record ChangePage<T>(IReadOnlyList<ChangedItem<T>> Items, long Next, bool HasMore) where T : class
{
    internal static ChangePage<T> Of(IReadOnlyList<ChangeRow> rows, long since, int limit, Func<string, T> parse) =>
        new(rows.Select(r => new ChangedItem<T>(r.Id, r.ChangeSeq, r.UpdatedAt, r.Document is null, r.Document is null ? null : parse(r.Document))).ToList(),
            rows.Count == 0 ? since : rows[^1].ChangeSeq, rows.Count == limit);
}

/// <summary>A row of a reconciliation query.</summary>
internal sealed class ChangeRow
{
    public string Id { get; set; } = "";
    public long ChangeSeq { get; set; }
    public string UpdatedAt { get; set; } = "";
    public string? Document { get; set; }
}
