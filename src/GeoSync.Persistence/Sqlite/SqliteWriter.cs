using GeoSync.Persistence.GroupCommit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace GeoSync.Persistence.Sqlite;

/// <summary>
/// The one writer of a SQLite database (SQLite allows a single writer at a time): every write of every store goes
/// through this group-commit loop and its one connection. A batch runs in one <c>BEGIN IMMEDIATE ... COMMIT</c> —
/// one fsync of the WAL under <c>synchronous=FULL</c>. A write that fails (an ETag conflict) is undone alone while
/// the others of the batch commit: SQLite undoes a failed statement by itself, and a write of several statements
/// runs in its own savepoint.
/// </summary>
internal sealed class SqliteWriter : GroupCommitLoop<SqliteWrite>
{
    private readonly SqliteConnection _connection;
    private readonly SqliteWriteContext _context;

    public SqliteWriter(SqliteConnection connection, int maxBatchSize, ILogger logger)
        : base("sqlite", "sqlite", maxBatchSize, logger)
    {
        _connection = connection;
        _context = new SqliteWriteContext(connection);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in the next batch; the task completes after the batch is committed. A caller
    /// cancelled before its write is picked up gets a cancelled task and nothing is written; once picked up, the
    /// write goes through (a result always means committed). <paramref name="isolated"/>: the work runs more than one
    /// data-changing statement and needs a savepoint to fail as a whole.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<SqliteWriteContext, T> work, bool isolated, CancellationToken cancellationToken = default)
    {
        var write = new SqliteWrite<T>(work, isolated, cancellationToken);
        Enqueue(write);
        return write.Task;
    }

    protected override Task CommitAsync(IReadOnlyList<SqliteWrite> batch)
    {
        // Microsoft.Data.Sqlite's async methods are synchronous anyway; the loop owns this thread for the batch.
        _context.Execute("BEGIN IMMEDIATE");
        try
        {
            foreach (SqliteWrite write in batch)
            {
                int mark = _context.AfterCommitMark;
                if (write.Isolated)
                {
                    _context.Execute("SAVEPOINT w");
                }

                try
                {
                    write.Execute(_context);
                    if (write.Isolated)
                    {
                        _context.Execute("RELEASE w");
                    }
                }
                catch (Exception e) when (e is not SqliteException { SqliteErrorCode: SQLitePCL.raw.SQLITE_IOERR or SQLitePCL.raw.SQLITE_FULL or SQLitePCL.raw.SQLITE_CORRUPT })
                {
                    // The write's own failure: undo just its changes. If this rollback fails, the outer handler fails the batch.
                    if (write.Isolated)
                    {
                        _context.Execute("ROLLBACK TO w");
                        _context.Execute("RELEASE w");
                    }

                    _context.DropAfterCommit(mark);
                    write.SetError(e);
                }
            }

            _context.Execute("COMMIT");
            RecordPagesWritten();
        }
        catch
        {
            _context.DropAfterCommit(0);
            RollBackQuietly();
            throw;
        }

        _context.RunAfterCommit();

        foreach (SqliteWrite write in batch)
        {
            write.Complete();
        }

        return Task.CompletedTask;
    }

    protected override ValueTask DisposeCoreAsync()
    {
        _context.Dispose();
        _connection.Dispose();
        return ValueTask.CompletedTask;
    }

    private void RecordPagesWritten()
    {
        // The count since the last call (the flag resets it): the pages this batch's COMMIT wrote to the WAL.
        if (SQLitePCL.raw.sqlite3_db_status(_connection.Handle, SQLitePCL.raw.SQLITE_DBSTATUS_CACHE_WRITE, out int pages, out _, 1) == SQLitePCL.raw.SQLITE_OK
            && pages > 0)
        {
            PersistenceTelemetry.PagesWritten.Add(pages, DbSystemTag);
        }
    }

    private void RollBackQuietly()
    {
        try
        {
            if (SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) == 0)
            {
                _context.Execute("ROLLBACK");
            }
        }
        catch (SqliteException)
        {
            // SQLite may already have rolled back (I/O error, disk full); the batch's exception is what callers see.
        }
    }
}
