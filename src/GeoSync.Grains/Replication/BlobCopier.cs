using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Grains.Blobs;
using GeoSync.Grains.Repositories;

namespace GeoSync.Grains.Replication;

/// <summary>
/// Copies the blobs a region lacks through their replicator grains (concurrent needs of one blob in one region become
/// one copy) and, while the copy lasts, tells how far it is every <see cref="ProgressInterval"/>: a copy done sooner
/// costs no report (and no grain call) at all.
/// </summary>
internal sealed class BlobCopier(IGrainFactory grains)
{
    /// <summary>How often a copy in flight reports its bytes.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>The bytes written into <paramref name="region"/> for <paramref name="blobs"/>.</summary>
    public async Task<long> CopyAsync(
        string region,
        string source,
        RepositoryName repository,
        IReadOnlyList<Descriptor> blobs,
        Func<CopyProgress, Task>? progress,
        CancellationToken cancellationToken)
    {
        await using var report = new ProgressReport(progress, blobs.Sum(b => b.Size));
        BlobTransferResult[] results = await Task.WhenAll(blobs.Select(async blob =>
        {
            BlobTransferResult result = await EnsureAsync(region, blob, source, repository, cancellationToken).ConfigureAwait(false);
            // The blob is in the region, whoever copied it: progress runs up to the planned total.
            report.Add(blob.Size);
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

    /// <summary>Reports the bytes copied so far on a timer while the copy lasts, one report at a time; best effort.</summary>
    private sealed class ProgressReport : IAsyncDisposable
    {
        private readonly CancellationTokenSource _done = new();
        private readonly Task _reporting;
        private long _copied;

        public ProgressReport(Func<CopyProgress, Task>? progress, long toCopy) =>
            _reporting = progress is null ? Task.CompletedTask : ReportAsync(progress, toCopy, _done.Token);

        public void Add(long bytes) => Interlocked.Add(ref _copied, bytes);

        public async ValueTask DisposeAsync()
        {
            await _done.CancelAsync().ConfigureAwait(false);
            await _reporting.ConfigureAwait(false);
            _done.Dispose();
        }

        private async Task ReportAsync(Func<CopyProgress, Task> progress, long toCopy, CancellationToken done)
        {
            using var timer = new PeriodicTimer(ProgressInterval);
            long reported = -1;
            try
            {
                while (await timer.WaitForNextTickAsync(done).ConfigureAwait(false))
                {
                    long copied = Interlocked.Read(ref _copied);
                    if (copied != reported)
                    {
                        await progress(new CopyProgress(copied, toCopy)).ConfigureAwait(false);
                        reported = copied;
                    }
                }
            }
            catch (Exception) when (done.IsCancellationRequested)
            {
                // The copy ended: its outcome says the rest.
            }
            catch (Exception)
            {
                // Progress is for people watching; the copy goes on without it (its outcome is reported anyway).
            }
        }
    }
}
