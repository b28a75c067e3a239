using System.Diagnostics;
using GeoSync.Domain.Content;
using GeoSync.Grains.Hosting;
using GeoSync.Grains.Regions;
using GeoSync.Grains.Replication;
using GeoSync.Persistence;
using GeoSync.Storage;
using Microsoft.Extensions.Logging;
using Polly;

namespace GeoSync.Grains.Blobs;

/// <summary>
/// Makes one region hold one blob. The source is the cheapest region (by topology link cost) that holds it; the
/// copy is server-side where both stores support it and a verified stream otherwise; transient store failures
/// are retried with exponential backoff and jitter; transfers into a region are bounded by its concurrency limit.
/// </summary>
public sealed partial class BlobReplicatorGrain : Grain, IBlobReplicatorGrain
{
    private readonly RegionDirectory _regions;
    private readonly RegionThrottle _throttle;
    private readonly ITransferCheckpointStore _checkpoints;
    private readonly ResiliencePipeline _retry;
    private readonly ILogger _logger;
    private readonly string _region;
    private readonly Digest _digest;

    public BlobReplicatorGrain(
        GrainContext context,
        RegionDirectory regions,
        RegionThrottle throttle,
        ITransferCheckpointStore checkpoints,
        ResiliencePipeline retry,
        ILogger<BlobReplicatorGrain> logger)
        : base(context)
    {
        _regions = regions;
        _throttle = throttle;
        _checkpoints = checkpoints;
        _retry = retry;
        _logger = logger;
        (_region, _digest) = BlobReplicatorKey.Parse(context.Key);
    }

    /// <inheritdoc />
    public async Task<BlobTransferResult> EnsureAsync(BlobTransferRequest request)
    {
        CancellationToken cancellationToken = Context.HostStopping;
        IRegionStore target = _regions[_region].Store;
        if (await target.StatBlobAsync(_digest, cancellationToken).ConfigureAwait(false) is not null)
        {
            ReplicationTelemetry.DedupHits.Add(1, new KeyValuePair<string, object?>("region", _region));
            return new BlobTransferResult(_digest, 0, BlobTransferMode.AlreadyPresent, null);
        }

        using Activity? activity = ReplicationTelemetry.ActivitySource.StartActivity("blob.transfer");
        activity?.SetTag("geosync.region", _region);
        activity?.SetTag("geosync.digest", _digest.ToString());
        string source = await ChooseSourceAsync(request, cancellationToken).ConfigureAwait(false);
        IRegionStore sourceStore = _regions[source].Store;
        long? bandwidth = _regions[_region].BandwidthBytesPerSecond;
        // A bandwidth cap can only be honoured by streaming: a server-side copy is paced by the service.
        bool serverSide = bandwidth is null && target.CanCopyServerSide(sourceStore);
        BlobTransferMode mode = serverSide ? BlobTransferMode.ServerSide : BlobTransferMode.Streamed;
        activity?.SetTag("geosync.source_region", source);
        activity?.SetTag("geosync.copy_mode", mode.ToString());

        using IDisposable slot = await _throttle.AcquireAsync(_region, cancellationToken).ConfigureAwait(false);
        int attempts = 0;
        await SaveCheckpointAsync(source, request.Size, 0, "Copying", attempts, null, cancellationToken).ConfigureAwait(false);
        long written;
        try
        {
            written = await _retry.ExecuteAsync(
                async ct =>
                {
                    attempts++;
                    if (serverSide)
                    {
                        return await target.CopyBlobServerSideAsync(sourceStore, _digest, request.Size, ct).ConfigureAwait(false);
                    }

                    Stream opened = await sourceStore.OpenBlobAsync(_digest, ct).ConfigureAwait(false);
                    await using Stream content = bandwidth is long rate ? new ThrottledStream(opened, rate, Context.TimeProvider) : opened;
                    return await target.WriteBlobAsync(_digest, content, request.Size, ct).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ReplicationTelemetry.Transfers.Add(1, new("region", _region), new("outcome", "failed"));
            await SaveCheckpointAsync(source, request.Size, 0, "Failed", attempts, ex.Message, CancellationToken.None).ConfigureAwait(false);
            LogTransferFailed(_region, _digest.Short, source, attempts, ex);
            throw;
        }

        await _checkpoints.DeleteAsync(_region, _digest.ToString(), CancellationToken.None).ConfigureAwait(false);
        ReplicationTelemetry.Transfers.Add(1, new("region", _region), new("outcome", "copied"));
        ReplicationTelemetry.BytesCopied.Add(written, new("region", _region), new("mode", mode == BlobTransferMode.ServerSide ? "server_side" : "streamed"));
        LogCopied(_region, _digest.Short, source, mode, written);
        return new BlobTransferResult(_digest, written, mode, source);
    }

    /// <summary>
    /// The cheapest region holding the blob: regions cheaper than the cheapest known holder are asked first, so a blob
    /// that already crossed the ocean once fans out from nearby.
    /// </summary>
    private async Task<string> ChooseSourceAsync(BlobTransferRequest request, CancellationToken cancellationToken)
    {
        List<string> known = [.. request.KnownSources.Where(r => r != _region && _regions.Contains(r))];
        int knownCost = known.Count == 0 ? int.MaxValue : known.Min(r => _regions.LinkCost(r, _region));
        foreach (string candidate in _regions.SourcesByCost(_region))
        {
            int cost = _regions.LinkCost(candidate, _region);
            if (known.Contains(candidate) && cost == knownCost)
            {
                return candidate;
            }

            if (cost >= knownCost)
            {
                continue;
            }

            try
            {
                if (await _regions[candidate].Store.StatBlobAsync(_digest, cancellationToken).ConfigureAwait(false) is not null)
                {
                    return candidate;
                }
            }
            catch (RegionStoreException ex)
            {
                // An unreachable cheaper region is no reason to fail: fall back to the known holder.
                LogCandidateUnavailable(candidate, _digest.Short, ex.Message);
            }
        }

        return known.Count > 0
            ? known.OrderBy(r => _regions.LinkCost(r, _region)).First()
            : throw new RegionStoreException(_region, $"find a source for {_digest.Short}", RegionStoreFailure.NotFound, "no region is known to hold the blob");
    }

    private Task SaveCheckpointAsync(string source, long size, long done, string state, int attempts, string? error, CancellationToken cancellationToken) =>
        _checkpoints.UpsertAsync(
            new TransferCheckpoint(_region, _digest.ToString(), source, size, done, state, attempts, error, Context.TimeProvider.GetUtcNow()),
            cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Copied {Digest} into `{Region}` from `{SourceRegion}` ({Mode}, {Bytes} bytes)")]
    private partial void LogCopied(string region, string digest, string sourceRegion, BlobTransferMode mode, long bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Copy of {Digest} into `{Region}` from `{SourceRegion}` failed after {Attempts} attempts")]
    private partial void LogTransferFailed(string region, string digest, string sourceRegion, int attempts, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Region `{Region}` could not be asked for {Digest}: {Reason}")]
    private partial void LogCandidateUnavailable(string region, string digest, string reason);
}
