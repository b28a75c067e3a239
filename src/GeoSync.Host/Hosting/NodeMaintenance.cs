using GeoSync.Domain.Topology;
using GeoSync.Grains.Replication;
using GeoSync.Persistence;
using Microsoft.Extensions.Options;

namespace GeoSync.Host.Hosting;

/// <summary>
/// A node's background work beside the grains: at start, wakes the repositories with unfinished work; then the
/// pending sweep, the inbox's retention and periodic reconciliation, each on its own timer.
/// </summary>
public sealed partial class NodeMaintenance(
    RegionTopology topology,
    GeoSyncDatabase database,
    RepositoryNotifier notifier,
    RepositoryCatalog catalog,
    IReplicationPolicy policy,
    TimeProvider time,
    IOptions<NodeOptions> options,
    ILogger<NodeMaintenance> logger) : BackgroundService
{
    /// <summary>Orleans' name of the repository grain type (its class name without "Grain", lower case).</summary>
    private const string RepositoryGrainType = "repository";

    private readonly NodeOptions _options = options.Value;
    private readonly ILogger _logger = logger;

    /// <inheritdoc />
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await ResumeAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        List<Task> loops =
        [
            EveryAsync(_options.InboxPruneInterval, "inbox retention", PruneInboxAsync, stoppingToken),
            EveryAsync(_options.PendingSweepInterval, "pending sweep", SweepPendingAsync, stoppingToken),
        ];
        if (_options.PeriodicReconciliation)
        {
            loops.Add(EveryAsync(policy.ReconcileInterval, "reconciliation", ReconcileAsync, stoppingToken));
        }

        return Task.WhenAll(loops);
    }

    /// <summary>
    /// Asks every repository grain with unapplied events, or (embedded) with a reminder for unfinished work, to carry
    /// on now rather than at its reminder's next tick.
    /// </summary>
    private async Task ResumeAsync(CancellationToken cancellationToken)
    {
        var repositories = new HashSet<string>(StringComparer.Ordinal);
        repositories.UnionWith(await database.Inbox.ListRepositoriesWithPendingAsync(cancellationToken).ConfigureAwait(false));
        if (database.Reminders is { } reminders)
        {
            foreach (Orleans.ReminderEntry reminder in (await reminders.ReadRows(0, 0).ConfigureAwait(false)).Reminders)
            {
                if (reminder.GrainId.Type.ToString() == RepositoryGrainType)
                {
                    repositories.Add(reminder.GrainId.Key.ToString()!);
                }
            }
        }

        foreach (string repository in repositories)
        {
            notifier.Notify(repository);
        }

        if (repositories.Count > 0)
        {
            LogResumed(repositories.Count);
        }
    }

    /// <summary>
    /// The inbox's retention: applied events accepted longer ago than <c>engine.inboxRetention</c> are deleted in
    /// batches (each a short write, so appends are not held up behind one large delete). Pending events stay.
    /// </summary>
    private async Task PruneInboxAsync(CancellationToken cancellationToken)
    {
        const int Batch = 1000;
        DateTimeOffset cutoff = time.GetUtcNow() - topology.Engine.InboxRetention;
        long deleted = 0;
        int batch;
        do
        {
            batch = await database.Inbox.DeleteAppliedAsync(cutoff, Batch, cancellationToken).ConfigureAwait(false);
            deleted += batch;
        }
        while (batch == Batch);

        if (deleted > 0)
        {
            LogInboxPruned(deleted, topology.Engine.InboxRetention);
        }
    }

    private async Task SweepPendingAsync(CancellationToken cancellationToken)
    {
        foreach (string repository in await database.Inbox.ListRepositoriesWithPendingAsync(cancellationToken).ConfigureAwait(false))
        {
            notifier.Notify(repository);
        }
    }

    private async Task ReconcileAsync(CancellationToken cancellationToken) =>
        LogReconciled(await catalog.ResyncAsync(null, null, cancellationToken).ConfigureAwait(false));

    /// <summary>Runs <paramref name="work"/> every <paramref name="interval"/>; a failure is logged and the next tick tries again.</summary>
    private async Task EveryAsync(TimeSpan interval, string name, Func<CancellationToken, Task> work, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await work(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogLoopFailed(name, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming {Count} repositories with unfinished work")]
    private partial void LogResumed(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciliation re-planned {Count} tags")]
    private partial void LogReconciled(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} applied events older than the inbox retention ({Retention})")]
    private partial void LogInboxPruned(long count, TimeSpan retention);

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Loop} loop failed; it runs again at its next tick")]
    private partial void LogLoopFailed(string loop, Exception exception);
}
