using System.Threading.Channels;
using GeoSync.Grains.Repositories;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Polly;
using Polly.Retry;

namespace GeoSync.Host.Hosting;

/// <summary>
/// Wakes repository grains after their events are committed. Wake-ups are coalesced: a burst of events for one
/// repository costs one grain call, and the intake never waits for replication. Nothing depends on a wake-up
/// arriving (the inbox is durable and reminders resume work), so this is a latency path, not a durability one.
/// </summary>
public sealed partial class RepositoryNotifier : IHostedService
{
    /// <summary>
    /// A call that meets a silo not yet declared dead (or a grain moving between silos) is asked again: Orleans
    /// re-places the grain once membership has caught up.
    /// </summary>
    private static readonly ResiliencePipeline Retry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && ClusterFailures.IsTransient(e)),
            MaxRetryAttempts = 8,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(250),
            MaxDelay = TimeSpan.FromSeconds(5),
        })
        .Build();

    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly IGrainFactory _grains;
    private readonly ILogger _logger;
    private readonly Task _loop;

    public RepositoryNotifier(IGrainFactory grains, ILogger<RepositoryNotifier> logger)
    {
        _grains = grains;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Asks the repository's grain to apply its new events soon.</summary>
    public void Notify(string repository)
    {
        lock (_gate)
        {
            if (!_queued.Add(repository))
            {
                return;
            }
        }

        _queue.Writer.TryWrite(repository);
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops taking wake-ups (before the silo stops): the inbox keeps what is left for the next start.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        await foreach (string repository in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            lock (_gate)
            {
                _queued.Remove(repository);
            }

            _ = WakeAsync(repository);
        }
    }

    private async Task WakeAsync(string repository)
    {
        try
        {
            try
            {
                await _grains.GetGrain<IRepositoryGrain>(repository).NotifyAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ClusterFailures.IsTransient(ex))
            {
                // The pipeline only after a first failure: the call that succeeds (nearly every one) allocates nothing for it.
                await Retry.ExecuteAsync(
                    async (grains, _) => await grains.GetGrain<IRepositoryGrain>(repository).NotifyAsync().ConfigureAwait(false),
                    _grains,
                    CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (ObjectDisposedException)
        {
            // Shutting down: the inbox keeps the events for the next start.
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            LogWakeFailed(repository, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Repository `{Repository}` could not apply its events; they stay in the inbox")]
    private partial void LogWakeFailed(string repository, Exception exception);
}
