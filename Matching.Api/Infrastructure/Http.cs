using Matching.Model;
using Matching.Ranking;
using Matching.Service;
using Matching.Validation;

namespace Matching.Api.Infrastructure;

/// <summary>Maps the core's results and the ranking query parameters to HTTP.</summary>
internal static class Http
{
    public static IResult ToHttp<T>(this Result<T> result, Func<T, IResult>? created = null) => result.Outcome switch
    {
        Outcome.Ok => TypedResults.Ok(result.Value),
        Outcome.Created => created is null ? TypedResults.Ok(result.Value) : created(result.Value!),
        Outcome.NotFound => Problems.NotFound(result.Detail ?? "Not found."),
        Outcome.Conflict => Problems.Conflict(result.Detail ?? "Conflict."),
        _ => Problems.Invalid(result.Errors?.ToDictionary() ?? new Dictionary<string, string[]>()),
    };

    /// <summary>An id from the path, or a 400 naming it.</summary>
    public static IResult? CheckId(string id, string field = "id") =>
        Identifiers.IsValid(id) ? null : Problems.Invalid(field, "Must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'.");

    /// <summary>Parses limit, kind (repeated or comma-separated), profile and lang; every bad value is named.</summary>
    /// <summary>The scarcity query switch: absent or false is off, true is on, anything else a 400 naming it.</summary>
    public static (bool On, IResult? Error) Scarcity(string? scarcity) => scarcity switch
    {
        null or "false" => (false, null),
        "true" => (true, null),
        _ => (false, Problems.Invalid("scarcity", "Use true or false.")),
    };

    public static (RankingOptions? Options, IResult? Error) RankingOptions(
        WeightProfilesService profiles, string? limit, string[]? kind, string? profile, string? lang)
    {
        var errors = new ValidationErrors();
        var n = 10;
        if (limit is not null && (!int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out n) || n < 1 || n > Ranking.RankingOptions.MaxLimit))
        {
            errors.Add("limit", $"Must be a whole number from 1 to {Ranking.RankingOptions.MaxLimit}.");
        }
        var kinds = new List<OfferKind>();
        foreach (var k in (kind ?? []).SelectMany(k => k.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (WireNames.TryParse<OfferKind>(k, out var parsed)) kinds.Add(parsed);
            else errors.Add("kind", $"Unknown kind '{k}'; use {WireNames.List<OfferKind>()}.");
        }
        var language = ReasonLanguage.Nl;
        if (lang is not null && !WireNames.TryParse(lang, out language)) errors.Add("lang", "Use nl or en.");
        var weights = profiles.Resolve(profile);
        if (weights is null) errors.Add("profile", $"No weight profile '{profile}'.");
        if (!errors.IsEmpty) return (null, Problems.Invalid(errors.ToDictionary()));
        return (new RankingOptions { Limit = n, Kinds = kinds.Count == 0 ? null : kinds, Profile = weights, Language = language }, null);
    }
}
