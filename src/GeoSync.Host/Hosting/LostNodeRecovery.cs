using GeoSync.Persistence;
using Orleans.Runtime;

namespace GeoSync.Host.Hosting;

/// <summary>
/// When the cluster declares a node dead, wakes every repository whose published status has work left: the dead
/// node's repositories resume on the survivors at once, not at their reminders' next tick once the reminder service
/// has taken their range over (a minute or more). Repositories that were live elsewhere find nothing new to do.
/// </summary>
public sealed partial class LostNodeRecovery(
    IClusterMembershipService membership,
    IRepositoryStatusStore statuses,
    RepositoryNotifier notifier,
    ILogger<LostNodeRecovery> logger) : BackgroundService
{
    private readonly ILogger _logger = logger;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var dead = new HashSet<SiloAddress>(DeadNodes(membership.CurrentSnapshot));
        try
        {
            await foreach (ClusterMembershipSnapshot snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken).ConfigureAwait(false))
            {
                List<SiloAddress> lost = [.. DeadNodes(snapshot).Where(dead.Add)];
                if (lost.Count > 0)
                {
                    await WakeUnfinishedAsync(lost, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static IEnumerable<SiloAddress> DeadNodes(ClusterMembershipSnapshot snapshot) =>
        snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead).Select(m => m.SiloAddress);

    private async Task WakeUnfinishedAsync(List<SiloAddress> lost, CancellationToken cancellationToken)
    {
        try
        {
            IReadOnlyList<string> unfinished = await statuses.ListUnfinishedAsync(cancellationToken).ConfigureAwait(false);
            foreach (string repository in unfinished)
            {
                notifier.Notify(repository);
            }

            LogWoken(string.Join(", ", lost), unfinished.Count);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Their reminders still resume them.
            LogWakeFailed(string.Join(", ", lost), ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node(s) {Nodes} declared dead: woke {Count} repositories with unfinished work")]
    private partial void LogWoken(string nodes, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node(s) {Nodes} declared dead, but the repositories with unfinished work could not be listed; their reminders resume them")]
    private partial void LogWakeFailed(string nodes, Exception exception);
}
