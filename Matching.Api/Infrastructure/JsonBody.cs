using Matching.Contracts;

namespace Matching.Api.Infrastructure;

/// <summary>
/// Reads a JSON body with errors a caller can act on: 415 for another content type, 413 past the size limit, 400 with
/// the offending field for malformed JSON, a wrong type or an unknown field (the words come from <see cref="JsonInput"/>,
/// shared with the JSON-lines imports). Nothing here ever answers 500.
/// </summary>
internal static class JsonBody
{
    /// <summary>The largest body accepted, in bytes, unless an endpoint allows more (the host's limit).</summary>
    public const int MaxBytes = 256 * 1024;

    /// <summary>
    /// Reads the body as <typeparamref name="T"/>, at most <paramref name="maxBytes"/> (default <see cref="MaxBytes"/>;
    /// an endpoint whose own contract allows a larger body, such as 100,000 ids, passes its limit and raises the host's
    /// for this request only).
    /// </summary>
    public static async Task<(T? Value, BodyRejected? Error)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken, int maxBytes = MaxBytes) where T : class
    {
        var contentType = request.ContentType;
        if (contentType is null || !(contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || contentType.Contains("+json", StringComparison.OrdinalIgnoreCase)))
        {
            return (null, Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the body as application/json."));
        }
        if (request.ContentLength > maxBytes) return (null, TooLarge(maxBytes));
        if (maxBytes > MaxBytes && request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes + 1;
        }
        byte[] bytes;
        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes) return (null, TooLarge(maxBytes));
                buffer.Write(chunk, 0, read);
            }
            bytes = buffer.ToArray();
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel stops a body without Content-Length at its own limit: the same answer as a declared length past it.
            return (null, ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? TooLarge(maxBytes)
                : Status(ex.StatusCode, "Bad request", "The request body could not be read."));
        }
        if (bytes.Length == 0) return (null, new BodyRejected(Problems.Invalid("", "A JSON body is required.")));
        var value = JsonInput.Read<T>(bytes, out var error);
        if (error is { } e) return (null, new BodyRejected(Problems.Invalid(e.Field, e.Message)));
        return value is null ? (null, new BodyRejected(Problems.Invalid("", "A JSON object is required, not null."))) : (value, null);
    }

    private static BodyRejected Status(int status, string title, string detail) =>
        new(TypedResults.Problem(detail: detail, statusCode: status, title: title));

    private static BodyRejected TooLarge(int maxBytes) =>
        Status(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"The body may be at most {maxBytes / 1024} KiB.");
}
