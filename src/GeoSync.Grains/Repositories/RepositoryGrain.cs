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
        int changed = after.Tags.Count(t => !before.Tags.TryGetValue(t.Key, out TagRecord? old) || !ReferenceEquals(old, t.Value));
        state.State = after;
        _checkpoint.Changed();
        await CheckpointAsync(services.Stopping);
        KickWorkers();
        return changed;
    }

    /// <inheritdoc />
    public Task<RegionWork?> NextWorkAsync(string region)
    {
        DateTimeOffset now = Now;
        foreach ((string tag, TagRecord record) in state.State.Tags)
        {
            if (record.Regions.TryGetValue(region, out RegionTagRecord? regionRecord) && RegionOutcomes.IsDue(regionRecord, now) && _inProgress.Add((region, tag)))
            {
                // In memory only: status shows Copying; a restart shows Pending and resumes.
                state.State = RegionOutcomes.WithRegion(state.State, tag, region, regionRecord with { State = ReplicationState.Copying });
                RegionWorkKind kind = record.Desired.IsDeleted ? RegionWorkKind.DeleteTag : RegionWorkKind.SyncTag;
                ReplicationTarget? target = regionRecord.Rule.Length == 0
                    ? null
                    : services.Policy.TargetsFor(record.Desired.SourceRegion, _repository, tag).FirstOrDefault(t => t.Region == region);
                return Task.FromResult<RegionWork?>(new RegionWork(kind, region, _repository.Value, tag, record.Desired, target, record.Desired.Digest, record.TraceParent));
            }
        }

        foreach ((string key, DeletionRecord deletion) in state.State.Deletions)
        {
            if (deletion.Regions.TryGetValue(region, out RegionTagRecord? regionRecord) && RegionOutcomes.IsDue(regionRecord, now) && _inProgress.Add((region, key)))
            {
                return Task.FromResult<RegionWork?>(new RegionWork(RegionWorkKind.DeleteManifest, region, _repository.Value, key, null, null, deletion.Digest));
            }
        }

        // Removed inside the turn, so a later turn that finds work starts a fresh worker (no lost wake-up).
        _workers.Remove(region);
        return Task.FromResult<RegionWork?>(null);
    }

    /// <inheritdoc />
    public async Task ReportAsync(RegionWorkResult result)
    {
        RegionWork work = result.Work;
        _inProgress.Remove((work.Region, work.Key));
        if (work.Kind == RegionWorkKind.DeleteManifest)
        {
            if (state.State.Deletions.TryGetValue(work.Key, out DeletionRecord? deletion) && deletion.Regions.TryGetValue(work.Region, out RegionTagRecord? record))
            {
                state.State = RegionOutcomes.WithDeletionRegion(state.State, work.Key, work.Region, RegionOutcomes.AfterDeletion(record, result, Now));
            }
        }
        else if (!await RecordTagAsync(result, services.Stopping))
        {
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

    private async Task<bool> RecordTagAsync(RegionWorkResult result, CancellationToken cancellationToken)
    {
        RegionWork work = result.Work;
        if (!state.State.Tags.TryGetValue(work.Key, out TagRecord? record)
            || record.Desired.Digest != work.Digest
            || !record.Regions.TryGetValue(work.Region, out RegionTagRecord? regionRecord))
        {
            // The tag moved while the work ran; its region record is Pending again and the worker picks it up next.
            return false;
        }

        RegionTagRecord updated = RegionOutcomes.AfterAttempt(regionRecord, result, Now, services.GateRecheckInterval);
        if (updated.IsSettled)
        {
            try
            {
                updated = await NotifyCompletedAsync(work, record.Desired, regionRecord, updated, result.Platforms, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The deploy webhooks could not be queued: not Synced yet; the region is planned again (cheap, all is
                // present) and the notice retried, so no region is ever Synced without its webhooks queued.
                updated = RegionOutcomes.Failed(regionRecord, $"could not queue deploy webhooks: {ex.Message}", Now);
            }
        }

        ReplicationTelemetry.RegionSyncs.Add(1, new("region", work.Region), new("outcome", updated.State.ToString()));
        if (updated.State == ReplicationState.Failed)
        {
            LogRegionFailed(_repository.Value, work.Key, work.Region, updated.Attempts, result.Detail ?? "unknown error");
        }

        state.State = RegionOutcomes.WithRegion(state.State, work.Key, work.Region, updated);
        return true;
    }

    private async Task<RegionTagRecord> NotifyCompletedAsync(
        RegionWork work,
        DesiredTag desired,
        RegionTagRecord previous,
        RegionTagRecord record,
        IReadOnlyList<string> platforms,
        CancellationToken cancellationToken)
    {
        // One notice per outcome: a region Synced again for the same digest, or Deleted again, is not announced twice.
        bool deleted = record.State == ReplicationState.Deleted;
        if (deleted ? previous.State == ReplicationState.Deleted : record.NotifiedDigest == desired.Digest)
        {
            return record;
        }

        DateTimeOffset completedAt = record.SyncedAt ?? Now;
        if (!deleted)
        {
            ReplicationTelemetry.Lag.Record((completedAt - desired.Timestamp).TotalSeconds, new KeyValuePair<string, object?>("region", work.Region));
        }

        var notice = new RegionImageNotice(
            work.Region,
            _repository.Value,
            work.Key,
            deleted ? previous.NotifiedDigest : desired.Digest,
            desired.MediaType,
            platforms,
            desired.SourceRegion,
            desired.Timestamp,
            completedAt,
            deleted,
            work.TraceParent);
        await services.Observer.RegionCompletedAsync(notice, cancellationToken);
        LogRegionCompleted(_repository.Value, work.Key, work.Region, record.State, (completedAt - desired.Timestamp).TotalMilliseconds);
        return record with { NotifiedDigest = deleted ? null : desired.Digest };
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

    /// <summary>
    /// A worker that ended without reporting (its report could not reach this grain) leaves its work marked in flight:
    /// the work is made due again, so that a new worker picks it up rather than the region staying Copying.
    /// </summary>
    private void ForgetEndedWorkers()
    {
        foreach ((string region, Task worker) in _workers.Where(w => w.Value.IsCompleted).ToList())
        {
            _workers.Remove(region);
            foreach ((string Region, string Key) work in _inProgress.Where(w => w.Region == region).ToList())
            {
                _inProgress.Remove(work);
                if (state.State.Tags.GetValueOrDefault(work.Key)?.Regions.GetValueOrDefault(region) is { State: ReplicationState.Copying } record)
                {
                    state.State = RegionOutcomes.WithRegion(state.State, work.Key, region, record with { State = ReplicationState.Pending });
                }
            }
        }
    }
}
