using Matching.Model;
using Matching.Ranking;
using Matching.Service;
using Matching.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Matching.Api.Infrastructure;

/// <summary>Ids from the path and the core's results, in HTTP terms.</summary>
internal static class Http
{
    /// <summary>An id from the path, or a 400 naming it.</summary>
    public static ValidationProblem? CheckId(string id, string field = "id")
    {
        var errors = new ValidationErrors();
        Wire.Id(id, field, errors);
        return errors.IsEmpty ? null : Problems.Invalid(errors.ToDictionary());
    }

    /// <summary>The If-Match header as sent, or null when there is none.</summary>
    public static string? IfMatch(this HttpRequest request) => request.Headers.IfMatch.Count == 0 ? null : request.Headers.IfMatch.ToString();

    /// <summary>Sets the ETag of the answer, when the resource has one.</summary>
    public static void Tag(this HttpResponse response, string? tag)
    {
        if (tag is not null) response.Headers.ETag = tag;
    }

    /// <summary>The field errors of an invalid outcome as a validation problem.</summary>
    public static ValidationProblem Invalid<T>(this Result<T> result) => Problems.Invalid(result.Errors?.ToDictionary() ?? new Dictionary<string, string[]>());
}

/// <summary>The ranking's query (limit, profile, lang), as sent; <see cref="Parse"/> turns it into options once.</summary>
internal sealed class RankingQuery
{
    /// <summary>How many results (1..100, default 10).</summary>
    [FromQuery(Name = "limit"), WireType(typeof(int), Minimum = 1, Maximum = RankingOptions.MaxLimit)] public string? Limit { get; init; }
    /// <summary>The weight profile (default: default).</summary>
    [FromQuery(Name = "profile")] public string? Profile { get; init; }
    /// <summary>The language of the reasons: nl (default) or en.</summary>
    [FromQuery(Name = "lang"), WireType(typeof(ReasonLanguage))] public string? Lang { get; init; }
    /// <summary>true: order by score − weight × price of a place, with the profile's scarcityWeight (default false).</summary>
    [FromQuery(Name = "scarcity"), WireType(typeof(bool))] public string? Scarcity { get; init; }

    /// <summary>Whether scarcity=true was asked; a bad value is named in the errors.</summary>
    public bool ByScarcity(ValidationErrors errors) => Wire.Bool(Scarcity, "scarcity", errors) ?? false;

    /// <summary>The options, or null with every bad value named in the errors; <paramref name="kind"/> repeated or comma-separated.</summary>
    public RankingOptions? Parse(WeightProfilesService profiles, string[]? kind, ValidationErrors errors)
    {
        var limit = Wire.Int(Limit, "limit", 10, 1, RankingOptions.MaxLimit, errors);
        var kinds = Wire.Kinds(kind, "kind", errors);
        var language = Wire.Enum<ReasonLanguage>(Lang, "lang", errors) ?? ReasonLanguage.Nl;
        var weights = profiles.Resolve(Profile);
        if (weights is null) errors.Add("profile", $"No weight profile '{Profile}'.");
        return errors.IsEmpty ? new RankingOptions { Limit = limit, Kinds = kinds.Count == 0 ? null : kinds, Profile = weights!, Language = language } : null;
    }
}
