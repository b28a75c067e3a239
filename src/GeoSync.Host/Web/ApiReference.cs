using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace GeoSync.Host.Web;

/// <summary>
/// The API's OpenAPI document, generated from the mapped endpoints and their metadata, at <c>/openapi.json</c>; and
/// its reference page (Scalar, served from the node itself) at <c>/docs</c>. Built when asked for, never per request
/// of the API.
/// </summary>
public static class ApiReference
{
    /// <summary>Where the OpenAPI document is served.</summary>
    public const string DocumentPath = "/openapi.json";

    /// <summary>Where the reference page is served.</summary>
    public const string PagePath = "/docs";

    private const string Title = "GeoSync API";
    private const string BearerScheme = "bearer";

    public static IServiceCollection AddGeoSyncApiReference(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            Describe(document);
            return Task.CompletedTask;
        }));

    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath);
        app.MapScalarApiReference(PagePath, options => options.WithTitle(Title).WithOpenApiRoutePattern(DocumentPath));
        return app;
    }

    /// <summary>What no endpoint's metadata says: the API as a whole, its bearer tokens, and the Prometheus exporter's route.</summary>
    private static void Describe(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = Title,
            Version = "1.0.0",
            Description = "Event intake, status, webhook deliveries. POST /v1/events takes a region's notification token; " +
                "the other /v1 endpoints take the status token when the topology sets one. Errors are RFC 9457 problem details.",
        };

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "Authorization: Bearer <token>: a region's notification token for /v1/events, the status token for the rest of /v1.",
        };

        var bearer = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] };
        foreach ((string path, IOpenApiPathItem item) in document.Paths)
        {
            if (path.StartsWith("/v1/", StringComparison.Ordinal) && item.Operations is { } operations)
            {
                foreach (OpenApiOperation operation in operations.Values)
                {
                    operation.Security = [bearer];
                }
            }
        }

        // The exporter maps a request pipeline, not a handler with metadata, so the generator cannot see it.
        document.Paths["/metrics"] = new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new()
                {
                    OperationId = "Metrics",
                    Summary = "Every GeoSync meter, Orleans' and the host's backlog gauges, in the Prometheus text format.",
                    Tags = new HashSet<OpenApiTagReference> { new("Health", document) },
                    Responses = new OpenApiResponses
                    {
                        ["200"] = new OpenApiResponse
                        {
                            Description = "Metrics",
                            Content = new Dictionary<string, OpenApiMediaType> { ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
                        },
                    },
                },
            },
        };
    }
}
