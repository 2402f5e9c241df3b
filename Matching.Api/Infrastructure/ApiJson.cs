using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Metadata;
using Matching.Scoring;

namespace Matching.Api.Infrastructure;

/// <summary>
/// Source-generated serialisation of the answers written most often: the rankings. The options are the web defaults the
/// rest of the API uses (camelCase, nulls left out), so the bytes are the same as the reflection-based writer's.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SuggestionResult))]
[JsonSerializable(typeof(CandidateResult))]
internal sealed partial class ApiJson : JsonSerializerContext;

/// <summary>
/// 200 with a JSON body written by the source-generated writer in one synchronous pass into the response's pipe, then
/// flushed. <see cref="Microsoft.AspNetCore.Http.HttpResults.Ok{TValue}"/> streams through the reflection-based
/// converters instead: System.Text.Json keeps its generated fast path off for any streamed answer over 8 KB, and a page
/// of ten explained suggestions is about 9.5 KB. The profile of the dense load put that writing at a fifth of a
/// suggestion's CPU time (benchmarks/README.md, issue 12).
/// </summary>
internal sealed class JsonAnswer<T>(T value, JsonTypeInfo<T> typeInfo) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>, IEndpointMetadataProvider
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    public T Value => value;
    object? IValueHttpResult.Value => value;
    public int? StatusCode => StatusCodes.Status200OK;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        using (var writer = new Utf8JsonWriter(response.BodyWriter, WriterOptions))
        {
            JsonSerializer.Serialize(writer, value, typeInfo);
        }
        await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}

/// <summary>The rankings' 200 answers.</summary>
internal static class JsonAnswers
{
    public static JsonAnswer<SuggestionResult> Ok(SuggestionResult value) => new(value, ApiJson.Default.SuggestionResult);
    public static JsonAnswer<CandidateResult> Ok(CandidateResult value) => new(value, ApiJson.Default.CandidateResult);
}
