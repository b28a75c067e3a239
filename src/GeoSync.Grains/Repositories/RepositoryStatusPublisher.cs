using GeoSync.Domain.Names;
using Microsoft.Extensions.Logging;
using GeoSync.Domain.Text;

namespace GeoSync.Grains.Repositories;

/// <summary>
/// Publishes a repository grain's state to the status read model (<see cref="Persistence.IRepositoryStatusStore"/>),
/// on the grain's <see cref="WriteBehindTimer"/> after it changed (see <see cref="Schedule"/>), in-flight copies included. Independent of the
/// checkpoint: a state write that fails still leaves the status current. Used from the grain's turns only.
/// </summary>
internal sealed partial class RepositoryStatusPublisher(WriteBehindTimer timer, Func<RepositoryState> current, RepositoryServices services, ILogger logger)
{
    private readonly ILogger _logger = logger;
    private RepositoryName _repository;
    private RepositoryState? _published;
    private long? _deadline;

    public void Resume(RepositoryName repository) => _repository = repository;

    /// <summary>Whether the state is not the one published last.</summary>
    public bool Pending => !ReferenceEquals(current(), _published);

    /// <summary>
    /// Publishes if the state is not the one published last: <paramref name="promptly"/> (an outcome or a copy's
    /// progress, what people watch for) within the status delay, otherwise (events applied, work handed out) with the
    /// checkpoint, so a busy repository does not write its status per event.
    /// </summary>
    public void Schedule(bool promptly = false)
    {
        if (Pending)
        {
            long deadline = WriteBehindTimer.DeadlineIn(promptly ? services.StatusDelay : services.CheckpointDelay);
            _deadline = _deadline is { } earlier && earlier <= deadline ? earlier : deadline;
            timer.ArmBy(_deadline.Value);
        }
    }

    /// <summary>Publishes <paramref name="state"/> now unless it is already published (or is an empty repository's).</summary>
    public async Task PublishAsync(RepositoryState state)
    {
        _deadline = null;
        if (ReferenceEquals(state, _published) || (state.LastSequence == 0 && state.Tags.IsEmpty && state.Deletions.IsEmpty))
        {
            return;
        }

        // Not cancelled by the node stopping: a short write, and the last status is what an operator reads after.
        await services.Status.PublishAsync(RepositoryStatusDocument.ToRow(_repository.Value, state, services.TimeProvider.GetUtcNow()), CancellationToken.None);
        _published = state;
    }

    /// <summary>The write-behind timer's publish, once due; false when it failed and is to be tried again.</summary>
    public async Task<bool> PublishOnTimerAsync()
    {
        if (_deadline is { } deadline && !WriteBehindTimer.Passed(deadline))
        {
            timer.ArmBy(deadline);
            return true;
        }

        try
        {
            await PublishAsync(current());
            return true;
        }
        catch (Exception ex)
        {
            LogPublishFailed(_repository.Value, LogText.Escape(ex.Message));
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "`{Repository}` could not publish its status; it is tried again: {Reason}")]
    private partial void LogPublishFailed(string repository, string reason);
}
