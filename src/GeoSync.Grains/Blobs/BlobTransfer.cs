using System.Diagnostics;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Grains.Links;
using GeoSync.Grains.Regions;
using GeoSync.Grains.Replication;
using GeoSync.Persistence;
using GeoSync.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace GeoSync.Grains.Blobs;

/// <summary>
/// Makes one region hold one blob (the work behind <see cref="BlobReplicatorGrain"/>, run off the grain's turns). The
/// source is the cheapest region (by topology link cost) that holds it (<see cref="BlobSources"/>), and the bytes are
/// counted on that link (<see cref="LinkTraffic"/>); the copy is server-side where both stores
/// support it and a verified stream otherwise; transient store failures are retried with exponential backoff and
/// jitter; transfers into a region are bounded by its concurrency limit. A transfer checkpoint records a large copy
/// while it runs and a failed one until it succeeds; a small blob lost to a crash is simply copied again, so its copy
/// waits for no database commit.
/// </summary>
public sealed partial class BlobTransfer(
    RegionDirectory regions,
    RegionThrottle throttle,
    BlobSources sources,
    LinkTraffic links,
    ITransferCheckpointStore checkpoints,
    IOptions<ReplicationOptions> options,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<BlobTransfer> logger)
{
    /// <summary>Blobs from this size on are recorded (Copying) while they are copied.</summary>
    public const long CheckpointedSize = 4 * 1024 * 1024;

    private readonly ILogger _logger = logger;

    private readonly ResiliencePipeline _retry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<RegionStoreException>(ex => ex.IsRetryable),
            MaxRetryAttempts = options.Value.BlobTransferRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.Value.BlobTransferRetryDelay,
        })
        .Build();

    /// <summary>Copies <paramref name="digest"/> into <paramref name="region"/> unless it is there already; stops with the host.</summary>
    public async Task<BlobTransferResult> RunAsync(string region, Digest digest, BlobTransferRequest request)
    {
        CancellationToken cancellationToken = lifetime.ApplicationStopping;
        IRegionStore target = regions[region].Store;
        RepositoryName repository = RepositoryName.Parse(request.Repository);
        if (await target.StatBlobAsync(repository, digest, cancellationToken).ConfigureAwait(false) is not null)
        {
            ReplicationTelemetry.DedupHits.Add(1, new KeyValuePair<string, object?>("region", region));
            return new BlobTransferResult(digest, 0, BlobTransferMode.AlreadyPresent, null);
        }

        using Activity? activity = ReplicationTelemetry.ActivitySource.StartActivity("blob.transfer");
        activity?.SetTag("geosync.region", region);
        activity?.SetTag("geosync.digest", digest.ToString());
        string source = await sources.ChooseAsync(region, repository, digest, request.KnownSources, cancellationToken).ConfigureAwait(false);
        IRegionStore sourceStore = regions[source].Store;
        long? bandwidth = regions[region].BandwidthBytesPerSecond;
        // A bandwidth cap can only be honoured by streaming: a server-side copy is paced by the service.
        bool serverSide = bandwidth is null && target.CanCopyServerSide(sourceStore);
        BlobTransferMode mode = serverSide ? BlobTransferMode.ServerSide : BlobTransferMode.Streamed;
        activity?.SetTag("geosync.source_region", source);
        activity?.SetTag("geosync.copy_mode", mode.ToString());

        using IDisposable slot = await throttle.AcquireAsync(region, cancellationToken).ConfigureAwait(false);
        int attempts = 0;
        bool checkpointed = request.Size >= CheckpointedSize;
        if (checkpointed)
        {
            await SaveCheckpointAsync(region, digest, source, request.Size, "Copying", attempts, null, cancellationToken).ConfigureAwait(false);
        }

        long written;
        try
        {
            written = await _retry.ExecuteAsync(
                async ct =>
                {
                    attempts++;
                    if (serverSide)
                    {
                        return await target.CopyBlobServerSideAsync(sourceStore, digest, request.Size, ct).ConfigureAwait(false);
                    }

                    Stream opened = await sourceStore.OpenBlobAsync(repository, digest, ct).ConfigureAwait(false);
                    await using Stream content = bandwidth is long rate ? new ThrottledStream(opened, rate, timeProvider) : opened;
                    return await target.WriteBlobAsync(repository, digest, content, request.Size, ct).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ReplicationTelemetry.Transfers.Add(1, new("region", region), new("outcome", "failed"));
            await SaveCheckpointAsync(region, digest, source, request.Size, "Failed", attempts, ex.Message, CancellationToken.None).ConfigureAwait(false);
            LogTransferFailed(region, digest.Short, source, attempts, ex);
            throw;
        }

        if (checkpointed || await checkpoints.GetAsync(region, digest.ToString(), CancellationToken.None).ConfigureAwait(false) is not null)
        {
            // A read costs no commit: only a checkpoint that exists (this copy's, or an earlier failure's) is deleted.
            await checkpoints.DeleteAsync(region, digest.ToString(), CancellationToken.None).ConfigureAwait(false);
        }
        ReplicationTelemetry.Transfers.Add(1, new("region", region), new("outcome", "copied"));
        ReplicationTelemetry.BytesCopied.Add(written, new("region", region), new("mode", mode == BlobTransferMode.ServerSide ? "server_side" : "streamed"));
        links.Record(source, region, written);
        LogCopied(region, digest.Short, source, mode, written);
        return new BlobTransferResult(digest, written, mode, source);
    }

    private Task SaveCheckpointAsync(string region, Digest digest, string source, long size, string state, int attempts, string? error, CancellationToken cancellationToken) =>
        checkpoints.UpsertAsync(
            new TransferCheckpoint(region, digest.ToString(), source, size, 0, state, attempts, error, timeProvider.GetUtcNow()),
            cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Copied {Digest} into `{Region}` from `{SourceRegion}` ({Mode}, {Bytes} bytes)")]
    private partial void LogCopied(string region, string digest, string sourceRegion, BlobTransferMode mode, long bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Copy of {Digest} into `{Region}` from `{SourceRegion}` failed after {Attempts} attempts")]
    private partial void LogTransferFailed(string region, string digest, string sourceRegion, int attempts, Exception exception);
}
