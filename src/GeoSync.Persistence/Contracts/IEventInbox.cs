namespace GeoSync.Persistence;

/// <summary>An accepted registry event as the inbox stores it.</summary>
/// <param name="EventId">The registry's event id; the inbox ignores a second event with the same id and source region.</param>
/// <param name="SourceRegion">The region whose registry sent the event (known from its bearer token).</param>
/// <param name="Repository">The repository the event is about; events are read back per repository.</param>
/// <param name="Payload">The event as received (one element of the envelope's <c>events</c> array), JSON.</param>
/// <param name="ReceivedAt">When GeoSync accepted it.</param>
public sealed record InboxEvent(string EventId, string SourceRegion, string Repository, string Payload, DateTimeOffset ReceivedAt);

/// <summary>An inbox event with its acceptance sequence number (the order a repository's events are applied in).</summary>
/// <param name="Sequence">Acceptance order, increasing per database; a later commit never gets a smaller number.</param>
/// <param name="Event">The event.</param>
/// <param name="Applied">Whether <see cref="IEventInbox.MarkAppliedAsync"/> has covered it.</param>
public sealed record InboxEntry(long Sequence, InboxEvent Event, bool Applied = false);

/// <summary>
/// The durable event inbox. <see cref="AppendAsync"/> returns only after the events are committed, which is what
/// lets the intake answer 202. Concurrent appends are grouped into one transaction (group commit) so that
/// durability does not cost one disk flush per request.
/// </summary>
/// <remarks>
/// Sequences increase in commit order: a reader that has seen sequence N never later finds a new event at or
/// below N, so "events after my cursor" cannot skip one (PostgreSQL serialises inbox batches across nodes with an
/// advisory lock to keep this true). Times are stored to the millisecond.
/// </remarks>
public interface IEventInbox
{
    /// <summary>
    /// Commits events; returns how many were new (duplicates by source region and event id are ignored, also within
    /// one call). The events of one call commit together or not at all. A call cancelled before the writer picks it
    /// up writes nothing; once picked up it completes.
    /// </summary>
    Task<int> AppendAsync(IReadOnlyList<InboxEvent> events, CancellationToken cancellationToken = default);

    /// <summary>
    /// A repository's events not yet marked applied with sequence above <paramref name="afterSequence"/>, oldest
    /// first (what its grain has still to apply: events marked applied are in its written state already).
    /// </summary>
    Task<IReadOnlyList<InboxEntry>> ReadPendingAsync(string repository, long afterSequence, int limit, CancellationToken cancellationToken = default);

    /// <summary>Repositories that have events not yet marked applied (where recovery must resume), oldest pending first.</summary>
    Task<IReadOnlyList<string>> ListRepositoriesWithPendingAsync(CancellationToken cancellationToken = default);

    /// <summary>Marks a repository's events up to and including <paramref name="sequence"/> applied.</summary>
    Task MarkAppliedAsync(string repository, long sequence, CancellationToken cancellationToken = default);

    /// <summary>The event with this id (the earliest, should two regions have used it), for "where does my event stand" queries; null when unknown.</summary>
    Task<InboxEntry?> FindAsync(string eventId, CancellationToken cancellationToken = default);

    /// <summary>Events accepted but not yet applied.</summary>
    Task<long> CountPendingAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes up to <paramref name="limit"/> applied events accepted before <paramref name="acceptedBefore"/>,
    /// oldest first, and returns how many it deleted (the inbox's retention). A pending event is never deleted,
    /// however old. Sequences are not reused, so a reader's cursor stays valid.
    /// </summary>
    Task<int> DeleteAppliedAsync(DateTimeOffset acceptedBefore, int limit, CancellationToken cancellationToken = default);
}
