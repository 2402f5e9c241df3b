using System.Globalization;
using Matching.Model;
using Matching.Validation;

namespace Matching.Api.Infrastructure;

/// <summary>
/// The one parser of each wire word, for query strings and bodies alike: an enum's camelCase names (kind, setting, lang,
/// groupBy, mode, status, reason), whole numbers in a range (limit, page, pageSize), booleans (hasPlaces) and ids. A bad
/// value is added to the errors under the field's name with what is allowed, so every endpoint words it the same way.
/// </summary>
internal static class Wire
{
    /// <summary>The allowed values of an enum on the wire, in declaration order.</summary>
    public static IReadOnlyList<string> Names<TEnum>(Func<TEnum, bool>? allowed = null) where TEnum : struct, Enum =>
        [.. System.Enum.GetValues<TEnum>().Where(v => allowed is null || allowed(v)).Select(WireNames.Of)];

    /// <summary>An optional enum value: null when absent; a bad one is named with the allowed values.</summary>
    public static TEnum? Enum<TEnum>(string? text, string field, ValidationErrors errors, Func<TEnum, bool>? allowed = null) where TEnum : struct, Enum
    {
        if (text is null) return null;
        if (WireNames.TryParse<TEnum>(text, out var value) && (allowed is null || allowed(value))) return value;
        errors.Add(field, $"Unknown value '{text}'; use {string.Join(", ", Names(allowed))}.");
        return null;
    }

    /// <summary>The kinds of offer: repeated or comma-separated in a query, one per element in a body; empty when none.</summary>
    public static List<OfferKind> Kinds(IEnumerable<string?>? texts, string field, ValidationErrors errors, bool indexed = false)
    {
        var kinds = new List<OfferKind>();
        var i = 0;
        foreach (var text in texts ?? [])
        {
            var name = indexed ? $"{field}[{i++}]" : field;
            var parts = indexed ? [text ?? ""] : (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var part in parts)
            {
                if (Enum<OfferKind>(part, name, errors) is { } kind) kinds.Add(kind);
            }
        }
        return kinds;
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>; the fallback when absent.</summary>
    public static int Int(string? text, string field, int fallback, int min, int max, ValidationErrors errors)
    {
        if (text is null) return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        errors.Add(field, $"Must be a whole number from {min} to {max}.");
        return fallback;
    }

    /// <summary>A whole number in a body from <paramref name="min"/> to <paramref name="max"/>, or null when absent.</summary>
    public static int? Int(int? value, string field, int min, int max, ValidationErrors errors)
    {
        if (value is null || (value >= min && value <= max)) return value;
        errors.Add(field, $"Must be a whole number from {min} to {max}.");
        return null;
    }

    /// <summary>A positive whole number (a cursor), or null when absent.</summary>
    public static long? PositiveLong(string? text, string field, ValidationErrors errors)
    {
        if (text is null) return null;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0) return value;
        errors.Add(field, "Must be a positive whole number.");
        return null;
    }

    /// <summary>true or false (any case), or null when absent.</summary>
    public static bool? Bool(string? text, string field, ValidationErrors errors)
    {
        if (text is null) return null;
        if (bool.TryParse(text, out var value)) return value;
        errors.Add(field, "Use true or false.");
        return null;
    }

    /// <summary>An id (from the path or a body); a missing or bad one is named.</summary>
    public static string Id(string? id, string field, ValidationErrors errors)
    {
        if (Identifiers.IsValid(id)) return id!;
        errors.Add(field, id is null ? "Required: a valid id." : "Must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'.");
        return "";
    }

    /// <summary>A free text of 1 to <paramref name="max"/> characters that is not blank, or null when absent.</summary>
    public static string? Text(string? text, string field, int max, ValidationErrors errors)
    {
        if (text is null) return null;
        if (text.Length <= max && !string.IsNullOrWhiteSpace(text)) return text;
        errors.Add(field, $"1 to {max} characters, not blank.");
        return null;
    }
}
