using GeoSync.Domain.Names;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Regions;
using GeoSync.Host.Links;

namespace GeoSync.Host.Planning;

/// <summary>
/// <c>POST /v1/plan</c> (a dry run of a resync: what it would copy, from where, and what that costs) and
/// <c>GET /v1/links</c> (egress per link and day). Mapped on the token-guarded group, as <c>/v1/resync</c>.
/// </summary>
internal static class PlanEndpoints
{
    public static RouteGroupBuilder MapPlanAndLinks(this RouteGroupBuilder group)
    {
        group.MapPost("/plan", async (PlanRequest request, PlanService plans, RegionDirectory regions, CancellationToken cancellationToken) =>
        {
            if (request.Repository is not null && !RepositoryName.TryParse(request.Repository, out _, out string? error))
            {
                return Problems.BadRequest(error, "repository");
            }

            if (request.Tag is not null && !Tag.TryParse(request.Tag, out _, out string? tagError))
            {
                return Problems.BadRequest(tagError, "tag");
            }

            if (request.Region is not null && !regions.Contains(request.Region))
            {
                return Problems.BadRequest($"no region is named '{request.Region}'; the topology has {string.Join(", ", regions.Names)}", "region");
            }

            return Results.Ok(await plans.PlanAsync(request.Repository, request.Tag, request.Region, cancellationToken).ConfigureAwait(false));
        }).WithName("Plan").WithTags("Status")
            .WithSummary("What a resync would copy into each target region, from which source, and the egress it would cost; nothing is written.")
            .Produces<SyncPlan>().ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapGet("/links", async (int? days, LinkReportReader links, CancellationToken cancellationToken) =>
        {
            if (days is < 1 or > LinkReportReader.MaxDays)
            {
                return Problems.BadRequest($"days must be between 1 and {LinkReportReader.MaxDays}", "days");
            }

            return Results.Ok(await links.ReadAsync(days ?? 7, cancellationToken).ConfigureAwait(false));
        }).WithName("ListLinks").WithTags("Status")
            .WithSummary("Bytes copied and their egress cost per link (from, to) and UTC day, over the last 'days' days (default 7).")
            .Produces<LinkReport>().ProducesProblem(StatusCodes.Status400BadRequest);
        return group;
    }
}

/// <summary>Body of <c>POST /v1/plan</c>: everything, one repository, or one tag; every target region or one.</summary>
public sealed record PlanRequest(string? Repository, string? Tag, string? Region);
