using Axme.Contracts;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.OpenApi;

namespace Axme.Api.Hosting;

/// <summary>
/// The API's description: typed answers serialised by the wire contract (src/Contracts, ADR 019), an OpenAPI document
/// at /openapi/v1.json whose request and response bodies are the contract's records, and a browsable reference at /docs.
/// </summary>
public static class ApiDocument
{
    /// <summary>Where the browsable reference (Scalar) is served.</summary>
    public const string ReferencePath = "/docs";

    public static IServiceCollection AddAxmeApiDocument(this IServiceCollection services)
    {
        // TypedResults.Ok(record) and the document's schemas both go through these options.
        services.Configure<JsonOptions>(o => AxpJson.Configure(o.SerializerOptions));
        services.AddOpenApi(o => o.AddSchemaTransformer((schema, context, _) =>
        {
            // WireTimeConverter writes RFC 3339 strings; the generator cannot see into a custom converter.
            var type = context.JsonTypeInfo.Type;
            if (type == typeof(DateTimeOffset) || type == typeof(DateTimeOffset?))
            {
                schema.Type = type == typeof(DateTimeOffset) ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
                schema.Format = "date-time";
            }
            return Task.CompletedTask;
        }).AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Axme node: the AXP/AXME HTTP API",
                Version = "v1",
                Description = "Intents driven to a terminal state by the node: delivery, retries, timeouts, human approvals. " +
                    "Every call but /health carries an API key in x-api-key (or Authorization: Bearer). Errors answer ErrorResponse.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["api_key"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "x-api-key",
                Description = "A service account's or user's API key, or the admin key",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("api_key", document)] = [] }];
            return Task.CompletedTask;
        }));
        return services;
    }

    /// <summary>The refusals every /v1 route may answer, each with an <see cref="ErrorResponse"/> body (PROTOCOL §4).</summary>
    public static TBuilder ProducesErrors<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in new[] { 400, 401, 403, 404, 409, 413, 422, 429, 503 })
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ErrorResponse), ["application/json"]));
        return builder;
    }
}
