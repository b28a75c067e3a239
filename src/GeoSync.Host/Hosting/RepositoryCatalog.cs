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
    /// Up to <paramref name="limit"/> repositories after <paramref name="after"/> matching <paramref name="filter"/>, in
    /// ordinal order: published ones read from the status rows a page at a time (prefix and states in the database),
    /// merged with accepted but unpublished ones when the filter takes them.
    /// </summary>
    public async Task<RepositoryPage> ListPageAsync(RepositoryFilter filter, string? after, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        // One name past the limit tells whether another page follows.
        var names = new SortedSet<string>(StringComparer.Ordinal);
        string? cursor = after;
        while (names.Count <= limit)
        {
            IReadOnlyList<string> batch = await statuses.ListPageAsync(new RepositoryStatusPage(cursor, filter.LiteralPrefix, filter.AnyOf, limit + 1), cancellationToken).ConfigureAwait(false);
            names.UnionWith(batch.Where(filter.Match.IsMatch));
            if (batch.Count <= limit)
            {
                break;
            }

            cursor = batch[^1];
        }

        if (filter.IncludesUnpublished)
        {
            // As many as the inbox's backlog: the repositories whose events are not yet applied.
            IReadOnlyList<string> pending = await inbox.ListRepositoriesWithPendingAsync(cancellationToken).ConfigureAwait(false);
            names.UnionWith(pending.Where(r => (after is null || string.CompareOrdinal(r, after) > 0) && filter.Match.IsMatch(r)));
        }

        List<string> page = [.. names.Take(limit)];
        return new RepositoryPage(page, names.Count > limit ? page[^1] : null);
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
        int changed = 0;
        foreach (string name in await ReconciledAsync(repository, cancellationToken).ConfigureAwait(false))
        {
            changed += await grains.GetGrain<IRepositoryGrain>(name).ResyncAsync(tag).ConfigureAwait(false);
        }

        return changed;
    }

    /// <summary>
    /// The repositories a resync of <paramref name="repository"/> (everything when null) reconciles, in ordinal order:
    /// that one, or every repository of every source region and every known one.
    /// </summary>
    public async Task<IReadOnlyCollection<string>> ReconciledAsync(string? repository, CancellationToken cancellationToken = default)
    {
        var repositories = new SortedSet<string>(StringComparer.Ordinal);
        if (repository is not null)
        {
            repositories.Add(repository);
            return repositories;
        }

        foreach (string source in policy.SourceRegions)
        {
            await foreach (RepositoryName name in regions[source].Store.ListRepositoriesAsync(cancellationToken).ConfigureAwait(false))
            {
                repositories.Add(name.Value);
            }
        }

        repositories.UnionWith(await ListAsync(cancellationToken).ConfigureAwait(false));
        return repositories;
    }
}
