using GeoSync.Domain.Content;

namespace GeoSync.Domain.Replication;

/// <summary>
/// What a tag should point at everywhere, decided by the registry timestamp of the push or delete, not by the
/// order notifications arrive in. When two regions push the same tag, the later timestamp wins; on a tie the
/// region with the lower priority number wins, then the region name (so every node decides alike).
/// </summary>
/// <param name="Digest">The manifest the tag should point at; null when the tag was deleted.</param>
/// <param name="MediaType">The manifest's media type (empty for deletes).</param>
/// <param name="Size">The manifest's size in bytes (0 for deletes).</param>
/// <param name="Timestamp">The registry's timestamp of the push or delete.</param>
/// <param name="SourceRegion">The region whose registry saw it.</param>
/// <param name="SourcePriority">That region's priority (lower wins ties).</param>
/// <param name="EventId">The registry event that set it.</param>
/// <param name="AcceptedAt">When GeoSync accepted that event (for lag).</param>
public sealed record DesiredTag(
    Digest? Digest,
    string MediaType,
    long Size,
    DateTimeOffset Timestamp,
    string SourceRegion,
    int SourcePriority,
    string EventId,
    DateTimeOffset AcceptedAt)
{
    /// <summary>True when the tag was deleted.</summary>
    public bool IsDeleted => Digest is null;

    /// <summary>True when this decision should replace <paramref name="current"/> (the multi-master rule).</summary>
    public bool Supersedes(DesiredTag? current)
    {
        if (current is null)
        {
            return true;
        }

        int byTime = Timestamp.CompareTo(current.Timestamp);
        if (byTime != 0)
        {
            return byTime > 0;
        }

        int byPriority = current.SourcePriority.CompareTo(SourcePriority);
        if (byPriority != 0)
        {
            return byPriority > 0;
        }

        int byRegion = string.CompareOrdinal(current.SourceRegion, SourceRegion);
        if (byRegion != 0)
        {
            return byRegion > 0;
        }

        // Same time, same region: a delete after a push at the same instant wins; otherwise the same decision.
        return IsDeleted && !current.IsDeleted;
    }

    /// <summary>True when this restates <paramref name="current"/>: same outcome, so nothing needs doing.</summary>
    public bool Restates(DesiredTag? current) => current is not null && current.Digest == Digest;
}
