using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Matching.Contracts;
using Matching.Model;

namespace Matching.Data;

/// <summary>
/// Writes JSON Lines: one document per line, no indentation, each line ended by a single LF on every platform, so that
/// the same documents always give the same bytes.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class JsonLines
{
    /// <summary>
    /// <see cref="DocumentJson.Options"/> with letters such as "é" or "—" written as themselves instead of \u escapes,
    /// so that the files stay readable; reading them needs nothing but <see cref="DocumentJson.Options"/>.
    /// </summary>
    public static JsonSerializerOptions WriteOptions { get; } = new(DocumentJson.Options)
    {
        // The files are data, never embedded in HTML, so the HTML-safe escaping buys nothing and costs readability.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    /// <summary>UTF-8 without a byte order mark: the encoding of every data file.</summary>
    public static Encoding Utf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes each document as one line.</summary>
    public static void Write<T>(TextWriter writer, IEnumerable<T> documents)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(documents);
        foreach (var document in documents)
        {
            writer.Write(JsonSerializer.Serialize(document, WriteOptions));
            writer.Write('\n');
        }
    }

    /// <summary>Writes newcomers as <see cref="NewcomerDocument"/> lines, locations resolved.</summary>
    public static void WriteNewcomers(TextWriter writer, IEnumerable<Newcomer> newcomers) =>
        Write(writer, newcomers.Select(DocumentMapper.ToDocument));

    /// <summary>Writes offers as <see cref="OfferDocument"/> lines, locations resolved.</summary>
    public static void WriteOffers(TextWriter writer, IEnumerable<Offer> offers) =>
        Write(writer, offers.Select(DocumentMapper.ToDocument));

    /// <summary>Writes history records as <see cref="HistoryDocument"/> lines.</summary>
    public static void WriteHistory(TextWriter writer, IEnumerable<HistoryRecord> records) =>
        Write(writer, records.Select(HistoryMapper.ToDocument));

    /// <summary>The lines as one string (for tests and small files).</summary>
    public static string ToText(Action<TextWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture) { NewLine = "\n" };
        write(writer);
        return writer.ToString();
    }
}

/// <summary>
/// Reads lines with a length limit, so that one absurd line (a file that is not JSON Lines at all) cannot exhaust
/// memory. A line ends at LF; a CR before it is dropped.
/// </summary>
internal sealed class LineReader(TextReader reader, int maxLength)
{
    private readonly char[] _buffer = new char[8192];
    private readonly StringBuilder _line = new();
    private int _position;
    private int _length;
    private bool _ended;

    /// <summary>1-based number of the line last returned.</summary>
    public int LineNumber { get; private set; }

    /// <summary>The next line without its end, or null at the end; <paramref name="tooLong"/> when it was cut (the rest is skipped).</summary>
    public string? Next(out bool tooLong)
    {
        tooLong = false;
        _line.Clear();
        var any = false;
        while (true)
        {
            if (_position == _length)
            {
                if (_ended) break;
                _length = reader.Read(_buffer, 0, _buffer.Length);
                _position = 0;
                if (_length == 0) { _ended = true; break; }
            }
            any = true;
            var span = _buffer.AsSpan(_position, _length - _position);
            var newline = span.IndexOf('\n');
            var take = newline < 0 ? span : span[..newline];
            if (!tooLong)
            {
                if (_line.Length + take.Length > maxLength) tooLong = true;
                else _line.Append(take);
            }
            if (newline < 0)
            {
                _position = _length;
                continue;
            }
            _position += newline + 1;
            LineNumber++;
            return Finish(tooLong);
        }
        if (!any) return null;
        LineNumber++;
        return Finish(tooLong);
    }

    private string Finish(bool tooLong)
    {
        if (tooLong) return "";
        if (_line.Length > 0 && _line[^1] == '\r') _line.Length--;
        // A byte order mark at the start of the file is an encoding artefact, not content.
        if (LineNumber == 1 && _line.Length > 0 && _line[0] == '\uFEFF') _line.Remove(0, 1);
        return _line.ToString();
    }
}
