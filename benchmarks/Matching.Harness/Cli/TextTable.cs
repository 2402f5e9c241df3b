using System.Globalization;
using System.Text;

namespace Matching.Harness.Cli;

/// <summary>A plain-text or Markdown table with right-aligned numbers, for the human output and the report.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    /// <summary>Adds a row (as many cells as headers).</summary>
    public TextTable Add(params string[] cells)
    {
        if (cells.Length != headers.Length) throw new ArgumentException($"Expected {headers.Length} cells.", nameof(cells));
        _rows.Add(cells);
        return this;
    }

    /// <summary>A number with the given decimals, or "–" for no value.</summary>
    public static string Num(double value, int decimals = 4) =>
        double.IsFinite(value) ? value.ToString("F" + decimals, CultureInfo.InvariantCulture) : "–";

    /// <summary>A share as a percentage with one decimal, or "–".</summary>
    public static string Pct(double value) =>
        double.IsFinite(value) ? (100 * value).ToString("F1", CultureInfo.InvariantCulture) + " %" : "–";

    /// <summary>Columns padded to their widest cell.</summary>
    public string ToText()
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        void Line(string[] cells)
        {
            for (var i = 0; i < cells.Length; i++)
            {
                if (i > 0) sb.Append("  ");
                sb.Append(i == 0 ? cells[i].PadRight(widths[i]) : cells[i].PadLeft(widths[i]));
            }
            sb.Append('\n');
        }
        Line(headers);
        sb.Append(string.Join("  ", widths.Select(w => new string('-', w)))).Append('\n');
        foreach (var r in _rows) Line(r);
        return sb.ToString();
    }

    /// <summary>A Markdown table, numbers right-aligned.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.Append("| ").Append(string.Join(" | ", headers)).Append(" |\n");
        sb.Append("| ").Append(string.Join(" | ", headers.Select((_, i) => i == 0 ? "---" : "---:"))).Append(" |\n");
        foreach (var r in _rows) sb.Append("| ").Append(string.Join(" | ", r)).Append(" |\n");
        return sb.ToString();
    }
}
