using GeoSync.Domain.Names;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Planning;
using GeoSync.Grains.Regions;
using GeoSync.Grains.Repositories;
using GeoSync.Host.Hosting;

namespace GeoSync.Host.Planning;

/// <summary>
/// <c>POST /v1/plan</c> and <c>geosync plan</c>: what a resync would copy, repository by repository as a resync takes
/// them, each planned from its published state (no grain is activated, nothing is written).
/// </summary>
public sealed class PlanService(RepositoryCatalog catalog, SyncPlanner planner, RegionDirectory regions)
{
    /// <summary>The plan of everything, one repository, or one tag, into every target region or only <paramref name="region"/>.</summary>
    public async Task<SyncPlan> PlanAsync(string? repository, string? tag, string? region, CancellationToken cancellationToken = default)
    {
        var plan = new SyncPlanBuilder();
        if (region is not null)
        {
            plan.Region(region);
        }

        foreach (string name in await catalog.ReconciledAsync(repository, cancellationToken).ConfigureAwait(false))
        {
            RepositoryState state = await catalog.FindAsync(name, cancellationToken).ConfigureAwait(false) ?? new RepositoryState();
            await planner.PlanAsync(plan, RepositoryName.Parse(name), state, tag, region, cancellationToken).ConfigureAwait(false);
        }

        return plan.Build(regions.Prices);
    }
}
