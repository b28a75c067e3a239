using System.Runtime.CompilerServices;
using GeoSync.Domain.Names;
using GeoSync.Grains.Regions;
using GeoSync.Grains.Replication;
using GeoSync.Grains.Repositories;
using GeoSync.Persistence;

namespace GeoSync.Host.Hosting;

/// <summary>
/// The repositories a node knows of and where each stands, read from the status the grains publish (a read never
/// activates a grain), and reconciliation of them against the source regions' stores.
/// </summary>
public sealed class RepositoryCatalog(IRepositoryStatusStore statuses, IEventInbox inbox, IGrainFactory grains, IReplicationPolicy policy, RegionDirectory regions)
{
    /// <summary>
    /// Every repository the engine knows, in ordinal order: those with a published status, and those whose events are
    /// accepted but not yet applied (a repository publishes behind its first events).
    /// </summary>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default)
    {
        var repositories = new SortedSet<string>(StringComparer.Ordinal);
        repositories.UnionWith(await statuses.ListRepositoriesAsync(cancellationToken).ConfigureAwait(false));
        repositories.UnionWith(await inbox.ListRepositoriesWithPendingAsync(cancellationToken).ConfigureAwait(false));
        return [.. repositories];
    }

    /// <summary>
    /// The repository's state as last published; an empty state when its events are accepted but none is published
    /// yet; null when the engine knows nothing of it.
    /// </summary>
    public async Task<RepositoryState?> FindAsync(string repository, CancellationToken cancellationToken = default)
    {
        if (await statuses.FindAsync(repository, cancellationToken).ConfigureAwait(false) is { } row)
        {
            return RepositoryStatusDocument.Read(row);
        }

        if ((await inbox.ReadPendingAsync(repository, 0, 1, cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            return new RepositoryState();
        }

        // A grain publishes its status before marking its events applied: when they were applied between the two
        // reads above, the status is there now.
        return await statuses.FindAsync(repository, cancellationToken).ConfigureAwait(false) is { } published
            ? RepositoryStatusDocument.Read(published)
            : null;
    }

    /// <summary>Every published state, in ordinal repository order, a page at a time.</summary>
    public async IAsyncEnumerable<(string Repository, RepositoryState State)> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (RepositoryStatusRow row in statuses.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return (row.Repository, RepositoryStatusDocument.Read(row));
        }
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
