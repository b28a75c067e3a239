using GeoSync.Domain.Names;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Replication;
using GeoSync.Persistence;
using Microsoft.Extensions.Logging;
using Orleans.Placement;
using GeoSync.Domain.Text;

namespace GeoSync.Grains.Repositories;

/// <summary>
/// The grain of one repository. Its turns are short: apply inbox events in sequence order, hand out work, record
/// outcomes. The copying itself runs in one <see cref="RegionWorker"/> per region outside the turns, so a slow or
/// broken region delays only itself and new events are applied while copies are in flight.
/// </summary>
/// <remarks>
/// The grain orders calls and wires the pieces: the decisions are pure (<see cref="EventApplication"/>,
/// <see cref="WorkAssignment"/>, <see cref="ReportApplication"/>, <see cref="RegionOutcomes"/>);
/// <see cref="RepositoryInbox"/> applies stored events, <see cref="RepositoryCheckpointer"/> writes the state behind
/// (a crash loses nothing: the next activation applies the inbox after the state written last), and
/// <see cref="RegionWorkers"/> keeps what is in flight.
/// Immovable: its region workers live in this activation, so a silo that stops deactivates it (writing its last
/// checkpoint) rather than migrate it; the next call activates it wherever Orleans places it.
/// </remarks>
[Immovable]
public sealed partial class RepositoryGrain : Grain, IRepositoryGrain, IRemindable
{
    /// <summary>The name of the repository state in grain storage.</summary>
    public const string StateName = "repository";

    /// <summary>The grain storage provider holding it: GeoSync's own on SQLite, Orleans' ADO.NET one on PostgreSQL.</summary>
    public const string StorageName = "geosync";

    /// <summary>The default of <see cref="RepositoryServices.CheckpointDelay"/>.</summary>
    public static readonly TimeSpan DefaultCheckpointDelay = TimeSpan.FromSeconds(1);

    /// <summary>The default of <see cref="RepositoryServices.StatusDelay"/>.</summary>
    public static readonly TimeSpan DefaultStatusDelay = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan WriteBehindRetryDelay = TimeSpan.FromSeconds(1);

    private readonly IPersistentState<RepositoryState> _state;
    private readonly RepositoryServices _services;
    private readonly ILogger _logger;
    private readonly RepositoryInbox _inbox;
    private readonly RepositoryCheckpointer _checkpointer;
    private readonly RegionWorkers _workers;
    private readonly RepositoryStatusPublisher _status;
    private readonly WriteBehindTimer _writeBehind;
    private RepositoryName _repository;

    public RepositoryGrain(
        [PersistentState(StateName, StorageName)] IPersistentState<RepositoryState> state,
        RepositoryServices services,
        ILogger<RepositoryGrain> logger)
    {
        _state = state;
        _services = services;
        _logger = logger;
        _inbox = new RepositoryInbox(services, logger);
        _writeBehind = new WriteBehindTimer(this, WriteBehindAsync);
        _status = new RepositoryStatusPublisher(_writeBehind, () => State, services, logger);
        _checkpointer = new RepositoryCheckpointer(this, state, services, _writeBehind, () => _status.PublishAsync(State), logger);
        _workers = new RegionWorkers(this, NotifyAsync, services.TimeProvider);
    }

    private RepositoryState State
    {
        get => _state.State;
        set => _state.State = value;
    }

    private DateTimeOffset Now => _services.TimeProvider.GetUtcNow();

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _repository = RepositoryName.Parse(this.GetPrimaryKeyString());
        State = RegionOutcomes.WithoutCopying(State);
        _checkpointer.Resume(_repository);
        _status.Resume(_repository);
        await ApplyInboxAsync(cancellationToken);
        KickWorkers();
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The region workers end with the activation: what they were copying is Pending until the next one.
        State = RegionOutcomes.WithoutCopying(State);
        try
        {
            await _status.PublishAsync(State);
        }
        finally
        {
            await _checkpointer.WriteAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task NotifyAsync()
    {
        await ApplyInboxAsync(_services.Stopping);
        KickWorkers();
    }

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status) => NotifyAsync();

    /// <inheritdoc />
    public Task<RepositoryState> GetStateAsync() => Task.FromResult(State);

    /// <inheritdoc />
    public async Task<int> ResyncAsync(string? tag)
    {
        RepositoryState before = State;
        State = await _services.Reconciler.ReconcileAsync(_repository, before, tag, Now, _services.Stopping);
        int changed = ResyncChanges.Count(before, State);
        _checkpointer.Changed();
        await _checkpointer.WriteAsync(_services.Stopping);
        KickWorkers();
        // An operator asked: what the resync re-planned is what the status shows when the call returns.
        await _status.PublishAsync(State);
        return changed;
    }

    /// <inheritdoc />
    public Task ProgressAsync(RegionWork work, CopyProgress progress)
    {
        // In memory, like Copying itself: the status shows it, a restart forgets it.
        if (_workers.InFlight.Contains((work.Region, work.Key))
            && State.Tags.GetValueOrDefault(work.Key) is { } tag && tag.Desired.Digest == work.Digest
            && tag.Regions.GetValueOrDefault(work.Region) is { State: ReplicationState.Copying } copying)
        {
            State = RegionOutcomes.WithRegion(State, work.Key, work.Region, copying with { Progress = progress });
            _status.Schedule(promptly: true);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<int> RetryAbandonedAsync(AbandonedSelection selection) => ChangeAbandonedAsync(AbandonedEvents.Retry(State, selection));

    /// <inheritdoc />
    public Task<int> DropAbandonedAsync(AbandonedSelection selection) => ChangeAbandonedAsync(AbandonedEvents.Drop(State, selection));

    /// <summary>An operator's change, written and published before the call returns (what they asked for is what status shows).</summary>
    private async Task<int> ChangeAbandonedAsync((RepositoryState State, int Count) change)
    {
        if (change.Count == 0)
        {
            return 0;
        }

        State = change.State;
        LogAbandonedChanged(_repository.Value, change.Count);
        _checkpointer.Changed();
        await _checkpointer.WriteAsync(_services.Stopping);
        KickWorkers();
        await _status.PublishAsync(State);
        return change.Count;
    }

    /// <summary>The region's next due work, marked in flight; null (and the region's worker forgotten) when none is due.</summary>
    private RegionWork? HandOut(string region)
    {
        (State, RegionWork? work) = WorkAssignment.Next(State, _repository, region, Now, _workers.InFlight, _services.Policy);
        if (work is null)
        {
            _workers.Idle(region);
        }
        else
        {
            _workers.HandedOut(work);
            _status.Schedule();
        }

        return work;
    }

    /// <inheritdoc />
    public async Task<RegionWork?> ReportAsync(RegionWorkResult result)
    {
        RegionWork work = result.Work;
        _workers.Reported(work);
        if (work.Kind == RegionWorkKind.DeleteManifest)
        {
            State = ReportApplication.AfterDeletion(State, result, Now);
        }
        else if (ReportApplication.Attempt(State, result, Now, _services.GateRecheckInterval, _services.AbandonAfter) is { } attempt)
        {
            RegionTagRecord updated = await AnnounceAsync(result, attempt, _services.Stopping);
            ReplicationTelemetry.RegionSyncs.Add(1, new("region", work.Region), new("outcome", updated.State.ToString()));
            if (updated.State == ReplicationState.Abandoned)
            {
                LogRegionAbandoned(_repository.Value, work.Key, work.Region, LogText.Escape(updated.LastError ?? "unknown error"));
            }
            else if (updated.State == ReplicationState.Failed)
            {
                LogRegionFailed(_repository.Value, work.Key, work.Region, updated.Attempts, LogText.Escape(result.Detail ?? "unknown error"));
            }

            State = RegionOutcomes.WithRegion(State, work.Key, work.Region, updated);
            if (updated.State == ReplicationState.Synced && result.Referrer)
            {
                State = RegionOutcomes.ReferrerReached(State, work.Region, Now);
            }
        }
        else
        {
            // The tag moved while the work ran; its region record is Pending again and is handed out next.
            return HandOut(work.Region);
        }

        // Written behind: lost in a crash, the outcome is found again by syncing the region once more.
        _checkpointer.Changed();
        _checkpointer.Schedule();
        _status.Schedule(promptly: true);
        _workers.ScheduleRetry(RegionOutcomes.NextRetryAt(State));
        return HandOut(work.Region);
    }

    /// <summary>A settled region's deploy webhooks are queued before its outcome is recorded, never after.</summary>
    private async Task<RegionTagRecord> AnnounceAsync(RegionWorkResult result, TagAttempt attempt, CancellationToken cancellationToken)
    {
        if (ReportApplication.Notice(_repository.Value, result, attempt, Now) is not { } notice)
        {
            return attempt.After;
        }

        try
        {
            if (!notice.Deleted)
            {
                ReplicationTelemetry.Lag.Record(notice.Lag.TotalSeconds, new KeyValuePair<string, object?>("region", notice.Region));
            }

            await _services.Observer.RegionCompletedAsync(notice, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Never Synced without its webhooks queued: the region is planned again and the notice retried.
            return ReportApplication.NoticeFailed(attempt, ex.Message, Now);
        }

        LogRegionCompleted(_repository.Value, notice.Tag, notice.Region, attempt.After.State, notice.Lag.TotalMilliseconds);
        return ReportApplication.Announced(attempt.After, notice);
    }

    private async Task ApplyInboxAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            IReadOnlyList<InboxEntry> entries = await _services.Inbox.ReadPendingAsync(_repository.Value, State.LastSequence, CheckpointProgress.InboxBatch, cancellationToken);
            if (entries.Count > 0)
            {
                State = await _inbox.ApplyAsync(_repository, State, entries, cancellationToken);
                _checkpointer.Applied(entries.Count);
            }

            if (_checkpointer.BatchFull)
            {
                await _checkpointer.WriteAsync(cancellationToken);
            }

            if (entries.Count < CheckpointProgress.InboxBatch)
            {
                _checkpointer.Schedule();
                return;
            }
        }
    }

    /// <summary>The status first, then the checkpoint (which never marks an event applied before the status shows it).</summary>
    private async Task WriteBehindAsync()
    {
        bool published = await _status.PublishOnTimerAsync();
        bool written = await _checkpointer.WriteOnTimerAsync();
        if (!published || !written)
        {
            _writeBehind.ArmBy(WriteBehindTimer.DeadlineIn(WriteBehindRetryDelay));
        }
    }

    private void KickWorkers()
    {
        State = WorkAssignment.Released(State, _workers.ForgetEnded());
        IRepositoryGrain self = this.AsReference<IRepositoryGrain>();
        foreach (string region in RegionOutcomes.RegionsWithWork(State, Now).Where(r => _services.Regions.Contains(r) && !_workers.IsRunning(r)))
        {
            // The first piece is handed out in this turn: a worker costs one grain call per piece of work.
            if (HandOut(region) is { } first)
            {
                _workers.Start(region, () => RegionWorker.RunAsync(self, _repository.Value, first, _services.Replicator, _logger, _services.Stopping));
            }
        }

        _workers.ScheduleRetry(RegionOutcomes.NextRetryAt(State));
        _status.Schedule();
    }
}
