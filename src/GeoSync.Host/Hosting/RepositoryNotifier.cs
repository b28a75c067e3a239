using GeoSync.Grains.Repositories;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Polly;
using Polly.Retry;

namespace GeoSync.Host.Hosting;

/// <summary>
/// Wakes repository grains after their events are committed. Wake-ups are coalesced: while a repository's wake-up is
/// in flight, any number of new events for it cost one more grain call, made when that one returns (each call applies
/// everything committed before it), and the intake never waits for replication. Nothing depends on a wake-up
/// arriving (the inbox is durable, and the pending sweep and reminders resume work), so this is a latency path, not a
/// durability one.
/// </summary>
public sealed partial class RepositoryNotifier(IGrainFactory grains, ILogger<RepositoryNotifier> logger) : IHostedService
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

    // Per repository with a wake-up in flight: whether events arrived since it was sent (one more call is due).
    private readonly Dictionary<string, bool> _inFlight = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly ILogger _logger = logger;
    private bool _stopped;
    private int _running;

    /// <summary>Asks the repository's grain to apply its new events soon.</summary>
    public void Notify(string repository)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            if (_inFlight.ContainsKey(repository))
            {
                _inFlight[repository] = true;
                return;
            }

            _inFlight[repository] = false;
            _running++;
        }

        _ = WakeUntilCaughtUpAsync(repository);
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops taking wake-ups (before the silo stops) and waits for those in flight: the inbox keeps the rest.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _stopped = true;
        }

        while (Volatile.Read(ref _running) > 0 && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task WakeUntilCaughtUpAsync(string repository)
    {
        bool again = true;
        while (again)
        {
            await WakeAsync(repository).ConfigureAwait(false);
            lock (_gate)
            {
                again = _inFlight[repository] && !_stopped;
                if (again)
                {
                    _inFlight[repository] = false;
                }
                else
                {
                    _inFlight.Remove(repository);
                    _running--;
                }
            }
        }
    }

    private async Task WakeAsync(string repository)
    {
        try
        {
            try
            {
                await grains.GetGrain<IRepositoryGrain>(repository).NotifyAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ClusterFailures.IsTransient(ex))
            {
                // The pipeline only after a first failure: the call that succeeds (nearly every one) allocates nothing for it.
                await Retry.ExecuteAsync(
                    async (grains, _) => await grains.GetGrain<IRepositoryGrain>(repository).NotifyAsync().ConfigureAwait(false),
                    grains,
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
