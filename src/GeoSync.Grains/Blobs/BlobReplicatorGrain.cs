using GeoSync.Domain.Content;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace GeoSync.Grains.Blobs;

/// <summary>
/// The single transfer of each blob of one digest bucket into one region. A copy runs off the grain's turns (it may
/// outlast Orleans' call timeout); every caller of a digest waits on that one transfer for a while, then is told to ask
/// again. Reentrant so that callers wait together; its only state is the running transfers, touched on the grain's
/// own scheduler.
/// </summary>
[Reentrant]
public sealed class BlobReplicatorGrain(BlobTransfer transfer, IOptions<BlobReplicatorOptions> options) : Grain, IBlobReplicatorGrain
{
    private readonly Dictionary<Digest, RunningTransfer> _running = [];

    /// <inheritdoc />
    public async Task<BlobTransferResult> EnsureAsync(BlobTransferRequest request)
    {
        string region = BlobReplicatorKey.RegionOf(this.GetPrimaryKeyString());
        Digest digest = request.Digest;
        if (!_running.TryGetValue(digest, out RunningTransfer? running))
        {
            // Started in this turn: the transfer leaves the grain's scheduler at its first await (its own code never
            // resumes here), and a blob already present answers without a hop through the thread pool.
            running = new RunningTransfer(transfer.RunAsync(region, digest, request));
            _running[digest] = running;
        }

        if (!running.Task.IsCompleted)
        {
            await Task.WhenAny(running.Task, Task.Delay(options.Value.ReportAfter));
            if (!running.Task.IsCompleted)
            {
                return new BlobTransferResult(digest, 0, BlobTransferMode.InProgress, null);
            }
        }

        if (_running.TryGetValue(digest, out RunningTransfer? current) && ReferenceEquals(current, running))
        {
            // Done (or failed): the next caller starts afresh, and finds the blob present or tries again.
            _running.Remove(digest);
        }

        BlobTransferResult result = await running.Task;
        if (running.Claimed)
        {
            // The bytes crossed once: only the first caller counts them, the others found the blob there.
            return result with { BytesWritten = 0, Mode = BlobTransferMode.AlreadyPresent, SourceRegion = null };
        }

        running.Claimed = true;
        return result;
    }

    private sealed class RunningTransfer(Task<BlobTransferResult> task)
    {
        public Task<BlobTransferResult> Task { get; } = task;

        public bool Claimed { get; set; }
    }
}

/// <summary>Settings of <see cref="BlobReplicatorGrain"/>.</summary>
public sealed class BlobReplicatorOptions
{
    /// <summary>How long one call waits for the transfer before it reports it still running (well inside Orleans' call timeout).</summary>
    public TimeSpan ReportAfter { get; set; } = TimeSpan.FromSeconds(10);
}
