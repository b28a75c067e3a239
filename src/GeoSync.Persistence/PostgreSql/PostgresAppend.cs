using GeoSync.Persistence.GroupCommit;

namespace GeoSync.Persistence.PostgreSql;

/// <summary>One <see cref="IEventInbox.AppendAsync"/> call waiting in the <see cref="PostgresInboxWriter"/>.</summary>
internal sealed class PostgresAppend(IReadOnlyList<InboxEvent> events, CancellationToken cancellationToken) : IGroupCommitItem
{
    private readonly TaskCompletionSource<int> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<InboxEvent> Events => events;

    /// <summary>Events of this call that were new, counted while the batch's RETURNING rows are read.</summary>
    public int Added { get; set; }

    public Task<int> Task => _completion.Task;

    public bool TryStart()
    {
        if (cancellationToken.IsCancellationRequested)
        {
            _completion.TrySetCanceled(cancellationToken);
            return false;
        }

        return true;
    }

    public void Complete() => _completion.TrySetResult(Added);

    public void Fail(Exception exception) => _completion.TrySetException(exception);
}
