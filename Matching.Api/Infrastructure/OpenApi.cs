using System.Text.Json.Nodes;
using Matching.Contracts;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Matching.Api.Infrastructure;

/// <summary>The OpenAPI document (Swashbuckle) with the API-key scheme, servers, summaries and examples, and Swagger UI.</summary>
internal static class OpenApi
{
    public static IServiceCollection AddMatchingOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Matching API",
                Version = "v1",
                Description = "Matches newcomers (inburgeraars) to fourth-pillar offers on Dutch level, interests, location and availability, "
                    + "explains every score, and keeps the match lifecycle. Authenticate with the X-Api-Key header.",
                License = new OpenApiLicense { Name = "Proprietary: Agency for Integration and Civic Integration", Url = new Uri("https://www.integratie-inburgering.be") },
                Contact = new OpenApiContact { Name = "Matching team" },
            });
            options.AddSecurityDefinition(ApiKeyHandler.SchemeName, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyHandler.Header,
                Description = "An API key from Auth:ApiKeys. Development ships demo keys (see the README).",
            });
            options.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(ApiKeyHandler.SchemeName, document)] = [],
            });
            options.SchemaFilter<ExampleSchemaFilter>();
            options.SchemaFilter<OpenApiContract.SchemaFilter>();
            options.OperationFilter<OpenApiContract.ParameterFilter>();
            options.DocumentFilter<OpenApiContract.ServersFilter>();
            options.OperationFilter<AuthResponsesFilter>();
            options.OperationFilter<CsvAlternativeFilter>();
            options.OperationFilter<VersionFilter>();
            options.DocumentFilter<TagDescriptionsFilter>();
            // Operation ids from the group and the handler: "NewcomersPut", "OffersCandidates" …
            options.CustomOperationIds(api =>
            {
                var handler = api.ActionDescriptor.EndpointMetadata.OfType<System.Reflection.MethodInfo>().FirstOrDefault();
                var tag = api.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Http.Metadata.ITagsMetadata>().FirstOrDefault()?.Tags.FirstOrDefault() ?? "";
                return handler is null ? null : tag.Replace(" ", "", StringComparison.Ordinal) + handler.Name;
            });
            options.CustomSchemaIds(SchemaName);
            var xml = Path.Combine(AppContext.BaseDirectory, "Matching.Core.xml");
            if (File.Exists(xml)) options.IncludeXmlComments(xml);
        });
        return services;
    }

    /// <summary>The contract's own words for the schemas, never .NET type names.</summary>
    private static readonly Dictionary<Type, string> SchemaNames = new()
    {
        [typeof(Microsoft.AspNetCore.Mvc.ProblemDetails)] = "Problem",
        [typeof(HttpValidationProblemDetails)] = "ValidationProblem",
        [typeof(OfferDocument)] = "Offer",
        [typeof(Matching.Service.OfferView)] = "OfferWithPlaces",
        [typeof(Matching.Service.MatchRecord)] = "Match",
        [typeof(Endpoints.MatchesEndpoints.CreateMatchRequest)] = "MatchProposal",
        [typeof(Endpoints.MatchesEndpoints.MoveMatchRequest)] = "MatchMove",
        [typeof(Endpoints.MatchesEndpoints.OverrideRequest)] = "Override",
        [typeof(Endpoints.AssignmentsEndpoints.AssignmentRequest)] = "AllocationRequest",
        [typeof(Endpoints.AssignmentsEndpoints.AssignmentView)] = "AllocationProposal",
        [typeof(Endpoints.SuggestionsEndpoints.InlineSuggestionRequest)] = "SuggestionRequest",
    };

    /// <summary>"Newcomer" for NewcomerDocument, "Location" for LocationDocument …; the table above for the rest; generics prefixed by their arguments.</summary>
    internal static string SchemaName(Type type)
    {
        if (SchemaNames.TryGetValue(type, out var name)) return name;
        // ChangePage<NewcomerDocument> is "NewcomerChangePage", its items "NewcomerChangedItem".
        if (type.IsGenericType) return string.Concat(type.GetGenericArguments().Select(SchemaName)) + type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
        name = type.Name;
        foreach (var suffix in new[] { "Document", "Record", "View" })
        {
            if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal)) return name[..^suffix.Length];
        }
        return name;
    }

    public static WebApplication UseMatchingOpenApi(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint("/swagger/v1/swagger.json", "Matching API v1");
            options.DocumentTitle = "Matching API";
        });
        return app;
    }

    /// <summary>Every operation but the health checks can answer 401, 403 and 429 with problem details.</summary>
    private sealed class AuthResponsesFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            operation.Responses ??= new OpenApiResponses();
            foreach (var (code, text) in new[] { ("401", "No or an unknown API key"), ("403", "The key's role may not do this"), ("429", "Too many requests for this key") })
            {
                operation.Responses.TryAdd(code, new OpenApiResponse
                {
                    Description = text,
                    Content = new Dictionary<string, IOpenApiMediaType>
                    {
                        ["application/problem+json"] = new OpenApiMediaType { Schema = context.SchemaGenerator.GenerateSchema(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), context.SchemaRepository) },
                    },
                });
            }
        }
    }

    /// <summary>The 200 of an endpoint marked <see cref="AlsoAnswersCsv"/> has a text/csv answer beside its JSON one.</summary>
    private sealed class CsvAlternativeFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<AlsoAnswersCsv>().Any()) return;
            if (operation.Responses?.TryGetValue("200", out var ok) != true || ok is not OpenApiResponse response) return;
            response.Content ??= new Dictionary<string, IOpenApiMediaType>();
            response.Content["text/csv"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            response.Description = "The report: JSON by default, CSV with Accept: text/csv.";
        }
    }

    /// <summary>A <see cref="Versioned"/> resource: its 200 and 201 answers carry an ETag; its writes take If-Match (412 when stale).</summary>
    private sealed class VersionFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<Versioned>().Any()) return;
            foreach (var (code, response) in operation.Responses ?? [])
            {
                if (code is not ("200" or "201") || response is not OpenApiResponse concrete) continue;
                concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                concrete.Headers["ETag"] = new OpenApiHeader
                {
                    Description = "The resource's version; send it back in If-Match to change exactly this version.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                };
            }
            if (context.ApiDescription.HttpMethod is "GET") return;
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match",
                In = ParameterLocation.Header,
                Required = false,
                Description = "The ETag of the version read: the change is made only to that version (412 when it changed since).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }
    }

    /// <summary>A sentence per tag, for the document's readers.</summary>
    private sealed class TagDescriptionsFilter : IDocumentFilter
    {
        private static readonly Dictionary<string, string> Descriptions = new()
        {
            ["Newcomers"] = "Newcomers (inburgeraars) by the caller's pseudonymous id: matching attributes only, erasure on DELETE.",
            ["Offers"] = "Fourth-pillar offers and the reverse ranking for an organisation.",
            ["Suggestions"] = "Ranked, explained offers for a newcomer given inline; nothing stored.",
            ["Matches"] = "The match lifecycle: proposed, accepted, started, completed, stopped or declined.",
            ["Weight profiles"] = "Named, versioned weights of the criteria.",
            ["Assignments"] = "One allocation for a whole cohort, confirmed whole.",
            ["Reports"] = "Where demand and supply do not meet.",
            ["Audit"] = "Who did what and when, for administrators.",
        };

        public void Apply(OpenApiDocument document, DocumentFilterContext context)
        {
            document.Tags = new HashSet<OpenApiTag>(Descriptions.Select(d => new OpenApiTag { Name = d.Key, Description = d.Value }));
        }
    }

    /// <summary>Realistic examples for the documents callers send.</summary>
    private sealed class ExampleSchemaFilter : ISchemaFilter
    {
        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (schema is not OpenApiSchema concrete) return;
            if (context.Type == typeof(NewcomerDocument))
            {
                concrete.Examples = [JsonNode.Parse("""
                    { "dutchLevel": "A2", "languages": ["ar", "en"], "interests": ["football", "cooking"],
                      "location": { "place": "Gent" }, "maxTravelKm": 15,
                      "availability": [ { "day": "tue", "from": "18:00", "to": "21:00" }, { "day": "wed", "from": "14:00", "to": "17:00" } ],
                      "birthYear": 1994, "gender": "female", "goals": ["work"], "trajectoryEnd": "2027-06-30" }
                    """)!];
            }
            else if (context.Type == typeof(OfferDocument))
            {
                concrete.Examples = [JsonNode.Parse("""
                    { "kind": "languageInternship", "setting": "careHome", "title": "Taalstage in woonzorgcentrum",
                      "organisation": "WZC De Linde", "location": { "place": "Gent" }, "remote": false,
                      "dutchLevel": { "min": "A1", "max": "B1" }, "interests": ["care", "cooking"],
                      "schedule": [ { "day": "wed", "from": "14:00", "to": "17:00" } ],
                      "capacity": 2, "languages": ["en"], "hours": 40,
                      "startsOn": "2027-01-01", "endsOn": "2027-06-30", "ageRange": { "min": 18, "max": 99 }, "genders": [] }
                    """)!];
            }
        }
    }
}

/// <summary>Endpoint metadata: the 200 can also be text/csv (on Accept: text/csv).</summary>
internal sealed class AlsoAnswersCsv
{
    public static readonly AlsoAnswersCsv Instance = new();
}
