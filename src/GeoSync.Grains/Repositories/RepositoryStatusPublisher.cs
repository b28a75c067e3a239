using GeoSync.Domain.Names;
using Microsoft.Extensions.Logging;
using GeoSync.Domain.Text;

namespace GeoSync.Grains.Repositories;

/// <summary>
/// Publishes a repository grain's state to the status read model (<see cref="Persistence.IRepositoryStatusStore"/>),
/// at most <see cref="RepositoryServices.StatusDelay"/> after it changed, in-flight copies included. Independent of
/// the checkpoint: a state write that fails still leaves the status current. Used from the grain's turns only.
/// </summary>
internal sealed partial class RepositoryStatusPublisher(IGrainBase grain, Func<RepositoryState> current, RepositoryServices services, ILogger logger)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private readonly ILogger _logger = logger;
    private RepositoryName _repository;
    private RepositoryState? _published;
    private IGrainTimer? _timer;

    public void Resume(RepositoryName repository) => _repository = repository;

    /// <summary>Publishes within the status delay if the state is not the one published last.</summary>
    public void Schedule()
    {
        if (_timer is null && !ReferenceEquals(current(), _published))
        {
            _timer = grain.RegisterGrainTimer(PublishOnTimerAsync, services.StatusDelay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Publishes <paramref name="state"/> now unless it is already published (or is an empty repository's).</summary>
    public async Task PublishAsync(RepositoryState state)
    {
        _timer?.Dispose();
        _timer = null;
        if (ReferenceEquals(state, _published) || (state.LastSequence == 0 && state.Tags.IsEmpty && state.Deletions.IsEmpty))
        {
            return;
        }

        // Not cancelled by the node stopping: a short write, and the last status is what an operator reads after.
        await services.Status.PublishAsync(RepositoryStatusDocument.ToRow(_repository.Value, state, services.TimeProvider.GetUtcNow()), CancellationToken.None);
        _published = state;
    }

    private async Task PublishOnTimerAsync()
    {
        try
        {
            await PublishAsync(current());
        }
        catch (Exception ex)
        {
            LogPublishFailed(_repository.Value, LogText.Escape(ex.Message));
            _timer ??= grain.RegisterGrainTimer(PublishOnTimerAsync, RetryDelay, Timeout.InfiniteTimeSpan);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "`{Repository}` could not publish its status; it is tried again: {Reason}")]
    private partial void LogPublishFailed(string repository, string reason);
}
