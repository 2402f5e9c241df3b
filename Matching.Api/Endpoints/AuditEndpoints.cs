using Matching.Api.Infrastructure;
using Matching.Service;
using Matching.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Matching.Api.Endpoints;

/// <summary>/api/v1/audit: who did what and when, for administrators.</summary>
internal static class AuditEndpoints
{
    public static RouteGroupBuilder MapAudit(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/audit").WithTags("Audit").RequireAuthorization(Policies.Audit);
        group.MapGet("/", Read)
            .WithSummary("Read the audit trail, newest first")
            .WithDescription("Key names, actions and ids only; never personal attributes. Page back with before = the smallest id seen.");
        return group;
    }

    private static Results<Ok<IReadOnlyList<AuditEntry>>, ValidationProblem> Read([WireType(typeof(int), Minimum = 1, Maximum = 1000)] string? limit, string? before, AuditService service)
    {
        var errors = new ValidationErrors();
        var n = Wire.Int(limit, "limit", 100, 1, 1000, errors);
        var beforeId = Wire.PositiveLong(before, "before", errors);
        return errors.IsEmpty ? TypedResults.Ok(service.Read(n, beforeId)) : Problems.Invalid(errors.ToDictionary());
    }
}
