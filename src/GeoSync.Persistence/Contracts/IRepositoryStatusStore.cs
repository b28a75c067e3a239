namespace GeoSync.Persistence;

/// <summary>One repository's status as its grain last published it.</summary>
/// <param name="Repository">The repository; one row each.</param>
/// <param name="LastSequence">
/// The inbox sequence the grain had applied when it published; it orders publishes, so an older activation's late
/// publish cannot replace a newer row.
/// </param>
/// <param name="Document">The status as JSON, opaque to persistence (stored and returned as given).</param>
/// <param name="PublishedAt">When the grain published it; stored to the millisecond.</param>
public sealed record RepositoryStatusRow(string Repository, long LastSequence, string Document, DateTimeOffset PublishedAt)
{
    /// <summary>Some region still has work: after a node dies, the survivors wake these repositories.</summary>
    public bool Unfinished { get; init; }

    /// <summary>Which states the repository's regions are in, over all its tags and deletions: what filters read.</summary>
    public RepositoryStates States { get; init; }
}

/// <summary>
/// The repositories' status read model. Grains publish a row with their checkpoints; the status API and
/// <c>geosync status</c> read it, so that a status query never activates a grain nor starts replication.
/// </summary>
public interface IRepositoryStatusStore
{
    /// <summary>
    /// Creates or replaces the repository's row, unless the stored row has a higher <see cref="RepositoryStatusRow.LastSequence"/>
    /// (a stale activation's publish is ignored; an equal sequence replaces). Returns after the write is committed.
    /// </summary>
    Task PublishAsync(RepositoryStatusRow row, CancellationToken cancellationToken = default);

    /// <summary>The repository's row, or null when it never published.</summary>
    Task<RepositoryStatusRow?> FindAsync(string repository, CancellationToken cancellationToken = default);

    /// <summary>Every repository with a row, in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListRepositoriesAsync(CancellationToken cancellationToken = default);

    /// <summary>Every repository whose row says <see cref="RepositoryStatusRow.Unfinished"/>, in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListUnfinishedAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Every row in ordinal repository order, read a page at a time (a region overview over many repositories never
    /// holds them all, nor a connection between pages). Not one snapshot: each page is as recent as its read.
    /// </summary>
    IAsyncEnumerable<RepositoryStatusRow> ReadAllAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of repository names matching <paramref name="page"/>'s prefix and states, in ordinal order, read along
    /// an index (the attention index when every wanted state is unsettled).
    /// </summary>
    Task<IReadOnlyList<string>> ListPageAsync(RepositoryStatusPage page, CancellationToken cancellationToken = default);
}
