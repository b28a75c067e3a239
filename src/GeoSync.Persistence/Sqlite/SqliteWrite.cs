using GeoSync.Persistence.GroupCommit;

namespace GeoSync.Persistence.Sqlite;

/// <summary>A write queued on the <see cref="SqliteWriter"/>: runs inside the batch's transaction, completes after COMMIT.</summary>
internal abstract class SqliteWrite : IGroupCommitItem
{
    /// <summary>
    /// True when the write runs several statements and must be undone as a whole if one fails (a savepoint around
    /// it). A single statement needs none: SQLite undoes a failed statement and the transaction goes on.
    /// </summary>
    public abstract bool Isolated { get; }

    public abstract bool TryStart();

    /// <summary>Runs the write on the writer connection (inside the batch transaction and the item's savepoint).</summary>
    public abstract void Execute(SqliteWriteContext context);

    /// <summary>Records a failure of this item alone (its changes were undone; the batch goes on).</summary>
    public abstract void SetError(Exception exception);

    /// <summary>Completes the caller's task with the result or the recorded error; called after COMMIT.</summary>
    public abstract void Complete();

    public abstract void Fail(Exception exception);
}

/// <summary>A write with a result of type <typeparamref name="T"/>.</summary>
internal sealed class SqliteWrite<T>(Func<SqliteWriteContext, T> work, bool isolated, CancellationToken cancellationToken) : SqliteWrite
{
    // Continuations run elsewhere: the writer loop must not run its callers' code between two batches.
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;
    private Exception? _error;

    public Task<T> Task => _completion.Task;

    public override bool Isolated => isolated;

    public override bool TryStart()
    {
        if (cancellationToken.IsCancellationRequested)
        {
            _completion.TrySetCanceled(cancellationToken);
            return false;
        }

        return true;
    }

    public override void Execute(SqliteWriteContext context) => _result = work(context);

    public override void SetError(Exception exception) => _error = exception;

    public override void Complete()
    {
        if (_error is not null)
        {
            _completion.TrySetException(_error);
        }
        else
        {
            _completion.TrySetResult(_result!);
        }
    }

    public override void Fail(Exception exception) => _completion.TrySetException(exception);
}
