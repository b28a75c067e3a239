namespace GeoSync.Host.Status;

/// <summary>
/// The hand-maintained OpenAPI 3.1 document of the HTTP API, served at <c>/openapi.json</c>. Static because the
/// OpenAPI generator package is not in the registry these machines reach; a test checks every mapped route is in it.
/// </summary>
public static class OpenApiDocument
{
    private const string ResourceName = "GeoSync.Host.Status.openapi.json";

    /// <summary>The document's JSON text.</summary>
    public static string Json { get; } = Load();

    public static IEndpointRouteBuilder MapOpenApiDocument(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/openapi.json", () => Results.Text(Json, "application/json"));
        return endpoints;
    }

    private static string Load()
    {
        using Stream stream = typeof(OpenApiDocument).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
