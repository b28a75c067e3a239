using GeoSync.Domain.Names;
using GeoSync.Grains.Repositories;
using GeoSync.Host.Hosting;
using GeoSync.Host.Planning;
using GeoSync.Persistence;

namespace GeoSync.Host.Status;

/// <summary>
/// The read side: repositories, one repository's tags × regions, and where one event stands. Guarded by the
/// topology's status token when one is configured.
/// </summary>
public static class StatusEndpoints
{
    public static IEndpointRouteBuilder MapStatus(this IEndpointRouteBuilder endpoints)
    {
        StatusAuthorization authorization = endpoints.ServiceProvider.GetRequiredService<StatusAuthorization>();
        RouteGroupBuilder group = endpoints.MapGroup("/v1").AddEndpointFilter(async (context, next) =>
            authorization.IsAllowed(context.HttpContext.Request) ? await next(context).ConfigureAwait(false) : Problems.Unauthorized("the status token is required as 'Authorization: Bearer <token>'"))
            .AddEndpointFilter(async (context, next) =>
            {
                try
                {
                    return await next(context).ConfigureAwait(false);
                }
                catch (Exception ex) when (ClusterFailures.IsTransient(ex))
                {
                    // A resync met a node that is gone and not yet declared dead: Orleans places its repositories anew shortly.
                    context.HttpContext.Response.Headers.RetryAfter = "5";
                    return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Repository moving", "the node that held a repository is unreachable; it is placed on another node shortly, ask again");
                }
            })
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/repositories", async (HttpContext http, RepositoryCatalog catalog, CancellationToken cancellationToken) =>
        {
            if (!RepositoryListRequest.TryParse(http.Request.Query, out RepositoryListRequest? request, out IResult? problem))
            {
                return problem;
            }

            RepositoryPage page = await catalog.ListPageAsync(request.Filter, request.After, request.Limit, cancellationToken).ConfigureAwait(false);
            string? next = page.LastWhenMore is { } last ? RepositoryListRequest.EncodeCursor(last) : null;
            if (next is not null)
            {
                http.Response.Headers.Link = $"<{http.Request.PathBase}{http.Request.Path}{request.NextQuery(next)}>; rel=\"next\"";
            }

            return Results.Ok(new RepositoryList(page.Repositories, next));
        }).WithName("ListRepositories").WithTags("Status")
            .WithSummary("A page of repository names in ordinal order; 'next' (and a Link rel=next header) resumes after it.")
            .AddOpenApiOperationTransformer(RepositoryListRequest.DescribeQueryAsync)
            .Produces<RepositoryList>().ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapGet("/repositories/{**name}", async (string name, RepositoryCatalog catalog, TimeProvider time, CancellationToken cancellationToken) =>
        {
            if (!RepositoryName.TryParse(name, out RepositoryName repository, out string? error))
            {
                return Problems.BadRequest(error, "name");
            }

            return await catalog.FindAsync(repository.Value, cancellationToken).ConfigureAwait(false) is { } state
                ? Results.Ok(RepositoryStatus.From(repository.Value, state, time.GetUtcNow()))
                : Problems.NotFound($"no event for repository '{repository}' was ever accepted");
        }).WithName("GetRepository").WithTags("Status")
            .WithSummary("Tags × regions of one repository (the name may contain '/').")
            .Produces<RepositoryStatus>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/events/{id}", async (string id, IEventInbox inbox, RepositoryCatalog catalog, TimeProvider time, CancellationToken cancellationToken) =>
        {
            InboxEntry? entry = await inbox.FindAsync(id, cancellationToken).ConfigureAwait(false);
            if (entry is null)
            {
                return Problems.NotFound($"no accepted event has id '{id}'");
            }

            RepositoryState state = await catalog.FindAsync(entry.Event.Repository, cancellationToken).ConfigureAwait(false) ?? new RepositoryState();
            RepositoryStatus status = RepositoryStatus.From(entry.Event.Repository, state, time.GetUtcNow());
            return Results.Ok(new EventStatus(
                id,
                entry.Sequence,
                entry.Event.SourceRegion,
                entry.Event.Repository,
                entry.Event.ReceivedAt,
                entry.Applied || state.LastSequence >= entry.Sequence,
                [.. status.Tags.Where(t => t.EventId == id)]));
        }).WithName("GetEvent").WithTags("Status")
            .WithSummary("Where one accepted event stands.")
            .Produces<EventStatus>().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/resync", async (ResyncRequest request, RepositoryCatalog catalog, CancellationToken cancellationToken) =>
        {
            if (request.Repository is not null && !RepositoryName.TryParse(request.Repository, out _, out string? error))
            {
                return Problems.BadRequest(error, "repository");
            }

            if (request.Tag is not null && !Tag.TryParse(request.Tag, out _, out string? tagError))
            {
                return Problems.BadRequest(tagError, "tag");
            }

            int changed = await catalog.ResyncAsync(request.Repository, request.Tag, cancellationToken).ConfigureAwait(false);
            return Results.Ok(new ResyncResponse(changed));
        }).WithName("Resync").WithTags("Status")
            .WithSummary("Compares source and targets again and replicates the difference: everything, one repository, or one tag.")
            .Produces<ResyncResponse>().ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapRegionsAndDeliveries();
        group.MapAbandonedEvents();
        group.MapPlanAndLinks();
        return endpoints;
    }
}

/// <summary>
/// A page of <c>GET /v1/repositories</c>: names in ordinal order, and the cursor of the next page (null on the last).
/// </summary>
public sealed record RepositoryList(IReadOnlyList<string> Repositories, string? Next);

/// <summary>Body of <c>POST /v1/resync</c>: everything, one repository, or one tag.</summary>
public sealed record ResyncRequest(string? Repository, string? Tag);

/// <summary>The answer of <c>POST /v1/resync</c>: how many (tag, region) plans changed.</summary>
public sealed record ResyncResponse(int Replanned);

/// <summary>
/// The answer of <c>GET /v1/events/{id}</c>: the accepted event, whether its repository applied it, and the tags it
/// decided, with their regions.
/// </summary>
public sealed record EventStatus(string Id, long Sequence, string SourceRegion, string Repository, DateTimeOffset ReceivedAt, bool Applied, IReadOnlyList<TagStatus> Tags);
