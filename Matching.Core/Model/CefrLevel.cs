namespace Matching.Model;

/// <summary>
/// A level of the Common European Framework of Reference (ERK-niveau), ordered from A0 (no Dutch yet) to C2.
/// </summary>
/// <remarks>Immutable and thread-safe. The default value is A0.</remarks>
public readonly record struct CefrLevel : IComparable<CefrLevel>
{
    private static readonly string[] Names = ["A0", "A1", "A2", "B1", "B2", "C1", "C2"];

    /// <summary>No Dutch yet.</summary>
    public static readonly CefrLevel A0 = new(0);
    /// <summary>Breakthrough.</summary>
    public static readonly CefrLevel A1 = new(1);
    /// <summary>Waystage.</summary>
    public static readonly CefrLevel A2 = new(2);
    /// <summary>Threshold.</summary>
    public static readonly CefrLevel B1 = new(3);
    /// <summary>Vantage.</summary>
    public static readonly CefrLevel B2 = new(4);
    /// <summary>Effective operational proficiency.</summary>
    public static readonly CefrLevel C1 = new(5);
    /// <summary>Mastery.</summary>
    public static readonly CefrLevel C2 = new(6);

    /// <summary>The lowest level.</summary>
    public static CefrLevel Min => A0;
    /// <summary>The highest level.</summary>
    public static CefrLevel Max => C2;

    private CefrLevel(byte ordinal) => Ordinal = ordinal;

    /// <summary>0 for A0 up to 6 for C2.</summary>
    public byte Ordinal { get; }

    /// <summary>Creates a level from its ordinal (0 = A0 … 6 = C2).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The ordinal is outside 0..6.</exception>
    public static CefrLevel FromOrdinal(int ordinal)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ordinal, Names.Length - 1);
        return new CefrLevel((byte)ordinal);
    }

    /// <summary>Parses "A0".."C2", case-insensitively.</summary>
    public static bool TryParse(string? text, out CefrLevel level)
    {
        level = default;
        if (text is null || text.Length != 2) return false;
        for (var i = 0; i < Names.Length; i++)
        {
            if (string.Equals(Names[i], text, StringComparison.OrdinalIgnoreCase))
            {
                level = new CefrLevel((byte)i);
                return true;
            }
        }
        return false;
    }

    /// <summary>Parses "A0".."C2" or throws.</summary>
    /// <exception cref="FormatException">The text is not a CEFR level.</exception>
    public static CefrLevel Parse(string text) =>
        TryParse(text, out var level) ? level : throw new FormatException($"'{text}' is not a CEFR level (A0, A1, A2, B1, B2, C1, C2).");

    /// <inheritdoc />
    public int CompareTo(CefrLevel other) => Ordinal.CompareTo(other.Ordinal);

    /// <summary>Whether <paramref name="a"/> is below <paramref name="b"/>.</summary>
    public static bool operator <(CefrLevel a, CefrLevel b) => a.Ordinal < b.Ordinal;
    /// <summary>Whether <paramref name="a"/> is above <paramref name="b"/>.</summary>
    public static bool operator >(CefrLevel a, CefrLevel b) => a.Ordinal > b.Ordinal;
    /// <summary>Whether <paramref name="a"/> is at most <paramref name="b"/>.</summary>
    public static bool operator <=(CefrLevel a, CefrLevel b) => a.Ordinal <= b.Ordinal;
    /// <summary>Whether <paramref name="a"/> is at least <paramref name="b"/>.</summary>
    public static bool operator >=(CefrLevel a, CefrLevel b) => a.Ordinal >= b.Ordinal;

    /// <summary>The level's name, e.g. "B1".</summary>
    public override string ToString() => Names[Ordinal];
}
