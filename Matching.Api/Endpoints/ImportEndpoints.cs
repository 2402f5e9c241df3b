using Microsoft.AspNetCore.Mvc;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Matching.Api.Infrastructure;
using Matching.Contracts;
using Matching.Data;
using Matching.Service;
using Matching.Validation;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Matching.Api.Endpoints;

/// <summary>The <c>Import</c> section.</summary>
internal sealed class ImportOptions
{
    public const string Section = "Import";

    /// <summary>The largest import body in bytes (1 KiB..1 GiB, default 64 MiB: about 100,000 newcomers); a larger one is a 413.</summary>
    [Range(1024, 1L << 30)]
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;
}

/// <summary>
/// Bulk sync for a case-management system: POST /api/v1/newcomers:import and /api/v1/offers:import (JSON Lines or a
/// JSON array, all or nothing), and GET /api/v1/newcomers with <c>changedSince</c> to reconcile.
/// </summary>
internal static class ImportEndpoints
{
    private const string Ndjson = "application/x-ndjson";

    public static IEndpointRouteBuilder MapImports(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").WithTags("Bulk sync");

        group.MapPost("/newcomers:import", ImportNewcomers)
            .RequireAuthorization(Policies.WriteNewcomers)
            .WithSummary("Create or replace many newcomers, all or nothing")
            .WithDescription("JSON Lines (application/x-ndjson, one newcomer with its id per line) or a JSON array. Any error (each named by line, or array position, and field) writes nothing. Answers the counts created, updated and unchanged (equal to the stored document, not written).")
            .Accepts<NewcomerDocument[]>(Ndjson, "application/json")
            .Produces<ImportCounts>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapPost("/offers:import", ImportOffers)
            .RequireAuthorization(Policies.WriteOffers)
            .WithSummary("Create or replace many offers, all or nothing")
            .WithDescription("JSON Lines (application/x-ndjson, one offer with its id per line) or a JSON array. Any error writes nothing; a capacity below the places held is a 409 naming the line. Suggestions see the imported offers as soon as it answers.")
            .Accepts<OfferDocument[]>(Ndjson, "application/json")
            .Produces<ImportCounts>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapGet("/newcomers", ListNewcomers)
            .RequireAuthorization(Policies.ReadNewcomers)
            .WithTags("Newcomers")
            .WithSummary("Newcomers changed since a cursor (reconciliation)")
            .WithDescription("In change order: every newcomer written after changedSince (a change number; 0 or absent for all), and every erasure with deleted: true and as id sha256: and the lowercase hex SHA-256 of the erased id (the database keeps no erased id). Pass the answer's next as changedSince until hasMore is false. pageSize 1..1000, default 100. Erasures are kept 30 days; a client further behind resyncs in full.")
            .Produces<ChangePage<NewcomerDocument>>()
            .ProducesValidationProblem();

        return routes;
    }

    private static async Task<Results<Ok<ImportCounts>, ValidationProblem, ProblemHttpResult>> ImportNewcomers(
        HttpRequest request, ClaimsPrincipal user, ImportsService imports, JsonLinesImporter importer, IOptions<ImportOptions> options, CancellationToken ct)
    {
        var (reader, error) = await ReadAsync(request, options.Value.MaxBytes, ct);
        if (error is not null) return error;
        var parsed = importer.ImportNewcomers(reader!);
        if (!parsed.Succeeded) return Invalid(parsed.Errors);
        return TypedResults.Ok(imports.Newcomers(parsed.Items, user.Caller()));
    }

    private static async Task<Results<Ok<ImportCounts>, ValidationProblem, ProblemHttpResult>> ImportOffers(
        HttpRequest request, ClaimsPrincipal user, ImportsService imports, JsonLinesImporter importer, IOptions<ImportOptions> options, CancellationToken ct)
    {
        var (reader, error) = await ReadAsync(request, options.Value.MaxBytes, ct);
        if (error is not null) return error;
        var parsed = importer.ImportOffers(reader!);
        if (!parsed.Succeeded) return Invalid(parsed.Errors);
        var result = imports.Offers(parsed.Items, parsed.Lines, user.Caller());
        return result.Outcome == Outcome.Conflict
            ? TypedResults.Problem(detail: result.Detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict")
            : TypedResults.Ok(result.Value);
    }

    /// <summary>The reconciliation list's query, as sent.</summary>
    internal sealed class ChangesQuery
    {
        /// <summary>A change number (0 or absent for all): every newcomer written or erased after it.</summary>
        [FromQuery(Name = "changedSince"), WireType(typeof(long), Minimum = 0)] public string? ChangedSince { get; init; }
        /// <summary>Items per page, 1..1000 (default 100).</summary>
        [FromQuery(Name = "pageSize"), WireType(typeof(int), Minimum = 1, Maximum = 1000)] public string? PageSize { get; init; }
    }

    private static Results<Ok<ChangePage<NewcomerDocument>>, ValidationProblem> ListNewcomers([AsParameters] ChangesQuery query, NewcomersService service)
    {
        var (since, size, errors) = ParseCursor(query.ChangedSince, query.PageSize);
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());
        return TypedResults.Ok(service.ChangedSince(since, size));
    }

    /// <summary>GET /api/v1/offers with changedSince: the offers' reconciliation list (called from the offer list).</summary>
    internal static Results<Ok<ChangePage<OfferDocument>>, ValidationProblem> ListOffers(string? changedSince, string? pageSize, OffersService service)
    {
        var (since, size, errors) = ParseCursor(changedSince, pageSize);
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());
        return TypedResults.Ok(service.ChangedSince(since, size));
    }

    private static (long Since, int PageSize, ValidationErrors Errors) ParseCursor(string? changedSince, string? pageSize)
    {
        var errors = new ValidationErrors();
        long since = 0;
        if (changedSince is not null && (!long.TryParse(changedSince, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out since)))
        {
            errors.Add("changedSince", "Must be a change number: 0, or the next of the previous page.");
        }
        var size = Wire.Int(pageSize, "pageSize", 100, 1, 1000, errors);
        return (since, size, errors);
    }

    private static ValidationProblem Invalid(IReadOnlyList<ImportError> errors)
    {
        var byField = errors
            .GroupBy(e => e.Field.Length == 0 ? $"line {e.Line}" : $"line {e.Line}: {e.Field}")
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
        return TypedResults.ValidationProblem(byField, detail: "Nothing was imported.", extensions: new Dictionary<string, object?>
        {
            ["importErrors"] = errors.Select(e => new { line = e.Line, field = e.Field, message = e.Message }).ToList(),
        });
    }

    /// <summary>
    /// Reads the body up to the limit as JSON Lines: NDJSON as sent, a JSON array as one compact element per line (so
    /// an error's line is the element's 1-based position).
    /// </summary>
    private static async Task<(TextReader? Reader, Results<Ok<ImportCounts>, ValidationProblem, ProblemHttpResult>? Error)> ReadAsync(
        HttpRequest request, long maxBytes, CancellationToken ct)
    {
        var type = request.ContentType ?? "";
        var isLines = type.StartsWith(Ndjson, StringComparison.OrdinalIgnoreCase) || type.StartsWith("application/jsonl", StringComparison.OrdinalIgnoreCase);
        var isArray = type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);
        if (!isLines && !isArray)
        {
            return (null, TypedResults.Problem(detail: $"Send {Ndjson} (one document per line) or application/json (an array).",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type"));
        }
        if (request.ContentLength > maxBytes) return (null, TooLarge(maxBytes));
        // The host's limit is the single bodies' 256 KiB; an import may send more.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBytes + 1;
        var buffer = new MemoryStream();
        try
        {
            var chunk = new byte[64 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > maxBytes) return (null, TooLarge(maxBytes));
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex)
        {
            return (null, ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? TooLarge(maxBytes)
                : TypedResults.Problem(detail: "The request body could not be read.", statusCode: ex.StatusCode, title: "Bad request"));
        }
        buffer.Position = 0;
        if (buffer.Length == 0) return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { [""] = ["A body is required."] }));
        if (isLines) return (new StreamReader(buffer, Encoding.UTF8), null);
        try
        {
            using var document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { [""] = ["Send a JSON array of documents, or JSON Lines as " + Ndjson + "."] }));
            }
            var lines = new MemoryStream((int)buffer.Length);
            using (var writer = new Utf8JsonWriter(lines))
            {
                foreach (var element in document.RootElement.EnumerateArray())
                {
                    element.WriteTo(writer);
                    writer.Flush();
                    writer.Reset();
                    lines.WriteByte((byte)'\n');
                }
            }
            lines.Position = 0;
            return (new StreamReader(lines, Encoding.UTF8), null);
        }
        catch (JsonException ex)
        {
            return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [$"line {ex.LineNumber + 1}"] = [$"Malformed JSON (line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1})."],
            }, detail: "Nothing was imported."));
        }
    }

    private static ProblemHttpResult TooLarge(long maxBytes) =>
        TypedResults.Problem(detail: $"An import may be at most {maxBytes / 1024:N0} KiB; split it into several imports.",
            statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large");
}
