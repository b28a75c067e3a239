using System.Collections.Immutable;
using GeoSync.Domain.Content;
using GeoSync.Domain.Events;
using GeoSync.Domain.Names;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Hosting;
using GeoSync.Grains.Regions;
using GeoSync.Grains.Replication;
using GeoSync.Persistence;
using Microsoft.Extensions.Logging;

namespace GeoSync.Grains.Repositories;

/// <summary>
/// The grain of one repository. Its turns are short: apply inbox events in sequence order, hand out work, record
/// outcomes. The copying itself runs in one worker per region outside the turns, so a slow or broken region delays
/// only itself and new events are applied while copies are in flight.
/// </summary>
/// <remarks>
/// The state is written behind, as a checkpoint of the inbox (event sourcing with snapshots): applied events and
/// recorded outcomes are written together at most <see cref="RepositoryServices.CheckpointDelay"/> after the first unwritten change,
/// or at once after <see cref="InboxBatch"/> unwritten events, and always on deactivation. Inbox rows are marked
/// applied only after the state that includes them is written, so a crash loses nothing: the next activation reads
/// the state written last and applies the rest of the inbox again (deciding the same), and a region whose outcome
/// was not yet written is synced again, finding everything present (its deploy webhooks keep their ids, so the
/// outbox does not queue them twice).
/// </remarks>
public sealed partial class RepositoryGrain : Grain, IRepositoryGrain
{
    /// <summary>The grain type name used for state and reminders.</summary>
    public const string GrainType = nameof(IRepositoryGrain);

    /// <summary>The default of <see cref="RepositoryServices.CheckpointDelay"/>.</summary>
    public static readonly TimeSpan DefaultCheckpointDelay = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan CheckpointRetryDelay = TimeSpan.FromSeconds(1);
    private const int InboxBatch = 500;
    private readonly RepositoryServices _services;
    private readonly ILogger _logger;
    private readonly PersistentState<RepositoryState> _state;
    private readonly RepositoryName _repository;
    private readonly Dictionary<string, Task> _workers = new(StringComparer.Ordinal);
    private readonly HashSet<(string Region, string Key)> _inProgress = [];
    private bool _reminderRegistered;

    // Write-behind: whether the state differs from what was written, the events applied since it was, the inbox
    // sequence the written state includes, the sequence the inbox is marked applied up to (-1: unknown in this
    // activation), and the pending checkpoint.
    private bool _dirty;
    private int _unwrittenEvents;
    private long _writtenSequence;
    private long _markedSequence = -1;
    private IDisposable? _checkpointTimer;

    public RepositoryGrain(GrainContext context, RepositoryServices services)
        : base(context)
    {
        _services = services;
        _logger = services.Logger;
        _repository = RepositoryName.Parse(context.Key);
        _state = context.CreateState(() => new RepositoryState());
    }

    /// <inheritdoc />
    /// <remarks>Not while its state is unwritten: an idle grain's checkpoint ran long ago, unless writes fail, and then
    /// the grain keeps its state and retries rather than leave a second activation to race its last write.</remarks>
    public override bool CanDeactivate => _workers.Count == 0 && !_state.State.HasUnfinishedWork && !_dirty;

    private DateTimeOffset Now => Context.TimeProvider.GetUtcNow();

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await _state.ReadStateAsync(cancellationToken).ConfigureAwait(false);
        _state.State = WithoutCopying(_state.State);
        _reminderRegistered = _state.State.HasUnfinishedWork;
        _writtenSequence = _state.State.LastSequence;
        await ApplyInboxAsync(cancellationToken).ConfigureAwait(false);
        KickWorkers();
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(CancellationToken cancellationToken) =>
        await CheckpointAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task NotifyAsync()
    {
        await ApplyInboxAsync(Context.HostStopping).ConfigureAwait(false);
        KickWorkers();
    }

    /// <inheritdoc />
    public async Task CheckpointAsync()
    {
        try
        {
            await CheckpointAsync(Context.HostStopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not InconsistentStateException)
        {
            // Nothing is lost (the inbox keeps the events unapplied); the checkpoint is tried again.
            LogCheckpointFailed(_repository.Value, ex.Message);
            _checkpointTimer ??= Context.RegisterTimer<IRepositoryGrain>(g => g.CheckpointAsync(), CheckpointRetryDelay);
        }
    }

    /// <inheritdoc />
    public Task<RepositoryState> GetStateAsync() => Task.FromResult(_state.State);

    /// <inheritdoc />
    public async Task<int> ResyncAsync(string? tag)
    {
        CancellationToken cancellationToken = Context.HostStopping;
        RepositoryState before = _state.State;
        RepositoryState after = await _services.Reconciler.ReconcileAsync(_repository, before, tag, Now, cancellationToken).ConfigureAwait(false);
        int changed = after.Tags.Count(t => !before.Tags.TryGetValue(t.Key, out TagRecord? old) || !ReferenceEquals(old, t.Value));
        _state.State = after;
        _dirty = true;
        await CheckpointAsync(cancellationToken).ConfigureAwait(false);
        KickWorkers();
        return changed;
    }

    /// <inheritdoc />
    public Task<RegionWork?> NextWorkAsync(string region)
    {
        DateTimeOffset now = Now;
        RepositoryState state = _state.State;
        foreach ((string tag, TagRecord record) in state.Tags)
        {
            if (record.Regions.TryGetValue(region, out RegionTagRecord? regionRecord) && IsDue(regionRecord, now) && _inProgress.Add((region, tag)))
            {
                MarkCopying(tag, region, regionRecord);
                RegionWorkKind kind = record.Desired.IsDeleted ? RegionWorkKind.DeleteTag : RegionWorkKind.SyncTag;
                ReplicationTarget? target = regionRecord.Rule.Length == 0
                    ? null
                    : _services.Policy.TargetsFor(record.Desired.SourceRegion, _repository, tag).FirstOrDefault(t => t.Region == region);
                return Task.FromResult<RegionWork?>(new RegionWork(kind, region, _repository.Value, tag, record.Desired, target, record.Desired.Digest, record.TraceParent));
            }
        }

        foreach ((string key, DeletionRecord deletion) in state.Deletions)
        {
            if (deletion.Regions.TryGetValue(region, out RegionTagRecord? regionRecord) && IsDue(regionRecord, now) && _inProgress.Add((region, key)))
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
        CancellationToken cancellationToken = Context.HostStopping;
        RegionWork work = result.Work;
        _inProgress.Remove((work.Region, work.Key));
        if (work.Kind == RegionWorkKind.DeleteManifest)
        {
            RecordDeletion(result);
        }
        else if (!await RecordTagAsync(result, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        // Written behind: lost in a crash, the outcome is found again by syncing the region once more.
        _dirty = true;
        ScheduleCheckpoint();
        if (result.State == ReplicationState.Failed)
        {
            TimeSpan delay = RetrySchedule.Delay(_state.State.Tags.GetValueOrDefault(work.Key)?.Regions.GetValueOrDefault(work.Region)?.Attempts ?? 1);
            Context.RegisterTimer<IRepositoryGrain>(g => g.NotifyAsync(), delay);
        }
    }

    private async Task<bool> RecordTagAsync(RegionWorkResult result, CancellationToken cancellationToken)
    {
        RegionWork work = result.Work;
        if (!_state.State.Tags.TryGetValue(work.Key, out TagRecord? record)
            || record.Desired.Digest != work.Digest
            || !record.Regions.TryGetValue(work.Region, out RegionTagRecord? regionRecord))
        {
            // The tag moved while the work ran; its region record is Pending again and the worker picks it up next.
            return false;
        }

        DateTimeOffset now = Now;
        RegionTagRecord updated = result.State switch
        {
            ReplicationState.Synced or ReplicationState.Deleted => regionRecord with
            {
                State = result.State,
                BytesCopied = regionRecord.BytesCopied + result.BytesCopied,
                SyncedAt = regionRecord.State == result.State && regionRecord.SyncedAt is not null ? regionRecord.SyncedAt : now,
                LastError = null,
                Attempts = 0,
                NextAttemptAt = null,
            },
            ReplicationState.Pending => regionRecord with
            {
                State = ReplicationState.Pending,
                BytesCopied = regionRecord.BytesCopied + result.BytesCopied,
                LastError = result.Detail,
                NextAttemptAt = now + _services.GateRecheckInterval,
            },
            _ => regionRecord with
            {
                State = ReplicationState.Failed,
                BytesCopied = regionRecord.BytesCopied + result.BytesCopied,
                LastError = result.Detail,
                Attempts = regionRecord.Attempts + 1,
                NextAttemptAt = now + RetrySchedule.Delay(regionRecord.Attempts + 1),
            },
        };

        if (updated.State is ReplicationState.Synced or ReplicationState.Deleted)
        {
            try
            {
                updated = await NotifyCompletedAsync(work, record.Desired, regionRecord, updated, result.Platforms, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The deploy webhooks could not be queued: not Synced yet; the region is planned again (cheap, all is
                // present) and the notice retried, so no region is ever Synced without its webhooks queued.
                updated = regionRecord with
                {
                    State = ReplicationState.Failed,
                    LastError = $"could not queue deploy webhooks: {ex.Message}",
                    Attempts = regionRecord.Attempts + 1,
                    NextAttemptAt = now + RetrySchedule.Delay(regionRecord.Attempts + 1),
                };
            }
        }

        ReplicationTelemetry.RegionSyncs.Add(1, new("region", work.Region), new("outcome", updated.State.ToString()));
        if (updated.State == ReplicationState.Failed)
        {
            LogRegionFailed(_repository.Value, work.Key, work.Region, updated.Attempts, result.Detail ?? "unknown error");
        }

        _state.State = _state.State with { Tags = _state.State.Tags.SetItem(work.Key, record with { Regions = record.Regions.SetItem(work.Region, updated) }) };
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
        await _services.Observer.RegionCompletedAsync(notice, cancellationToken).ConfigureAwait(false);
        LogRegionCompleted(_repository.Value, work.Key, work.Region, record.State, (completedAt - desired.Timestamp).TotalMilliseconds);
        return record with { NotifiedDigest = deleted ? null : desired.Digest };
    }

    private void RecordDeletion(RegionWorkResult result)
    {
        RegionWork work = result.Work;
        if (!_state.State.Deletions.TryGetValue(work.Key, out DeletionRecord? deletion)
            || !deletion.Regions.TryGetValue(work.Region, out RegionTagRecord? regionRecord))
        {
            return;
        }

        RegionTagRecord updated = result.State == ReplicationState.Failed
            ? regionRecord with { State = ReplicationState.Failed, LastError = result.Detail, Attempts = regionRecord.Attempts + 1, NextAttemptAt = Now + RetrySchedule.Delay(regionRecord.Attempts + 1) }
            : regionRecord with { State = ReplicationState.Deleted, SyncedAt = Now, LastError = null, Attempts = 0, NextAttemptAt = null };
        _state.State = _state.State with { Deletions = _state.State.Deletions.SetItem(work.Key, deletion with { Regions = deletion.Regions.SetItem(work.Region, updated) }) };
    }

    private async Task ApplyInboxAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            IReadOnlyList<InboxEntry> entries = await _services.Inbox.ReadPendingAsync(_repository.Value, _state.State.LastSequence, InboxBatch, cancellationToken).ConfigureAwait(false);
            if (entries.Count > 0)
            {
                RepositoryState state = _state.State;
                foreach (InboxEntry entry in entries)
                {
                    state = await ApplyEntryAsync(state, entry, cancellationToken).ConfigureAwait(false);
                }

                _state.State = state with { LastSequence = entries[^1].Sequence };
                _dirty = true;
                _unwrittenEvents += entries.Count;
            }

            // A long backlog is checkpointed as it is applied, so a crash replays at most one batch of this
            // repository's events (sequences are global: their distance counts every repository's events).
            if (_unwrittenEvents >= InboxBatch)
            {
                await CheckpointAsync(cancellationToken).ConfigureAwait(false);
            }

            if (entries.Count < InboxBatch)
            {
                ScheduleCheckpoint();
                return;
            }
        }
    }

    /// <summary>Writes the state within <see cref="RepositoryServices.CheckpointDelay"/> when it has changed, or the inbox is not yet marked up to it.</summary>
    private void ScheduleCheckpoint()
    {
        if (_checkpointTimer is null && (_dirty || _markedSequence < _writtenSequence))
        {
            _checkpointTimer = Context.RegisterTimer<IRepositoryGrain>(g => g.CheckpointAsync(), _services.CheckpointDelay);
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
        if (_dirty)
        {
            long sequence = _state.State.LastSequence;
            await SaveAsync(cancellationToken).ConfigureAwait(false);
            _dirty = false;
            _unwrittenEvents = 0;
            _writtenSequence = sequence;
        }

        if (_markedSequence < _writtenSequence)
        {
            long sequence = _writtenSequence;
            await _services.Inbox.MarkAppliedAsync(_repository.Value, sequence, cancellationToken).ConfigureAwait(false);
            _markedSequence = sequence;
        }
    }

    private async Task<RepositoryState> ApplyEntryAsync(RepositoryState state, InboxEntry entry, CancellationToken cancellationToken)
    {
        string source = entry.Event.SourceRegion;
        if (!_services.Regions.Contains(source))
        {
            LogUnknownRegion(_repository.Value, source, entry.Sequence);
            return state;
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
            return state;
        }

        int priority = _services.Regions[source].Priority;
        foreach (RegistryEvent registryEvent in events.Where(e => e.NeedsReplication && e.Target.Repository == _repository))
        {
            state = EventApplication.Apply(state, registryEvent, source, priority, entry.Event.ReceivedAt, _services.Policy);
            if (registryEvent.Target.Tag is { } tag && state.Tags.TryGetValue(tag.Value, out TagRecord? decided) && decided.Desired.EventId == registryEvent.Id)
            {
                state = state with { Tags = state.Tags.SetItem(tag.Value, decided with { TraceParent = traceParent }) };
            }

            Digest? subject = await _services.Referrers.SubjectOfPushAsync(source, registryEvent, cancellationToken).ConfigureAwait(false);
            if (subject is Digest s)
            {
                state = ReferrerArrived(state, s);
            }
        }

        return state;
    }

    /// <summary>A referrer of <paramref name="subject"/> arrived: regions holding a tag on it check again (referrers follow, gates open).</summary>
    private static RepositoryState ReferrerArrived(RepositoryState state, Digest subject)
    {
        foreach ((string tag, TagRecord record) in state.Tags)
        {
            if (record.Desired.Digest != subject)
            {
                continue;
            }

            ImmutableSortedDictionary<string, RegionTagRecord> regions = record.Regions;
            foreach ((string region, RegionTagRecord regionRecord) in record.Regions)
            {
                regions = regions.SetItem(region, regionRecord with { State = ReplicationState.Pending, NextAttemptAt = null, Attempts = 0 });
            }

            state = state with { Tags = state.Tags.SetItem(tag, record with { Regions = regions }) };
        }

        return state;
    }

    private void MarkCopying(string tag, string region, RegionTagRecord record)
    {
        // In memory only: status shows Copying; a restart shows Pending and resumes.
        TagRecord tagRecord = _state.State.Tags[tag];
        _state.State = _state.State with { Tags = _state.State.Tags.SetItem(tag, tagRecord with { Regions = tagRecord.Regions.SetItem(region, record with { State = ReplicationState.Copying }) }) };
    }

    private static bool IsDue(RegionTagRecord record, DateTimeOffset now) =>
        !record.IsSettled && record.State != ReplicationState.Copying && (record.NextAttemptAt is null || record.NextAttemptAt <= now);

    /// <summary>Copying is a fact of a live activation: state read back after a restart has nothing in flight.</summary>
    private static RepositoryState WithoutCopying(RepositoryState state)
    {
        foreach ((string tag, TagRecord record) in state.Tags)
        {
            foreach ((string region, RegionTagRecord regionRecord) in record.Regions)
            {
                if (regionRecord.State == ReplicationState.Copying)
                {
                    TagRecord current = state.Tags[tag];
                    state = state with { Tags = state.Tags.SetItem(tag, current with { Regions = current.Regions.SetItem(region, regionRecord with { State = ReplicationState.Pending }) }) };
                }
            }
        }

        return state;
    }

    private void KickWorkers()
    {
        DateTimeOffset now = Now;
        RepositoryState state = _state.State;
        IEnumerable<string> regionsWithWork = state.Tags.Values.SelectMany(t => t.Regions)
            .Concat(state.Deletions.Values.SelectMany(d => d.Regions))
            .Where(r => IsDue(r.Value, now))
            .Select(r => r.Key)
            .Distinct(StringComparer.Ordinal);
        foreach (string region in regionsWithWork)
        {
            if (!_workers.ContainsKey(region) && _services.Regions.Contains(region))
            {
                _workers[region] = Task.Run(() => RunWorkerAsync(region));
            }
        }
    }

    private async Task RunWorkerAsync(string region)
    {
        IRepositoryGrain self = Context.GrainFactory.GetGrain<IRepositoryGrain>(Key);
        CancellationToken cancellationToken = Context.HostStopping;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                RegionWork? work = await self.NextWorkAsync(region).ConfigureAwait(false);
                if (work is null)
                {
                    return;
                }

                RegionWorkResult result = await _services.Replicator.ExecuteAsync(work, cancellationToken).ConfigureAwait(false);
                await self.ReportAsync(result).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested || ex is ObjectDisposedException)
        {
            // The host is stopping: the state on disk says what is left, and the next start resumes it.
        }
        catch (Exception ex)
        {
            LogWorkerCrashed(_repository.Value, region, ex);
        }
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        await _state.WriteStateAsync(cancellationToken).ConfigureAwait(false);
        bool unfinished = _state.State.HasUnfinishedWork;
        if (unfinished != _reminderRegistered)
        {
            if (unfinished)
            {
                await _services.Reminders.UpsertAsync(new GrainReminder(GrainType, Key, "replicate", Now), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _services.Reminders.RemoveAsync(GrainType, Key, "replicate", cancellationToken).ConfigureAwait(false);
            }

            _reminderRegistered = unfinished;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "`{Repository}:{Tag}` is {State} in `{Region}` ({LagMilliseconds:0} ms after the push)")]
    private partial void LogRegionCompleted(string repository, string tag, string region, ReplicationState state, double lagMilliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "`{Repository}:{Tag}` failed in `{Region}` (attempt {Attempts}): {Reason}")]
    private partial void LogRegionFailed(string repository, string tag, string region, int attempts, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "`{Repository}` could not write its state; its applied events stay in the inbox and the write is tried again: {Reason}")]
    private partial void LogCheckpointFailed(string repository, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {Sequence} of `{Repository}` names region `{Region}`, which the topology no longer has; skipped")]
    private partial void LogUnknownRegion(string repository, string region, long sequence);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {Sequence} of `{Repository}` cannot be read: {Reason}")]
    private partial void LogUnreadableEvent(string repository, long sequence, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Worker of `{Repository}` in `{Region}` stopped unexpectedly")]
    private partial void LogWorkerCrashed(string repository, string region, Exception exception);
}
