using GeoSync.Domain.Names;
using Microsoft.Extensions.Logging;
using GeoSync.Domain.Text;

namespace GeoSync.Grains.Repositories;

/// <summary>
/// Writes a repository grain's state behind, as a checkpoint of its inbox: applied events and recorded outcomes wait
/// in memory at most <see cref="RepositoryServices.CheckpointDelay"/> (a long backlog is written as it is applied, and
/// everything on deactivation), and inbox rows are marked applied only after a state holding them is written. A crash
/// loses nothing: the next activation applies the rest of the inbox again, and a region whose outcome was not written
/// is synced again and finds all present. Used from the grain's turns only: its timers and reminder are the grain's.
/// </summary>
internal sealed partial class RepositoryCheckpointer(IGrainBase grain, IPersistentState<RepositoryState> state, RepositoryServices services, WriteBehindTimer timer, Func<Task> publishStatus, ILogger logger)
{
    private const string ReminderName = "replicate";
    private readonly ILogger _logger = logger;
    private CheckpointProgress _progress = new(0);
    private RepositoryName _repository;
    private bool _reminderRegistered;
    private long? _deadline;

    /// <summary>A long backlog is written as it is applied (see <see cref="CheckpointProgress.BatchFull"/>).</summary>
    public bool BatchFull => _progress.BatchFull;

    /// <summary>Starts from the state just read: it is written, and a reminder exists if it has work left.</summary>
    public void Resume(RepositoryName repository)
    {
        _repository = repository;
        _reminderRegistered = state.State.HasUnfinishedWork;
        _progress = new CheckpointProgress(state.State.LastSequence);
    }

    public void Applied(int events) => _progress.Applied(events);

    public void Changed() => _progress.Changed();

    /// <summary>Whether a checkpoint has anything to write.</summary>
    public bool Pending => _progress.Pending;

    /// <summary>Writes the state within <see cref="RepositoryServices.CheckpointDelay"/> when it has changed, or the inbox is not yet marked up to it.</summary>
    public void Schedule()
    {
        if (_progress.Pending)
        {
            _deadline ??= WriteBehindTimer.DeadlineIn(services.CheckpointDelay);
            timer.ArmBy(_deadline.Value);
        }
    }

    /// <summary>
    /// Writes the state (and the reminder that matches it), then marks the inbox applied up to the sequence the
    /// written state includes — in that order, so no event is marked applied before a state holding it is durable.
    /// </summary>
    public async Task WriteAsync(CancellationToken cancellationToken)
    {
        _deadline = null;
        if (_progress.Dirty)
        {
            long sequence = state.State.LastSequence;
            await state.WriteStateAsync(cancellationToken);
            _progress.Written(sequence);
            await KeepReminderAsync();
        }

        if (_progress.MarkedSequence < _progress.WrittenSequence)
        {
            // The status first: an event no longer pending in the inbox is always in the published status.
            await publishStatus();
            long sequence = _progress.WrittenSequence;
            await services.Inbox.MarkAppliedAsync(_repository.Value, sequence, cancellationToken);
            _progress.Marked(sequence);
        }
    }

    /// <summary>The write-behind timer's checkpoint, once due; false when it failed and is to be tried again.</summary>
    public async Task<bool> WriteOnTimerAsync()
    {
        if (_deadline is { } deadline && !WriteBehindTimer.Passed(deadline))
        {
            timer.ArmBy(deadline);
            return true;
        }

        try
        {
            // Not cancelled by the node stopping: a short write that keeps what the inbox would otherwise replay.
            await WriteAsync(CancellationToken.None);
            return true;
        }
        catch (Exception ex) when (ex is not Orleans.Storage.InconsistentStateException)
        {
            // Nothing is lost (the inbox keeps the events unapplied); the checkpoint is tried again.
            LogCheckpointFailed(_repository.Value, LogText.Escape(ex.Message));
            return false;
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
            await grain.RegisterOrUpdateReminder(ReminderName, services.ReminderPeriod, services.ReminderPeriod);
        }
        else if (await grain.GetReminder(ReminderName) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }

        _reminderRegistered = unfinished;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "`{Repository}` could not write its state; its applied events stay in the inbox and the write is tried again: {Reason}")]
    private partial void LogCheckpointFailed(string repository, string reason);
}
