using GeoSync.Domain.Replication;

namespace GeoSync.Persistence;

/// <summary>A set of <see cref="ReplicationState"/>s, one bit each, as a status row stores it.</summary>
[Flags]
public enum RepositoryStates
{
    None = 0,
    Pending = 1 << (int)ReplicationState.Pending,
    Copying = 1 << (int)ReplicationState.Copying,
    Synced = 1 << (int)ReplicationState.Synced,
    Failed = 1 << (int)ReplicationState.Failed,
    Deleted = 1 << (int)ReplicationState.Deleted,

    /// <summary>Given up until an operator retries or drops it: not unsettled (no work left), listed apart.</summary>
    Abandoned = 1 << (int)ReplicationState.Abandoned,

    /// <summary>The states that leave work to do: a row with any of them is <see cref="RepositoryStatusRow.Unfinished"/>.</summary>
    Unsettled = Pending | Copying | Failed,
}

/// <summary>What <see cref="IRepositoryStatusStore.ListPageAsync"/> reads.</summary>
/// <param name="After">Names after this one (exclusive), or null from the start.</param>
/// <param name="Prefix">Only names starting with this (ordinal), or empty for all.</param>
/// <param name="AnyOf">Only rows in at least one of these states, or <see cref="RepositoryStates.None"/> for all.</param>
/// <param name="Limit">At most this many names.</param>
public sealed record RepositoryStatusPage(string? After, string Prefix, RepositoryStates AnyOf, int Limit)
{
    /// <summary>The first name past every name with <see cref="Prefix"/>, or null without a prefix.</summary>
    public string? PrefixEnd => Prefix.Length == 0 ? null : Prefix[..^1] + (char)(Prefix[^1] + 1);

    /// <summary>Every wanted state is unsettled, so only unfinished rows (a small partial index) can match.</summary>
    public bool OnlyUnfinished => AnyOf != RepositoryStates.None && (AnyOf & ~RepositoryStates.Unsettled) == RepositoryStates.None;
}
