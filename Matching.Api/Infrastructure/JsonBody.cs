using System.Text.Json;
using Matching.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Matching.Api.Infrastructure;

/// <summary>
/// Reads a JSON body with errors a caller can act on: 415 for another content type, 413 past the size limit, 400 with
/// the offending field for malformed JSON, a wrong type or an unknown field. Nothing here ever answers 500.
/// </summary>
internal static class JsonBody
{
    /// <summary>The largest body accepted, in bytes.</summary>
    public const int MaxBytes = 256 * 1024;

    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken) where T : class
    {
        var contentType = request.ContentType;
        if (contentType is null || !(contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || contentType.Contains("+json", StringComparison.OrdinalIgnoreCase)))
        {
            return (null, Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the body as application/json."));
        }
        if (request.ContentLength > MaxBytes) return (null, TooLarge());
        byte[] bytes;
        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxBytes) return (null, TooLarge());
                buffer.Write(chunk, 0, read);
            }
            bytes = buffer.ToArray();
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel stops a body without Content-Length at its own limit: the same answer as a declared length past it.
            return (null, ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? TooLarge()
                : Problems.Status(ex.StatusCode, "Bad request", "The request body could not be read."));
        }
        if (bytes.Length == 0) return (null, Problems.Invalid("", "A JSON body is required."));
        try
        {
            var value = JsonSerializer.Deserialize<T>(bytes, DocumentJson.Options);
            return value is null ? (null, Problems.Invalid("", "A JSON object is required, not null.")) : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, Problems.Invalid(FieldOf(ex), MessageOf(ex)));
        }
    }

    private static IResult TooLarge() =>
        Problems.Status(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"The body may be at most {MaxBytes / 1024} KiB.");

    /// <summary>The field path of a JSON error, as "availability[0].from"; for an unknown field, its name.</summary>
    private static string FieldOf(JsonException ex)
    {
        var path = ex.Path is null ? "" : ex.Path.TrimStart('$').TrimStart('.');
        if (ex.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            var start = ex.Message.IndexOf('\'', StringComparison.Ordinal);
            var end = start < 0 ? -1 : ex.Message.IndexOf('\'', start + 1);
            var name = end > start ? ex.Message[(start + 1)..end] : "";
            return path.Length == 0 || path == name || path.EndsWith('.' + name, StringComparison.Ordinal) ? (path.Length == 0 ? name : path) : $"{path}.{name}";
        }
        return path;
    }

    /// <summary>A message without .NET type names.</summary>
    private static string MessageOf(JsonException ex)
    {
        if (ex.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return "Unknown field. Only the documented fields are accepted (never names, addresses or national numbers).";
        }
        if (ex.Message.Contains("could not be converted", StringComparison.Ordinal)) return Matching.Data.JsonLinesImporter.Describe(ex).Message;
        if (ex.Message.Contains("maximum configured depth", StringComparison.Ordinal)) return "The JSON is nested too deeply.";
        return $"Malformed JSON (line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}).";
    }
}

/// <summary>RFC 9457 problem details, always through TypedResults so the content type is application/problem+json.</summary>
internal static class Problems
{
    public static IResult Status(int status, string title, string detail) => TypedResults.Problem(detail: detail, statusCode: status, title: title);

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) => TypedResults.ValidationProblem(errors);

    public static IResult NotFound(string detail) => Status(StatusCodes.Status404NotFound, "Not found", detail);

    public static IResult Conflict(string detail) => Status(StatusCodes.Status409Conflict, "Conflict", detail);
}
