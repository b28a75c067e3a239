using GeoSync.Domain.Names;
using GeoSync.Grains.Regions;
using GeoSync.Grains.Replication;
using GeoSync.Grains.Repositories;
using GeoSync.Persistence;

namespace GeoSync.Host.Hosting;

/// <summary>The repositories a node knows of, and reconciliation of them against the source regions' stores.</summary>
public sealed class RepositoryCatalog(GeoSyncDatabase database, IGrainFactory grains, IReplicationPolicy policy, RegionDirectory regions)
{
    /// <summary>
    /// Every repository the engine knows, in ordinal order: those with written state, and those whose events are
    /// accepted but not yet in a written state (a repository's state is written behind its first events).
    /// </summary>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default)
    {
        var repositories = new SortedSet<string>(StringComparer.Ordinal);
        repositories.UnionWith(await database.ListStateKeysAsync(RepositoryGrain.StateName, cancellationToken).ConfigureAwait(false));
        repositories.UnionWith(await database.Inbox.ListRepositoriesWithPendingAsync(cancellationToken).ConfigureAwait(false));
        return [.. repositories];
    }

    /// <summary>
    /// Reconciles one repository (one tag of it), or every repository of every source region and every known one, as
    /// <c>geosync resync</c> does; returns how many tags were re-planned.
    /// </summary>
    public async Task<int> ResyncAsync(string? repository, string? tag, CancellationToken cancellationToken = default)
    {
        var repositories = new SortedSet<string>(StringComparer.Ordinal);
        if (repository is not null)
        {
            repositories.Add(repository);
        }
        else
        {
            foreach (string source in policy.SourceRegions)
            {
                await foreach (RepositoryName name in regions[source].Store.ListRepositoriesAsync(cancellationToken).ConfigureAwait(false))
                {
                    repositories.Add(name.Value);
                }
            }

            repositories.UnionWith(await ListAsync(cancellationToken).ConfigureAwait(false));
        }

        int changed = 0;
        foreach (string name in repositories)
        {
            changed += await grains.GetGrain<IRepositoryGrain>(name).ResyncAsync(tag).ConfigureAwait(false);
        }

        return changed;
    }
}
