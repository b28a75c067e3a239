using System.Text;
using Microsoft.Win32.SafeHandles;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Host.Client;
using GeoSync.Storage;
using GeoSync.Storage.Layout;

namespace GeoSync.Benchmarks.Engine;

/// <summary>
/// Plays the source region's registry for the intake benchmark: repositories <c>bench/appNNN</c> each hold two
/// images, and a push moves tag <c>latest</c> from one to the other the way the distribution registry's filesystem
/// driver does (rewriting the tag's <c>current/link</c>, no fsync), then yields that push's notification.
/// One repository must be pushed by one caller at a time.
/// </summary>
public sealed class SourceRegistry(string storeRoot, int repositories, SyntheticImage[] images)
{
    private const string TagName = "latest";
    private readonly int[] _pushes = new int[repositories];
    private readonly DateTimeOffset _start = DateTimeOffset.UtcNow;
    private long _sequence;

    public int Repositories => repositories;

    /// <summary>Events the engine answered 202, over every measurement with this registry.</summary>
    public long EventsAccepted { get; set; }

    public static string Repository(int r) => $"bench/app{r:000}";

    /// <summary>Both images in every repository, both tagged once (so both tag index links exist), ending on the first.</summary>
    public async Task SeedAsync(IRegionStore store, CancellationToken cancellationToken = default)
    {
        for (int r = 0; r < repositories; r++)
        {
            foreach (SyntheticImage image in images.Reverse())
            {
                await image.PushToAsync(store, Repository(r), TagName, cancellationToken);
            }
        }
    }

    /// <summary>Moves repository <paramref name="r"/>'s tag to its other image and returns the push's envelope.</summary>
    public string Push(int r)
    {
        Digest digest = images[++_pushes[r] % images.Length].Root.Digest;
        RepositoryName repository = RepositoryName.Parse(Repository(r));
        // A link is always "sha256:" + 64 hex: overwritten in place, so the simulated registry costs the engine's
        // machine one small write per push (no truncation, no new inode).
        string link = Path.Combine(storeRoot, DistributionLayout.TagCurrentLink(repository, Tag.Parse(TagName)));
        using (SafeFileHandle handle = File.OpenHandle(link, FileMode.Open, FileAccess.Write))
        {
            RandomAccess.Write(handle, Encoding.ASCII.GetBytes(DistributionLayout.LinkContent(digest)), 0);
        }

        // Timestamps a microsecond apart in push order, so each push is newer than the last one of its tag.
        long n = Interlocked.Increment(ref _sequence);
        return GeoSyncClient.PushEnvelope(repository.Value, TagName, images[_pushes[r] % images.Length].Root, _start.AddTicks(n * 10), Guid.NewGuid().ToString());
    }

    /// <summary>How many (repository, region) pairs do not yet hold the repository's last pushed digest under the tag.</summary>
    public async Task<int> RegionsBehindAsync(IReadOnlyList<IRegionStore> regions, CancellationToken cancellationToken = default)
    {
        int behind = 0;
        for (int r = 0; r < repositories; r++)
        {
            Digest last = images[_pushes[r] % images.Length].Root.Digest;
            foreach (IRegionStore region in regions)
            {
                if (await region.ReadTagAsync(RepositoryName.Parse(Repository(r)), Tag.Parse(TagName), cancellationToken) != last)
                {
                    behind++;
                }
            }
        }

        return behind;
    }
}
