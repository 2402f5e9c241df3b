using System.Reflection;
using System.Text.Json.Nodes;
using Matching.Allocation;
using Matching.Contracts;
using Matching.Model;
using Matching.Scoring;
using Matching.Service;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Matching.Api.Infrastructure;

/// <summary>
/// The wire's type of a query parameter bound as a string (so that a bad value is our 400 naming the field, never the
/// binder's bare one): an enum of <see cref="WireNames"/>, a whole number in a range, or a boolean.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
internal sealed class WireTypeAttribute(Type type) : Attribute
{
    /// <summary>int, long, bool, or an enum whose wire names are the allowed values.</summary>
    public Type Type => type;
    /// <summary>The smallest whole number allowed.</summary>
    public int Minimum { get; init; } = int.MinValue;
    /// <summary>The largest whole number allowed.</summary>
    public int Maximum { get; init; } = int.MaxValue;
}

/// <summary>The vocabulary of the wire in the OpenAPI document: enums, date formats, time patterns, required and read-only fields.</summary>
internal static class OpenApiContract
{
    private static string[] Levels => [.. Enumerable.Range(0, 7).Select(i => CefrLevel.FromOrdinal(i).ToString())];
    private static readonly string[] Days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    private static string[] Of<TEnum>(Func<TEnum, bool>? allowed = null) where TEnum : struct, Enum => [.. Wire.Names(allowed)];

    /// <summary>Allowed values per (schema type, property); an array property's items take them.</summary>
    private static readonly Dictionary<(Type, string), string[]> Enums = new()
    {
        [(typeof(NewcomerDocument), "dutchLevel")] = Levels,
        [(typeof(NewcomerDocument), "gender")] = Of<Gender>(),
        [(typeof(NewcomerDocument), "goals")] = Of<Goal>(),
        [(typeof(LevelRangeDocument), "min")] = Levels,
        [(typeof(LevelRangeDocument), "max")] = Levels,
        [(typeof(SlotDocument), "day")] = Days,
        [(typeof(OfferDocument), "kind")] = Of<OfferKind>(),
        [(typeof(OfferDocument), "setting")] = Of<OfferSetting>(),
        [(typeof(OfferDocument), "genders")] = Of<Gender>(),
        [(typeof(MatchRecord), "status")] = Of<MatchStatus>(),
        [(typeof(MatchRecord), "reason")] = Of<EndReason>(),
        [(typeof(Endpoints.MatchesEndpoints.MoveMatchRequest), "status")] = Of<MatchStatus>(),
        [(typeof(Endpoints.MatchesEndpoints.MoveMatchRequest), "reason")] = Of<EndReason>(r => r != EndReason.Erased),
        [(typeof(Endpoints.AssignmentsEndpoints.AssignmentRequest), "kinds")] = Of<OfferKind>(),
        [(typeof(Endpoints.AssignmentsEndpoints.AssignmentRequest), "mode")] = Of<AllocationMode>(),
        [(typeof(Endpoints.AssignmentsEndpoints.AssignmentRequest), "lang")] = Of<ReasonLanguage>(),
    };

    private static readonly Dictionary<(Type, string), string> Dates = new()
    {
        [(typeof(NewcomerDocument), "trajectoryStart")] = "date",
        [(typeof(NewcomerDocument), "trajectoryEnd")] = "date",
        [(typeof(OfferDocument), "startsOn")] = "date",
        [(typeof(OfferDocument), "endsOn")] = "date",
    };

    /// <summary>Fields a request must carry.</summary>
    private static readonly Dictionary<Type, string[]> Required = new()
    {
        [typeof(NewcomerDocument)] = ["dutchLevel", "location", "availability"],
        [typeof(OfferDocument)] = ["kind", "setting", "title", "location", "schedule", "capacity"],
        [typeof(SlotDocument)] = ["day", "from", "to"],
        [typeof(Endpoints.MatchesEndpoints.CreateMatchRequest)] = ["newcomerId", "offerId"],
        [typeof(Endpoints.MatchesEndpoints.OverrideRequest)] = ["reason"],
        [typeof(Endpoints.MatchesEndpoints.MoveMatchRequest)] = ["status"],
        [typeof(Endpoints.SuggestionsEndpoints.InlineSuggestionRequest)] = ["newcomer"],
    };

    /// <summary>Fields the path or the service sets; ignored when sent.</summary>
    private static readonly Dictionary<Type, string[]> ReadOnly = new()
    {
        [typeof(NewcomerDocument)] = ["id"],
        [typeof(OfferDocument)] = ["id"],
        [typeof(LocationDocument)] = ["municipality"],
    };

    /// <summary>Enums, formats, patterns, required and read-only fields on the documents.</summary>
    internal sealed class SchemaFilter : ISchemaFilter
    {
        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (schema is not OpenApiSchema concrete || concrete.Properties is null) return;
            // The exclusion reasons are the keys of a map, which OpenAPI 3.0 cannot constrain: the description lists them.
            if (context.Type == typeof(ExclusionSummary) && concrete.Properties.TryGetValue("byReason", out var byReason) && byReason is OpenApiSchema map)
            {
                map.Description = $"Count per reason: {string.Join(", ", Of<ExclusionReason>())} (only reasons that occurred).";
            }
            foreach (var (name, property) in concrete.Properties)
            {
                if (property is not OpenApiSchema p) continue;
                if (Enums.TryGetValue((context.Type, name), out var values))
                {
                    var target = p.Items as OpenApiSchema ?? p;
                    target.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))];
                }
                if (Dates.TryGetValue((context.Type, name), out var format)) p.Format = format;
                if (context.Type == typeof(SlotDocument) && name is "from" or "to") p.Pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$";
                if (ReadOnly.TryGetValue(context.Type, out var readOnly) && readOnly.Contains(name)) p.ReadOnly = true;
            }
            if (Required.TryGetValue(context.Type, out var required)) concrete.Required = new HashSet<string>(required);
        }
    }

    /// <summary>Query parameters bound as strings get their wire type from <see cref="WireTypeAttribute"/>.</summary>
    internal sealed class ParameterFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            foreach (var parameter in operation.Parameters ?? [])
            {
                if (parameter is not OpenApiParameter concrete || concrete.In != ParameterLocation.Query) continue;
                var description = context.ApiDescription.ParameterDescriptions.FirstOrDefault(d => d.Name == concrete.Name);
                var attribute = description?.PropertyInfo()?.GetCustomAttribute<WireTypeAttribute>()
                    ?? description?.ParameterInfo()?.GetCustomAttribute<WireTypeAttribute>();
                if (attribute is null) continue;
                var isArray = concrete.Schema?.Type is { } t && t.HasFlag(JsonSchemaType.Array);
                var schema = Schema(attribute);
                concrete.Schema = isArray ? new OpenApiSchema { Type = JsonSchemaType.Array, Items = schema } : schema;
            }
        }

        private static OpenApiSchema Schema(WireTypeAttribute attribute)
        {
            if (attribute.Type == typeof(int) || attribute.Type == typeof(long))
            {
                return new OpenApiSchema
                {
                    Type = JsonSchemaType.Integer,
                    Format = attribute.Type == typeof(long) ? "int64" : "int32",
                    Minimum = attribute.Minimum == int.MinValue ? null : attribute.Minimum.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Maximum = attribute.Maximum == int.MaxValue ? null : attribute.Maximum.ToString(System.Globalization.CultureInfo.InvariantCulture),
                };
            }
            if (attribute.Type == typeof(bool)) return new OpenApiSchema { Type = JsonSchemaType.Boolean };
            var names = Enum.GetValues(attribute.Type).Cast<object>().Select(v => (JsonNode)JsonValue.Create(WireName(v)));
            return new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. names] };
        }

        private static string WireName(object value)
        {
            var name = value.ToString()!;
            return char.ToLowerInvariant(name[0]) + name[1..];
        }
    }

    /// <summary>The configured public base URL (Api:PublicBaseUrl) as the server, so a generated client has an absolute one; "/" without it.</summary>
    internal sealed class ServersFilter(IConfiguration configuration) : IDocumentFilter
    {
        public void Apply(OpenApiDocument document, DocumentFilterContext context)
        {
            var url = configuration["Api:PublicBaseUrl"];
            document.Servers = Uri.TryCreate(url, UriKind.Absolute, out var absolute)
                ? [new OpenApiServer { Url = absolute.ToString().TrimEnd('/'), Description = "This service" }]
                : [new OpenApiServer { Url = "/", Description = "This service (set Api:PublicBaseUrl for an absolute URL)" }];
        }
    }
}
