using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Grains.Repositories;
using GeoSync.Storage;

namespace GeoSync.Grains.Replication;

/// <summary>
/// A target region whose own pushes replicate may hold a tag GeoSync did not write there: a push in that region whose
/// event is still on its way, and which may be the later one (multi-master). Such a tag is neither moved nor deleted
/// until that event decides, or until a grace period shows it diverged without an event. Checked before the copy,
/// again just before the tag is written (a push may land while the blobs copy), and before a tag is deleted.
/// </summary>
public sealed class TargetTagCheck(TimeProvider time)
{
    /// <summary>How long a region's own push, whose event has not been applied, keeps GeoSync from changing its tag.</summary>
    public static readonly TimeSpan LocalPushGrace = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Why the region's tag must be left alone now, or null: it names a digest no applied push of the tag named (for a
    /// sync, one other than the desired digest; for a delete, any).
    /// </summary>
    public async Task<string?> UnexplainedAsync(RegionWork work, RepositoryName repository, IRegionStore target, CancellationToken cancellationToken)
    {
        if (work.KnownDigests is not { } known || time.GetUtcNow() - work.Desired!.AcceptedAt > LocalPushGrace)
        {
            return null;
        }

        Digest? held = await target.ReadTagAsync(repository, Tag.Parse(work.Key), cancellationToken).ConfigureAwait(false);
        return held is Digest other && other != work.Digest && !known.Contains(other)
            ? $"the tag names {other.Short} there, pushed in that region; waiting for that push's event"
            : null;
    }
}
