using Matching.Allocation;
using Matching.Api.Infrastructure;
using Matching.Model;
using Matching.Service;
using Matching.Validation;
using Microsoft.Net.Http.Headers;

namespace Matching.Api.Endpoints;

/// <summary>/api/v1/reports: where demand and supply do not meet, for local governments and analysts.</summary>
internal static class ReportsEndpoints
{
    public static RouteGroupBuilder MapReports(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/reports").WithTags("Reports").RequireAuthorization(Policies.Reports);
        group.MapGet("/gaps", Gaps)
            .WithSummary("Demand and supply per area and kind")
            .WithDescription("Per municipality (or province) and kind: newcomers waiting, offers, places, places taken, newcomers an optimal allocation still leaves unplaced, and how many of those extra places would place (rows with the most first). JSON, or CSV with Accept: text/csv.")
            .Produces<GapReportResult>()
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesValidationProblem();
        return group;
    }

    private static IResult Gaps(HttpRequest request, string? groupBy, string? kind, string? profile, AllocationsService service, WeightProfilesService profiles)
    {
        var errors = new ValidationErrors();
        var grouping = GapGrouping.Municipality;
        if (groupBy is not null && !WireNames.TryParse(groupBy, out grouping)) errors.Add("groupBy", "Use municipality or province.");
        OfferKind? k = null;
        if (kind is not null) { if (WireNames.TryParse<OfferKind>(kind, out var parsed)) k = parsed; else errors.Add("kind", $"Use {WireNames.List<OfferKind>()}."); }
        var weights = profiles.Resolve(profile);
        if (weights is null) errors.Add("profile", $"No weight profile '{profile}'.");
        if (!errors.IsEmpty) return Problems.Invalid(errors.ToDictionary());
        var report = service.GapReport(grouping, k, weights!);
        var wantsCsv = request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase));
        return wantsCsv ? TypedResults.Text(report.ToCsv(), "text/csv; charset=utf-8") : TypedResults.Ok(report);
    }
}
