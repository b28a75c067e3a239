using GeoSync.Domain.Content;
using GeoSync.Domain.Events;
using GeoSync.Domain.Names;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Replication;
using GeoSync.Persistence;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace GeoSync.Grains.Repositories;

/// <summary>
/// The grain of one repository. Its turns are short: apply inbox events in sequence order, hand out work, record
/// outcomes. The copying itself runs in one <see cref="RegionWorker"/> per region outside the turns, so a slow or
/// broken region delays only itself and new events are applied while copies are in flight.
/// </summary>
/// <remarks>
/// The state is written behind, as a checkpoint of the inbox: applied events and recorded outcomes are written
/// together at most <see cref="RepositoryServices.CheckpointDelay"/> after the first unwritten change (at once after
/// a batch of events, always on deactivation), and inbox rows are marked applied only after a state holding them is
/// written. A crash loses nothing: the next activation reads the state written last and applies the rest of the
/// inbox again (deciding the same); a region whose outcome was not written is synced again and finds all present.
/// Immovable: its region workers live in this activation, so a silo that stops deactivates it (writing its last
/// checkpoint) rather than migrate it; the next call activates it wherever Orleans places it.
/// </remarks>
[Immovable]
public sealed partial class RepositoryGrain(
    [PersistentState(RepositoryGrain.StateName, RepositoryGrain.StorageName)] IPersistentState<RepositoryState> state,
    RepositoryServices services,
    ILogger<RepositoryGrain> logger) : Grain, IRepositoryGrain, IRemindable
{
    /// <summary>The name of the repository state in grain storage.</summary>
    public const string StateName = "repository";

    /// <summary>The grain storage provider holding it: GeoSync's own on SQLite, Orleans' ADO.NET one on PostgreSQL.</summary>
    public const string StorageName = "geosync";

    /// <summary>The default of <see cref="RepositoryServices.CheckpointDelay"/>.</summary>
    public static readonly TimeSpan DefaultCheckpointDelay = TimeSpan.FromMilliseconds(250);

    private const string ReminderName = "replicate";
    private static readonly TimeSpan CheckpointRetryDelay = TimeSpan.FromSeconds(1);
    private readonly ILogger _logger = logger;
    private readonly Dictionary<string, Task> _workers = new(StringComparer.Ordinal);
    private readonly HashSet<(string Region, string Key)> _inProgress = [];
    private RepositoryName _repository;
    private CheckpointProgress _checkpoint = new(0);
    private IGrainTimer? _checkpointTimer;
    private IGrainTimer? _retryTimer;
    private DateTimeOffset _retryAt;
    private bool _reminderRegistered;

    private DateTimeOffset Now => services.TimeProvider.GetUtcNow();

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _repository = RepositoryName.Parse(this.GetPrimaryKeyString());
        state.State = RegionOutcomes.WithoutCopying(state.State);
        _reminderRegistered = state.State.HasUnfinishedWork;
        _checkpoint = new CheckpointProgress(state.State.LastSequence);
        await ApplyInboxAsync(cancellationToken);
        KickWorkers();
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => CheckpointAsync(cancellationToken);

    /// <inheritdoc />
    public async Task NotifyAsync()
    {
        await ApplyInboxAsync(services.Stopping);
        KickWorkers();
    }

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status) => NotifyAsync();

    /// <inheritdoc />
    public Task<RepositoryState> GetStateAsync() => Task.FromResult(state.State);

    /// <inheritdoc />
    public async Task<int> ResyncAsync(string? tag)
    {
        RepositoryState before = state.State;
        RepositoryState after = await services.Reconciler.ReconcileAsync(_repository, before, tag, Now, services.Stopping);
        int changed = ResyncChanges.Count(before, after);
        state.State = after;
        _checkpoint.Changed();
        await CheckpointAsync(services.Stopping);
        KickWorkers();
        return changed;
    }

    /// <inheritdoc />
    public Task<RegionWork?> NextWorkAsync(string region)
    {
        (state.State, RegionWork? work) = WorkAssignment.Next(state.State, _repository, region, Now, _inProgress, services.Policy);
        if (work is null)
        {
            // Removed inside the turn, so a later turn that finds work starts a fresh worker (no lost wake-up).
            _workers.Remove(region);
        }
        else
        {
            _inProgress.Add((work.Region, work.Key));
        }

        return Task.FromResult(work);
    }

    /// <inheritdoc />
    public async Task ReportAsync(RegionWorkResult result)
    {
        RegionWork work = result.Work;
        _inProgress.Remove((work.Region, work.Key));
        if (work.Kind == RegionWorkKind.DeleteManifest)
        {
            state.State = ReportApplication.AfterDeletion(state.State, result, Now);
        }
        else if (ReportApplication.Attempt(state.State, result, Now, services.GateRecheckInterval) is { } attempt)
        {
            RegionTagRecord updated = await AnnounceAsync(result, attempt, services.Stopping);
            ReplicationTelemetry.RegionSyncs.Add(1, new("region", work.Region), new("outcome", updated.State.ToString()));
            if (updated.State == ReplicationState.Failed)
            {
                LogRegionFailed(_repository.Value, work.Key, work.Region, updated.Attempts, result.Detail ?? "unknown error");
            }

            state.State = RegionOutcomes.WithRegion(state.State, work.Key, work.Region, updated);
        }
        else
        {
            // The tag moved while the work ran; its region record is Pending again and the worker picks it up next.
            return;
        }

        // Written behind: lost in a crash, the outcome is found again by syncing the region once more.
        _checkpoint.Changed();
        ScheduleCheckpoint();
        ScheduleRetry();
    }

    /// <summary>
    /// While a failed region waits for its next attempt, a timer wakes the grain when the earliest one is due (a timer
    /// that fires a little early finds nothing due and sets the next one), so retries follow their backoff, not the reminder.
    /// </summary>
    private void ScheduleRetry()
    {
        if (RegionOutcomes.NextRetryAt(state.State) is not DateTimeOffset next || (_retryTimer is not null && _retryAt <= next))
        {
            return;
        }

        _retryTimer?.Dispose();
        _retryAt = next;
        TimeSpan delay = next - Now;
        _retryTimer = this.RegisterGrainTimer(RetryDueAsync, delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private Task RetryDueAsync()
    {
        _retryTimer?.Dispose();
        _retryTimer = null;
        return NotifyAsync();
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

            await services.Observer.RegionCompletedAsync(notice, cancellationToken);
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
            IReadOnlyList<InboxEntry> entries = await services.Inbox.ReadPendingAsync(_repository.Value, state.State.LastSequence, CheckpointProgress.InboxBatch, cancellationToken);
            if (entries.Count > 0)
            {
                RepositoryState next = state.State;
                foreach (InboxEntry entry in entries)
                {
                    next = await ApplyEntryAsync(next, entry, cancellationToken);
                }

                state.State = next with { LastSequence = entries[^1].Sequence };
                _checkpoint.Applied(entries.Count);
            }

            if (_checkpoint.BatchFull)
            {
                await CheckpointAsync(cancellationToken);
            }

            if (entries.Count < CheckpointProgress.InboxBatch)
            {
                ScheduleCheckpoint();
                return;
            }
        }
    }

    private async Task<RepositoryState> ApplyEntryAsync(RepositoryState current, InboxEntry entry, CancellationToken cancellationToken)
    {
        string source = entry.Event.SourceRegion;
        if (!services.Regions.Contains(source))
        {
            LogUnknownRegion(_repository.Value, source, entry.Sequence);
            return current;
        }

        IReadOnlyList<RegistryEvent> events;
        string? traceParent;
        try
        {
            (events, traceParent) = StoredEvent.Read(entry.Event.Payload);
        }
        catch (FormatException ex)
        {
            // The intake validated it; a stored event that no longer parses is logged, never allowed to block the rest.
            LogUnreadableEvent(_repository.Value, entry.Sequence, ex.Message);
            return current;
        }

        int priority = services.Regions[source].Priority;
        foreach (RegistryEvent registryEvent in events.Where(e => e.NeedsReplication && e.Target.Repository == _repository))
        {
            current = EventApplication.Apply(current, registryEvent, source, priority, entry.Event.ReceivedAt, services.Policy);
            if (registryEvent.Target.Tag is { } tag && current.Tags.TryGetValue(tag.Value, out TagRecord? decided) && decided.Desired.EventId == registryEvent.Id)
            {
                current = current with { Tags = current.Tags.SetItem(tag.Value, decided with { TraceParent = traceParent }) };
            }

            if (await services.Referrers.SubjectOfPushAsync(source, registryEvent, cancellationToken) is Digest subject)
            {
                current = RegionOutcomes.ReferrerArrived(current, subject);
            }
        }

        return current;
    }

    /// <summary>Writes the state within <see cref="RepositoryServices.CheckpointDelay"/> when it has changed, or the inbox is not yet marked up to it.</summary>
    private void ScheduleCheckpoint()
    {
        if (_checkpointTimer is null && _checkpoint.Pending)
        {
            _checkpointTimer = this.RegisterGrainTimer(CheckpointOnTimerAsync, services.CheckpointDelay, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task CheckpointOnTimerAsync()
    {
        try
        {
            await CheckpointAsync(services.Stopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not Orleans.Storage.InconsistentStateException)
        {
            // Nothing is lost (the inbox keeps the events unapplied); the checkpoint is tried again.
            LogCheckpointFailed(_repository.Value, ex.Message);
            _checkpointTimer ??= this.RegisterGrainTimer(CheckpointOnTimerAsync, CheckpointRetryDelay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// Writes the state (and the reminder that matches it), then marks the inbox applied up to the sequence the
    /// written state includes — in that order, so no event is marked applied before a state holding it is durable.
    /// </summary>
    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        _checkpointTimer?.Dispose();
        _checkpointTimer = null;
        if (_checkpoint.Dirty)
        {
            long sequence = state.State.LastSequence;
            await state.WriteStateAsync(cancellationToken);
            _checkpoint.Written(sequence);
            await KeepReminderAsync();
        }

        if (_checkpoint.MarkedSequence < _checkpoint.WrittenSequence)
        {
            long sequence = _checkpoint.WrittenSequence;
            await services.Inbox.MarkAppliedAsync(_repository.Value, sequence, cancellationToken);
            _checkpoint.Marked(sequence);
        }
    }

    /// <summary>A repository with unfinished work keeps a reminder, so a restarted silo resumes it without any event.</summary>
    private async Task KeepReminderAsync()
    {
        bool unfinished = state.State.HasUnfinishedWork;
        if (unfinished == _reminderRegistered)
        {
            return;
        }

        if (unfinished)
        {
            await this.RegisterOrUpdateReminder(ReminderName, services.ReminderPeriod, services.ReminderPeriod);
        }
        else if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        _reminderRegistered = unfinished;
    }

    private void KickWorkers()
    {
        ForgetEndedWorkers();
        IRepositoryGrain self = this.AsReference<IRepositoryGrain>();
        foreach (string region in RegionOutcomes.RegionsWithWork(state.State, Now))
        {
            if (!_workers.ContainsKey(region) && services.Regions.Contains(region))
            {
                // Off the grain's scheduler: the worker calls back into the grain as ordinary messages.
                _workers[region] = Task.Run(() => RegionWorker.RunAsync(self, _repository.Value, region, services.Replicator, _logger, services.Stopping));
            }
        }

        ScheduleRetry();
    }

    /// <summary>Forgets workers that have ended; work they held without reporting is made due again (<see cref="WorkAssignment.Released"/>).</summary>
    private void ForgetEndedWorkers()
    {
        foreach (string region in _workers.Where(w => w.Value.IsCompleted).Select(w => w.Key).ToList())
        {
            _workers.Remove(region);
            List<(string Region, string Key)> abandoned = [.. _inProgress.Where(w => w.Region == region)];
            _inProgress.ExceptWith(abandoned);
            state.State = WorkAssignment.Released(state.State, abandoned);
        }
    }
}
