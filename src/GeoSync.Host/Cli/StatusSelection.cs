using GeoSync.Host.Client;
using GeoSync.Host.Status;

namespace GeoSync.Host.Cli;

/// <summary>
/// What <c>geosync status</c> looks at: one repository, one tag, or without either the first page of the repositories
/// a listing query selects (those that need attention, unless <c>--match</c> or <c>--state</c> say otherwise).
/// </summary>
internal sealed class StatusSelection(GeoSyncClient client, string? token, string? repository, string? tag, RepositoryPageQuery listing)
{
    /// <summary>Repositories shown at most without a repository argument; the rest are counted.</summary>
    public const int PageSize = 50;

    /// <summary>The cursor past the last page read when more repositories matched the listing, else null.</summary>
    public string? MoreAfter { get; private set; }

    /// <summary>Reads the selected repositories, keeping only the selected tag when one is given.</summary>
    public async Task<IReadOnlyList<RepositoryStatus>> ReadAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> names = repository is null ? await ReadFirstPageAsync(cancellationToken).ConfigureAwait(false) : [repository];
        var statuses = new List<RepositoryStatus>();
        foreach (string name in names)
        {
            RepositoryStatus status = await client.GetRepositoryAsync(name, token, cancellationToken).ConfigureAwait(false);
            statuses.Add(tag is null ? status : status with { Tags = [.. status.Tags.Where(t => t.Tag == tag)] });
        }

        return statuses;
    }

    /// <summary>How many more repositories match the listing past the page read: their names only, in large pages.</summary>
    public async Task<long> CountMoreAsync(CancellationToken cancellationToken = default)
    {
        long more = 0;
        for (string? after = MoreAfter; after is not null;)
        {
            RepositoryList page = await client.ListRepositoryPageAsync(listing with { After = after, Limit = RepositoryListRequest.MaxLimit }, token, cancellationToken).ConfigureAwait(false);
            more += page.Repositories.Count;
            after = page.Next;
        }

        return more;
    }

    private async Task<IReadOnlyList<string>> ReadFirstPageAsync(CancellationToken cancellationToken)
    {
        RepositoryList page = await client.ListRepositoryPageAsync(listing with { Limit = PageSize }, token, cancellationToken).ConfigureAwait(false);
        MoreAfter = page.Next;
        return page.Repositories;
    }

    private bool Found(IReadOnlyList<RepositoryStatus> statuses) => repository is null || statuses.Any(s => s.Tags.Count > 0);

    /// <summary>True when every region of every selected tag is Synced or Deleted (a named repository or tag must exist).</summary>
    public bool AllSettled(IReadOnlyList<RepositoryStatus> statuses) =>
        Found(statuses) && statuses.All(s => s.AllSettled);

    /// <summary>
    /// True when what keeps the selection from being settled is only regions GeoSync gave up on (Abandoned): nothing
    /// moves any more, and only an operator's retry or drop changes it.
    /// </summary>
    public bool OnlyAbandonedLeft(IReadOnlyList<RepositoryStatus> statuses) =>
        Found(statuses) && !AllSettled(statuses) && statuses.All(s => s.Tags.All(t => t.Regions.All(r => r.State is "Synced" or "Deleted" or "Abandoned")));

    /// <summary>
    /// Without a repository: whether any repository the listing's glob matches holds an Abandoned region (the
    /// attention page lists those with work left only, so abandoned ones are asked for apart).
    /// </summary>
    public async Task<bool> AnyAbandonedAsync(CancellationToken cancellationToken = default) =>
        (await client.ListRepositoryPageAsync(listing with { State = nameof(Domain.Replication.ReplicationState.Abandoned), Limit = 1 }, token, cancellationToken).ConfigureAwait(false)).Repositories.Count > 0;

    /// <summary>
    /// True when nothing selected is still moving: no region is Pending, Copying, or Failed with a retry scheduled.
    /// A transient failure is not an end; only a settled or a terminal state (Abandoned) is.
    /// </summary>
    public bool Finished(IReadOnlyList<RepositoryStatus> statuses) =>
        Found(statuses) && !statuses.Any(s => s.Tags.Any(t => t.Regions.Any(IsMoving)));

    private static bool IsMoving(RegionStatus region) =>
        region.State is "Pending" or "Copying" || (region.State == "Failed" && region.NextAttemptAt is not null);
}
