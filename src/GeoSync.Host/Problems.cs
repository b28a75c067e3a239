namespace GeoSync.Host;

/// <summary>RFC 9457 problem details for every error the HTTP API returns.</summary>
public static class Problems
{
    public static IResult Create(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);

    public static IResult Unauthorized(string detail) => Create(StatusCodes.Status401Unauthorized, "Unauthorized", detail);

    public static IResult NotFound(string detail) => Create(StatusCodes.Status404NotFound, "Not found", detail);

    public static IResult BadRequest(string detail, string? field = null) =>
        Create(StatusCodes.Status400BadRequest, "Bad request", detail, field is null ? null : new Dictionary<string, object?> { ["field"] = field });
}
