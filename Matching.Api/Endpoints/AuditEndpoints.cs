using Matching.Api.Infrastructure;
using Matching.Service;
using Matching.Validation;

namespace Matching.Api.Endpoints;

/// <summary>/api/v1/audit: who did what and when, for administrators.</summary>
internal static class AuditEndpoints
{
    public static RouteGroupBuilder MapAudit(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/audit").WithTags("Audit").RequireAuthorization(Policies.Audit);
        group.MapGet("/", Read)
            .WithSummary("Read the audit trail, newest first")
            .WithDescription("Key names, actions and ids only; never personal attributes. Page back with before = the smallest id seen.")
            .Produces<IReadOnlyList<AuditEntry>>()
            .ProducesValidationProblem();
        return group;
    }

    private static IResult Read(string? limit, string? before, AuditService service)
    {
        var errors = new ValidationErrors();
        var n = OffersEndpoints.ParseInt(limit, "limit", 100, 1, 1000, errors);
        long? beforeId = null;
        if (before is not null)
        {
            if (long.TryParse(before, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var b) && b > 0) beforeId = b;
            else errors.Add("before", "Must be a positive whole number.");
        }
        return errors.IsEmpty ? TypedResults.Ok(service.Read(n, beforeId)) : Problems.Invalid(errors.ToDictionary());
    }
}
