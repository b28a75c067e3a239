using GeoSync.Domain.Replication;
using GeoSync.Grains.Repositories;
using GeoSync.Persistence;

namespace GeoSync.Host.Status;

/// <summary>
/// One push GeoSync gave up on: its content was missing at its source past <c>engine.abandonAfter</c> in the regions
/// listed. <c>GET /v1/events/abandoned</c> lists them; an operator retries or drops them.
/// </summary>
public sealed record AbandonedEvent(
    string EventId,
    string Repository,
    string Tag,
    string? Digest,
    string SourceRegion,
    DateTimeOffset PushedAt,
    IReadOnlyList<AbandonedRegion> Regions);

/// <summary>A region that gave up on an event: since when the content was missing, and the last reason.</summary>
public sealed record AbandonedRegion(string Region, DateTimeOffset? MissingSince, int Attempts, string? LastError);

/// <summary>The answer of <c>GET /v1/events/abandoned</c>: events in repository and tag order; <c>More</c> when the limit cut the list.</summary>
public sealed record AbandonedEventList(IReadOnlyList<AbandonedEvent> Events, bool More);

/// <summary>
/// Body of <c>POST /v1/events/abandoned/retry</c> and <c>/drop</c>: one event by id, or a repository's abandoned
/// events (one tag of it); optionally in one region only.
/// </summary>
public sealed record AbandonedEventsRequest(string? EventId, string? Repository, string? Tag, string? Region);

/// <summary>
/// Finds abandoned events in the published status (a read never activates a grain: the status rows say which
/// repositories hold any) and has the repositories' grains retry or drop them.
/// </summary>
public sealed class AbandonedEventCatalog(IRepositoryStatusStore statuses, IGrainFactory grains)
{
    private const int PageSize = 500;

    /// <summary>Up to <paramref name="limit"/> abandoned events, of one repository and one region when given.</summary>
    public async Task<AbandonedEventList> ListAsync(string? repository, string? region, int limit, CancellationToken cancellationToken = default)
    {
        var events = new List<AbandonedEvent>();
        await foreach (string name in RepositoriesAsync(repository, cancellationToken).ConfigureAwait(false))
        {
            if (await statuses.FindAsync(name, cancellationToken).ConfigureAwait(false) is not { } row)
            {
                continue;
            }

            foreach (AbandonedEvent abandoned in Of(name, RepositoryStatusDocument.Read(row), region))
            {
                if (events.Count == limit)
                {
                    return new AbandonedEventList(events, More: true);
                }

                events.Add(abandoned);
            }
        }

        return new AbandonedEventList(events, More: false);
    }

    /// <summary>Has the selected abandoned regions tried again; returns how many.</summary>
    public Task<int> RetryAsync(AbandonedEventsRequest request, CancellationToken cancellationToken = default) =>
        ChangeAsync(request, (grain, selection) => grain.RetryAbandonedAsync(selection), cancellationToken);

    /// <summary>Removes the selected abandoned regions; returns how many.</summary>
    public Task<int> DropAsync(AbandonedEventsRequest request, CancellationToken cancellationToken = default) =>
        ChangeAsync(request, (grain, selection) => grain.DropAbandonedAsync(selection), cancellationToken);

    /// <summary>The abandoned events of one repository's state, in tag order.</summary>
    public static IEnumerable<AbandonedEvent> Of(string repository, RepositoryState state, string? region = null) =>
        from tag in state.Tags
        let regions = tag.Value.Regions
            .Where(r => r.Value.State == ReplicationState.Abandoned && (region is null || r.Key == region))
            .Select(r => new AbandonedRegion(r.Key, r.Value.MissingSince, r.Value.Attempts, r.Value.LastError))
            .ToList()
        where regions.Count > 0
        select new AbandonedEvent(
            tag.Value.Desired.EventId,
            repository,
            tag.Key,
            tag.Value.Desired.Digest?.ToString(),
            tag.Value.Desired.SourceRegion,
            tag.Value.Desired.Timestamp,
            regions);

    private async Task<int> ChangeAsync(AbandonedEventsRequest request, Func<IRepositoryGrain, AbandonedSelection, Task<int>> change, CancellationToken cancellationToken)
    {
        var repositories = new SortedSet<string>(StringComparer.Ordinal);
        if (request.Repository is not null)
        {
            repositories.Add(request.Repository);
        }
        else
        {
            // By id: the repositories whose published status holds that event abandoned.
            await foreach (string name in RepositoriesAsync(null, cancellationToken).ConfigureAwait(false))
            {
                if (await statuses.FindAsync(name, cancellationToken).ConfigureAwait(false) is { } row
                    && Of(name, RepositoryStatusDocument.Read(row)).Any(e => e.EventId == request.EventId))
                {
                    repositories.Add(name);
                }
            }
        }

        var selection = new AbandonedSelection(request.EventId, request.Tag, request.Region);
        int changed = 0;
        foreach (string name in repositories)
        {
            changed += await change(grains.GetGrain<IRepositoryGrain>(name), selection).ConfigureAwait(false);
        }

        return changed;
    }

    /// <summary>The repositories whose status says a region is Abandoned, in ordinal order, read a page at a time.</summary>
    private async IAsyncEnumerable<string> RepositoriesAsync(string? only, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? after = null;
        while (true)
        {
            var page = new RepositoryStatusPage(after, only ?? string.Empty, RepositoryStates.Abandoned, PageSize);
            IReadOnlyList<string> names = await statuses.ListPageAsync(page, cancellationToken).ConfigureAwait(false);
            foreach (string name in names.Where(n => only is null || n == only))
            {
                yield return name;
            }

            if (names.Count < PageSize)
            {
                yield break;
            }

            after = names[^1];
        }
    }
}
