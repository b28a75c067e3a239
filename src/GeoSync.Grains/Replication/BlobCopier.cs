using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Grains.Blobs;
using GeoSync.Grains.Repositories;

namespace GeoSync.Grains.Replication;

/// <summary>
/// Copies the blobs a region lacks through their replicator grains (concurrent needs of one blob in one region become
/// one copy) and tells how far the copy is: once planned, then as each blob is in the region.
/// </summary>
internal sealed class BlobCopier(IGrainFactory grains)
{
    /// <summary>The bytes written into <paramref name="region"/> for <paramref name="blobs"/>.</summary>
    public async Task<long> CopyAsync(
        string region,
        string source,
        RepositoryName repository,
        IReadOnlyList<Descriptor> blobs,
        Func<CopyProgress, Task>? progress,
        CancellationToken cancellationToken)
    {
        var report = new ProgressReport(progress, blobs.Sum(b => b.Size));
        await report.AddAsync(0).ConfigureAwait(false);
        BlobTransferResult[] results = await Task.WhenAll(blobs.Select(async blob =>
        {
            BlobTransferResult result = await EnsureAsync(region, blob, source, repository, cancellationToken).ConfigureAwait(false);
            // The blob is in the region, whoever copied it: progress runs up to the planned total.
            await report.AddAsync(blob.Size).ConfigureAwait(false);
            return result;
        })).ConfigureAwait(false);
        return results.Sum(r => r.BytesWritten);
    }

    /// <summary>Asks the blob's replicator until the transfer is done: a long copy is reported, not held in one call.</summary>
    private async Task<BlobTransferResult> EnsureAsync(string region, Descriptor blob, string source, RepositoryName repository, CancellationToken cancellationToken)
    {
        IBlobReplicatorGrain replicator = grains.GetGrain<IBlobReplicatorGrain>(BlobReplicatorKey.For(region, blob.Digest));
        var request = new BlobTransferRequest(blob.Digest, blob.Size, repository.ToString(), [source]);
        while (true)
        {
            BlobTransferResult result = await replicator.EnsureAsync(request).ConfigureAwait(false);
            if (result.Mode != BlobTransferMode.InProgress)
            {
                return result;
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Reports in order, one at a time: blobs finish concurrently, the bytes reported only grow.</summary>
    private sealed class ProgressReport(Func<CopyProgress, Task>? progress, long toCopy)
    {
        private readonly SemaphoreSlim _turn = new(1, 1);
        private long _copied;

        public async Task AddAsync(long bytes)
        {
            if (progress is null)
            {
                return;
            }

            await _turn.WaitAsync().ConfigureAwait(false);
            try
            {
                _copied += bytes;
                await progress(new CopyProgress(_copied, toCopy)).ConfigureAwait(false);
            }
            finally
            {
                _turn.Release();
            }
        }
    }
}
