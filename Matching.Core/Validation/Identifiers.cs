namespace Matching.Validation;

/// <summary>The rule for every id the caller gives: 1 to 64 characters of [A-Za-z0-9._-].</summary>
internal static class Identifiers
{
    /// <summary>The longest id.</summary>
    public const int MaxLength = 64;

    /// <summary>Whether the id follows the rule.</summary>
    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength) return false;
        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')) return false;
        }
        return true;
    }
}
