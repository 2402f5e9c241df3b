using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Matching.Contracts;
using Matching.Model;
using Matching.Validation;

namespace Matching.Data;

/// <summary>One problem found by an import: where it is and what is wrong.</summary>
/// <param name="Line">1-based line number in the file.</param>
/// <param name="Field">The offending field's path (e.g. "availability[1].to", "location.place"); empty when the whole line is wrong.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record ImportError(int Line, string Field, string Message)
{
    /// <summary>"line 3, location.place: Unknown place …".</summary>
    public override string ToString() => Field.Length == 0 ? $"line {Line}: {Message}" : $"line {Line}, {Field}: {Message}";
}

/// <summary>The outcome of importing one file: every item, or the errors and no item at all.</summary>
/// <typeparam name="T">The model type.</typeparam>
public sealed record ImportResult<T>
{
    internal ImportResult(IReadOnlyList<T> items, IReadOnlyList<int> lines, IReadOnlyList<ImportError> errors)
    {
        // A batch with a bad row writes nothing: never hand out part of a file.
        Items = errors.Count == 0 ? items : [];
        Lines = errors.Count == 0 ? lines : [];
        Errors = errors;
    }

    /// <summary>Whether the whole file was valid.</summary>
    public bool Succeeded => Errors.Count == 0;

    /// <summary>Every item in file order when <see cref="Succeeded"/>; empty otherwise.</summary>
    public IReadOnlyList<T> Items { get; }

    /// <summary>The 1-based line of each item in <see cref="Items"/> (a later check, such as a capacity, names it).</summary>
    public IReadOnlyList<int> Lines { get; }

    /// <summary>The errors in line order (at most <see cref="JsonLinesImporter.MaxErrors"/> and a last one saying so).</summary>
    public IReadOnlyList<ImportError> Errors { get; }
}

/// <summary>
/// Imports JSON Lines files of newcomers, offers and history into validated model objects: the one importer that the
/// service's seeding and the analysts' harness share. Every document goes through the same validation as the API
/// (<see cref="DocumentMapper"/>, <see cref="HistoryMapper"/>); unknown fields, malformed lines, missing or repeated
/// ids and invalid values are reported with their line and field. A file with any error yields no item.
/// </summary>
/// <remarks>Thread-safe if the mapper is (the shipped one is); each call reads its own reader.</remarks>
public sealed class JsonLinesImporter(DocumentMapper mapper)
{
    /// <summary>The default limit on lines per file.</summary>
    public const int DefaultMaxLines = 1_000_000;

    /// <summary>The default limit on characters per line (a newcomer is about 500).</summary>
    public const int DefaultMaxLineLength = 64 * 1024;

    /// <summary>Lines per file, blank ones included (1..100,000,000; default 1,000,000); a longer file is refused, not truncated.</summary>
    public int MaxLines { get; init; } = DefaultMaxLines;

    /// <summary>Characters per line (default 65,536).</summary>
    public int MaxLineLength { get; init; } = DefaultMaxLineLength;

    /// <summary>Errors reported before the import gives up (default 100): a file broken on every line needs one fix, not a million messages.</summary>
    public int MaxErrors { get; init; } = 100;

    /// <summary>Creates an importer over the shipped gazetteer, taxonomy and languages.</summary>
    public static JsonLinesImporter CreateDefault(TimeProvider time) =>
        new(new DocumentMapper(Geo.Gazetteer.Default, InterestTaxonomy.Default, LanguageRegistry.Default, time));

    /// <summary>Imports newcomers: one <see cref="NewcomerDocument"/> per line, the id in its <c>id</c> field.</summary>
    public ImportResult<Newcomer> ImportNewcomers(TextReader reader) =>
        Import<NewcomerDocument, Newcomer>(reader, "id", d => d.Id, (id, d, errors) =>
        {
            var n = mapper.ToNewcomer(id, d, out var e);
            errors.AddAll(e);
            return n;
        });

    /// <summary>Imports offers: one <see cref="OfferDocument"/> per line, the id in its <c>id</c> field.</summary>
    public ImportResult<Offer> ImportOffers(TextReader reader) =>
        Import<OfferDocument, Offer>(reader, "id", d => d.Id, (id, d, errors) =>
        {
            var o = mapper.ToOffer(id, d, out var e);
            errors.AddAll(e);
            return o;
        });

    /// <summary>
    /// Imports history: one <see cref="HistoryDocument"/> per line, the id in <c>matchId</c>. When the ids of the
    /// newcomers and offers are given, a record naming another id is an error on <c>newcomerId</c> or <c>offerId</c>.
    /// </summary>
    public ImportResult<HistoryRecord> ImportHistory(TextReader reader, IReadOnlySet<string>? newcomerIds = null, IReadOnlySet<string>? offerIds = null) =>
        Import<HistoryDocument, HistoryRecord>(reader, "matchId", d => d.MatchId, (_, d, errors) =>
        {
            var r = HistoryMapper.ToRecord(d, out var e);
            errors.AddAll(e);
            if (r is null) return null;
            if (newcomerIds is not null && !newcomerIds.Contains(r.NewcomerId)) errors.Add("newcomerId", $"Unknown newcomer '{r.NewcomerId}': not among the imported newcomers.");
            if (offerIds is not null && !offerIds.Contains(r.OfferId)) errors.Add("offerId", $"Unknown offer '{r.OfferId}': not among the imported offers.");
            return errors.IsEmpty ? r : null;
        });

    private delegate TItem? Convert<TDoc, TItem>(string id, TDoc document, ValidationErrors errors);

    /// <summary>Lines read and validated together (in parallel) before their outcomes are merged in order.</summary>
    private const int ChunkLines = 4096;

    private ImportResult<TItem> Import<TDoc, TItem>(TextReader reader, string idField, Func<TDoc, string?> idOf, Convert<TDoc, TItem> convert)
        where TDoc : class
        where TItem : class
    {
        ArgumentNullException.ThrowIfNull(reader);
        // Chunk by chunk: the lines in order; each line read and validated on its own, in parallel (a line's outcome
        // does not depend on another line, and the mapper is thread-safe); then, in line order, the duplicate ids and
        // the errors, exactly as a line-by-line pass reports them (the first MaxErrors, then a last one saying so).
        // Only a chunk's text is held at a time, as only a line's was before.
        var items = new List<TItem>();
        var itemLines = new List<int>();
        var errors = new List<ImportError>();
        var firstLineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var lines = new LineReader(reader, MaxLineLength);
        var texts = new string?[ChunkLines];
        var tooLong = new bool[ChunkLines];
        var parsed = new ParsedLine<TItem>[ChunkLines];
        var first = 1;
        while (true)
        {
            var count = 0;
            var cut = false;
            string? text;
            while (count < ChunkLines && (text = lines.Next(out var isTooLong)) is not null)
            {
                if (lines.LineNumber > MaxLines) { cut = true; break; }
                tooLong[count] = isTooLong;
                texts[count++] = isTooLong || string.IsNullOrWhiteSpace(text) ? null : text;
            }
            ParseAll(texts, count, parsed, idField, idOf, convert);
            for (var i = 0; i < count; i++)
            {
                var line = first + i;
                if (tooLong[i]) Add(errors, line, "", $"The line is longer than {MaxLineLength:N0} characters.");
                else if (texts[i] is not null) Merge(parsed[i], line, idField, items, itemLines, errors, firstLineOf);
                if (errors.Count >= MaxErrors)
                {
                    errors.Add(new ImportError(line, "", $"Stopped after {MaxErrors} errors; fix these and import again."));
                    return new ImportResult<TItem>(items, itemLines, errors);
                }
            }
            first += count;
            if (cut)
            {
                errors.Add(new ImportError(first, "", $"The file has more than {MaxLines:N0} lines; split it into several imports."));
                break;
            }
            if (count < ChunkLines) break;
        }
        return new ImportResult<TItem>(items, itemLines, errors);
    }

    private static void ParseAll<TDoc, TItem>(string?[] texts, int count, ParsedLine<TItem>[] parsed, string idField, Func<TDoc, string?> idOf, Convert<TDoc, TItem> convert)
        where TDoc : class
        where TItem : class
    {
        if (count == 0) return;
        try
        {
            Parallel.ForEach(Partitioner.Create(0, count, 256), range =>
            {
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    parsed[i] = texts[i] is { } line ? ParseLine(line, idField, idOf, convert) : default;
                }
            });
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count == 1)
        {
            // The caller sees what a line-by-line pass would have thrown.
            ExceptionDispatchInfo.Throw(ex.InnerExceptions[0]);
        }
    }

    /// <summary>What one line gave on its own: an error reading it, or its id, its item and its validation errors.</summary>
    private readonly record struct ParsedLine<TItem>(JsonInputError? ReadError, bool IsNull, string? Id, TItem? Item, ValidationErrors? Validation);

    private static ParsedLine<TItem> ParseLine<TDoc, TItem>(string text, string idField, Func<TDoc, string?> idOf, Convert<TDoc, TItem> convert)
        where TDoc : class
        where TItem : class
    {
        // The line's UTF-8 in a pooled buffer: a copy per line is garbage the moment the document is read.
        var buffer = ArrayPool<byte>.Shared.Rent(System.Text.Encoding.UTF8.GetMaxByteCount(text.Length));
        TDoc? document;
        JsonInputError? error;
        try
        {
            var length = System.Text.Encoding.UTF8.GetBytes(text, buffer);
            document = JsonInput.Read<TDoc>(buffer.AsSpan(0, length), out error);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (error is not null) return new ParsedLine<TItem>(error, false, null, null, null);
        if (document is null) return new ParsedLine<TItem>(null, true, null, null, null);
        var id = idOf(document);
        var validation = new ValidationErrors();
        var item = convert(id ?? "", document, validation);
        return new ParsedLine<TItem>(null, false, id, item, validation);
    }

    private static void Merge<TItem>(in ParsedLine<TItem> parsed, int line, string idField,
        List<TItem> items, List<int> itemLines, List<ImportError> errors, Dictionary<string, int> firstLineOf)
        where TItem : class
    {
        if (parsed.ReadError is { } e)
        {
            Add(errors, line, e.Field, e.Message);
            return;
        }
        if (parsed.IsNull)
        {
            Add(errors, line, "", "Expected a JSON object, found null.");
            return;
        }
        var id = parsed.Id;
        var validation = parsed.Validation!;
        if (id is null) Add(errors, line, idField, "Required: every line carries its own id.");
        else if (firstLineOf.TryGetValue(id, out var first)) Add(errors, line, idField, $"Duplicate id '{id}': already on line {first}.");
        else firstLineOf[id] = line;
        if (!validation.IsEmpty)
        {
            foreach (var (field, messages) in validation.ToDictionary())
            {
                // A missing id is reported once above, not again by the mapper's format rule.
                if (id is null && field == idField) continue;
                foreach (var message in messages) Add(errors, line, field, message);
            }
        }
        if (parsed.Item is { } item && validation.IsEmpty && errors.Count == 0)
        {
            items.Add(item);
            itemLines.Add(line);
        }
    }

    private static void Add(List<ImportError> errors, int line, string field, string message) => errors.Add(new ImportError(line, field, message));
}
