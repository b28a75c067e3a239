using GeoSync.Domain.Names;
using GeoSync.Grains.Regions;

namespace GeoSync.Host.Status;

/// <summary>
/// Events GeoSync gave up on, for an operator: <c>GET /v1/events/abandoned</c> lists them,
/// <c>POST /v1/events/abandoned/retry</c> has them tried again, <c>POST /v1/events/abandoned/drop</c> removes them.
/// Mapped on the token-guarded group.
/// </summary>
internal static class AbandonedEventEndpoints
{
    public static RouteGroupBuilder MapAbandonedEvents(this RouteGroupBuilder group)
    {
        group.MapGet("/events/abandoned", async (string? repository, string? region, int? limit, RegionDirectory regions, AbandonedEventCatalog catalog, CancellationToken cancellationToken) =>
        {
            if (repository is not null && !RepositoryName.TryParse(repository, out _, out string? error))
            {
                return Problems.BadRequest(error, "repository");
            }

            if (region is not null && !regions.Contains(region))
            {
                return Problems.BadRequest($"no region is named '{region}'", "region");
            }

            if (limit is < 1 or > 1000)
            {
                return Problems.BadRequest("limit must be between 1 and 1000", "limit");
            }

            return Results.Ok(await catalog.ListAsync(repository, region, limit ?? 100, cancellationToken).ConfigureAwait(false));
        }).WithName("ListAbandonedEvents").WithTags("Events")
            .WithSummary("Events GeoSync gave up on (their content never existed at the source), with the regions that gave up.")
            .Produces<AbandonedEventList>().ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapPost("/events/abandoned/retry", async (AbandonedEventsRequest request, RegionDirectory regions, AbandonedEventCatalog catalog, CancellationToken cancellationToken) =>
            Problem(request, regions) ?? Answer(request, "retried", await catalog.RetryAsync(request, cancellationToken).ConfigureAwait(false)))
            .WithName("RetryAbandonedEvents").WithTags("Events")
            .WithSummary("Has abandoned events tried again: one event, or a repository's (a tag's, a region's); answers how many regions.")
            .Produces<Dictionary<string, int>>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/events/abandoned/drop", async (AbandonedEventsRequest request, RegionDirectory regions, AbandonedEventCatalog catalog, CancellationToken cancellationToken) =>
            Problem(request, regions) ?? Answer(request, "dropped", await catalog.DropAsync(request, cancellationToken).ConfigureAwait(false)))
            .WithName("DropAbandonedEvents").WithTags("Events")
            .WithSummary("Removes abandoned events' region records for good; answers how many regions.")
            .Produces<Dictionary<string, int>>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>What is wrong with the body, as a problem naming the field, or null.</summary>
    private static IResult? Problem(AbandonedEventsRequest request, RegionDirectory regions)
    {
        if ((request.EventId is null) == (request.Repository is null))
        {
            return Problems.BadRequest("give either eventId (one event) or repository (its abandoned events), not both", "eventId");
        }

        if (request.EventId is { Length: 0 })
        {
            return Problems.BadRequest("eventId is empty", "eventId");
        }

        if (request.Repository is not null && !RepositoryName.TryParse(request.Repository, out _, out string? error))
        {
            return Problems.BadRequest(error, "repository");
        }

        if (request.Tag is not null && request.Repository is null)
        {
            return Problems.BadRequest("tag narrows a repository: give repository too", "tag");
        }

        if (request.Tag is not null && !Tag.TryParse(request.Tag, out _, out string? tagError))
        {
            return Problems.BadRequest(tagError, "tag");
        }

        return request.Region is not null && !regions.Contains(request.Region)
            ? Problems.BadRequest($"no region is named '{request.Region}'", "region")
            : null;
    }

    private static IResult Answer(AbandonedEventsRequest request, string done, int count) => count > 0
        ? Results.Ok(new Dictionary<string, int> { [done] = count })
        : Problems.NotFound(request.EventId is not null
            ? $"no abandoned event has id '{request.EventId}'"
            : $"repository '{request.Repository}' has no abandoned event{(request.Tag is null ? string.Empty : $" for tag '{request.Tag}'")}{(request.Region is null ? string.Empty : $" in region '{request.Region}'")}");
}
