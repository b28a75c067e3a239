using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GeoSync.Grains.Links;

/// <summary>
/// Adds the node's counted link bytes to the database every <see cref="ReplicationOptions.LinkTrafficFlushInterval"/>,
/// and once more when the node stops (registered before the silo, so it stops after the last copy).
/// </summary>
public sealed partial class LinkTrafficFlusher(LinkTraffic traffic, IOptions<ReplicationOptions> options, TimeProvider time, ILogger<LinkTrafficFlusher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.LinkTrafficFlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await FlushAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await traffic.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Kept in memory: the next flush adds it.
            LogFlushFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Link egress totals could not be written; they are kept for the next attempt")]
    private partial void LogFlushFailed(Exception exception);
}
