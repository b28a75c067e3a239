using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace GeoSync.Persistence.GroupCommit;

/// <summary>
/// Group commit: callers enqueue writes and a single writer loop commits everything waiting in one transaction,
/// completing each caller's task only after COMMIT. While one batch is being flushed to disk the next one fills, so
/// under concurrency many writes share one flush; a lone write is committed at once (no waiting for company).
/// The loop owns a dedicated thread: every durable write in the process waits on it, so it must never queue behind
/// thread-pool work (blocking store I/O elsewhere would otherwise delay every commit, and with it every 202), and
/// it runs at a raised priority where the system allows (<see cref="CommitThreadPriority"/>).
/// </summary>
/// <remarks>
/// Subclasses implement <see cref="CommitAsync"/>: run the batch in one transaction, then complete each item (with
/// its result, or its own failure when the engine isolated it). If <see cref="CommitAsync"/> throws, every item of
/// the batch fails with that exception — nothing of the batch was committed.
/// </remarks>
internal abstract partial class GroupCommitLoop<TItem> : IAsyncDisposable
    where TItem : IGroupCommitItem
{
    private readonly Channel<TItem> _queue = Channel.CreateUnbounded<TItem>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });

    private readonly int _maxBatchSize;
    private readonly string _name;
    private readonly KeyValuePair<string, object?> _system;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="name">Names the loop in logs.</param>
    /// <param name="system">The <c>db.system</c> metric tag: <c>sqlite</c> or <c>postgresql</c>.</param>
    /// <param name="maxBatchSize">Most items per transaction.</param>
    /// <param name="logger">Where batch failures are logged.</param>
    protected GroupCommitLoop(string name, string system, int maxBatchSize, ILogger logger)
    {
        _name = name;
        _system = new("db.system", system);
        _maxBatchSize = maxBatchSize;
        _logger = logger;
        new Thread(Run) { IsBackground = true, Name = $"geosync-{name}-commit" }.Start();
    }

    /// <summary>The <c>db.system</c> tag of this loop's metrics.</summary>
    protected KeyValuePair<string, object?> DbSystemTag => _system;

    /// <summary>Queues an item for the next batch.</summary>
    protected void Enqueue(TItem item)
    {
        if (!_queue.Writer.TryWrite(item))
        {
            item.Fail(new ObjectDisposedException(_name, "the database is closed"));
        }
    }

    /// <summary>Commits <paramref name="batch"/> in one transaction and completes its items.</summary>
    protected abstract Task CommitAsync(IReadOnlyList<TItem> batch);

    /// <summary>Stops accepting writes, commits what is queued, and waits for the loop to end.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopped.Task.ConfigureAwait(false);
        await DisposeCoreAsync().ConfigureAwait(false);
    }

    /// <summary>Releases the subclass's resources after the last batch.</summary>
    protected virtual ValueTask DisposeCoreAsync() => ValueTask.CompletedTask;

    private void Run()
    {
        if (CommitThreadPriority.TryRaiseCurrentThread() is { } refused)
        {
            LogNormalPriority(_name, refused);
        }

        try
        {
            var batch = new List<TItem>(Math.Min(_maxBatchSize, 256));
            ChannelReader<TItem> reader = _queue.Reader;
            while (WaitToRead(reader))
            {
                batch.Clear();
                while (batch.Count < _maxBatchSize && reader.TryRead(out TItem? item))
                {
                    if (item.TryStart())
                    {
                        batch.Add(item);
                    }
                }

                if (batch.Count > 0)
                {
                    CommitBatch(batch);
                }
            }
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <summary>Blocks this dedicated thread until an item is queued or the queue is completed.</summary>
    private static bool WaitToRead(ChannelReader<TItem> reader)
    {
        ValueTask<bool> wait = reader.WaitToReadAsync();
        return wait.IsCompletedSuccessfully ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
    }

    private void CommitBatch(List<TItem> batch)
    {
        long started = Stopwatch.GetTimestamp();
        try
        {
            // SQLite commits synchronously; an engine with truly asynchronous I/O is waited for on this thread.
            CommitAsync(batch).GetAwaiter().GetResult();
            Record(batch.Count, started, "committed");
        }
        catch (Exception e)
        {
            Record(batch.Count, started, "failed");
            // Not swallowed: every caller of the batch receives the exception.
            LogBatchFailed(_name, batch.Count, e);
            foreach (TItem item in batch)
            {
                item.Fail(e);
            }
        }
    }

    private void Record(int count, long started, string outcome)
    {
        var tags = new TagList { _system, { "outcome", outcome } };
        PersistenceTelemetry.BatchSize.Record(count, tags);
        PersistenceTelemetry.BatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
    }
}
