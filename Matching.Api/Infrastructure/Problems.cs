using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Matching.Api.Infrastructure;

/// <summary>RFC 9457 problem details, always through TypedResults so the content type is application/problem+json.</summary>
internal static class Problems
{
    public static ProblemHttpResult Status(int status, string title, string detail) => TypedResults.Problem(detail: detail, statusCode: status, title: title);

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) => TypedResults.ValidationProblem(errors);

    public static NotFoundProblem NotFound(string detail) => new(detail);

    public static ConflictProblem Conflict(string detail) => new(detail);

    public static PreconditionFailedProblem Stale(string detail) => new(detail);

    internal static void Declare(EndpointBuilder builder, int status) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ["application/problem+json"]));
}

/// <summary>A problem answer of one status that declares itself in the OpenAPI document (a <c>NotFound&lt;ProblemDetails&gt;</c> would be sent as plain JSON).</summary>
internal abstract class ProblemAnswer(int status, string title, string detail) : IResult, IStatusCodeHttpResult
{
    /// <summary>The HTTP status.</summary>
    public int? StatusCode => status;

    /// <summary>The sentence for the caller.</summary>
    public string Detail => detail;

    public Task ExecuteAsync(HttpContext httpContext) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title).ExecuteAsync(httpContext);
}

/// <summary>404 with problem details.</summary>
internal sealed class NotFoundProblem(string detail) : ProblemAnswer(StatusCodes.Status404NotFound, "Not found", detail), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Declare(builder, StatusCodes.Status404NotFound);
}

/// <summary>409 with problem details: the request conflicts with the state.</summary>
internal sealed class ConflictProblem(string detail) : ProblemAnswer(StatusCodes.Status409Conflict, "Conflict", detail), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Problems.Declare(builder, StatusCodes.Status409Conflict);
}

/// <summary>412 with problem details: If-Match named a version that is no longer the current one.</summary>
internal sealed class PreconditionFailedProblem(string detail) : ProblemAnswer(StatusCodes.Status412PreconditionFailed, "Precondition failed", detail), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        Problems.Declare(builder, StatusCodes.Status412PreconditionFailed);
        builder.Metadata.Add(Versioned.Instance);
    }
}

/// <summary>Endpoint metadata: the resource has an ETag (reads answer it; writes take If-Match), for the OpenAPI document.</summary>
internal sealed class Versioned
{
    public static readonly Versioned Instance = new();
}

/// <summary>
/// A JSON body refused before it reached the handler's logic: 415 for another content type, 413 past the size limit,
/// 400 (a validation problem naming the field) for bad JSON. Declares 413 and 415; the 400 comes with <see cref="ValidationProblem"/>.
/// </summary>
internal sealed class BodyRejected(IResult inner) : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    /// <summary>The answer sent: a validation problem or a problem of another status.</summary>
    public IResult Result => inner;

    public int? StatusCode => (inner as IStatusCodeHttpResult)?.StatusCode;

    public Task ExecuteAsync(HttpContext httpContext) => inner.ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        Problems.Declare(builder, StatusCodes.Status413PayloadTooLarge);
        Problems.Declare(builder, StatusCodes.Status415UnsupportedMediaType);
    }
}
