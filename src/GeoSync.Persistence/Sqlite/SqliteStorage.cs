using GeoSync.Persistence.Webhooks;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using GeoSync.Domain.Text;

namespace GeoSync.Persistence.Sqlite;

/// <summary>
/// Opens a SQLite database for GeoSync: creates the folder, configures the writer connection (WAL,
/// <c>synchronous=FULL</c>, busy timeout), runs the schema script, and builds the stores over one writer and
/// a pool of readers.
/// </summary>
internal sealed partial class SqliteStorage : IAsyncDisposable
{
    private static readonly Lazy<bool> NativeLibrary = new(() =>
    {
        SQLitePCL.Batteries_V2.Init();
        return true;
    });

    /// <summary>The writer connection's page cache, in KiB.</summary>
    internal const int WriterCacheKibibytes = 64 * 1024;

    /// <summary>
    /// Log pages after which a commit copies the log into the database (a passive checkpoint), about 32 MiB. The
    /// same hot pages (the inbox's last pages, the pending table, grain states) are written to the log again and
    /// again; a longer log copies each of them once per checkpoint instead of once per 1,000 pages (SQLite's
    /// default). Measured on the intake benchmark: 13 KiB written to disk per event with 1,000, 10 KiB with this.
    /// </summary>
    internal const int WalCheckpointPages = 8192;

    private readonly SqliteWriter _writer;
    private readonly SqliteReaders _readers;

    private SqliteStorage(SqliteWriter writer, SqliteReaders readers, TimeProvider time, string path, IWebhookOutbox webhookOutbox)
    {
        _writer = writer;
        _readers = readers;
        Path = path;
        GrainState = new SqliteGrainStateStore(writer, readers, time);
        Inbox = new SqliteEventInbox(writer, readers);
        TransferCheckpoints = new SqliteTransferCheckpointStore(writer, readers);
        RepositoryStatus = new SqliteRepositoryStatusStore(writer, readers);
        Reminders = new SqliteReminderTable(writer, readers);
        WebhookOutbox = webhookOutbox;
        LinkTraffic = new SqliteLinkTrafficStore(writer, readers);
    }

    public string Path { get; }

    public IGrainStateStore GrainState { get; }

    public IEventInbox Inbox { get; }

    public ITransferCheckpointStore TransferCheckpoints { get; }

    public IRepositoryStatusStore RepositoryStatus { get; }

    public IReminderTable Reminders { get; }

    public IWebhookOutbox WebhookOutbox { get; }

    public ILinkTrafficStore LinkTraffic { get; }

    public static SqliteStorage Open(PersistenceOptions options, ILoggerFactory loggerFactory, TimeProvider time, CancellationToken cancellationToken)
    {
        _ = NativeLibrary.Value;
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString)
        {
            Pooling = true,
            // Microsoft.Data.Sqlite retries SQLITE_BUSY until the command timeout: the readers' busy timeout.
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        };
        string path = System.IO.Path.GetFullPath(builder.DataSource);
        builder.DataSource = path;
        string? folder = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        cancellationToken.ThrowIfCancellationRequested();
        ILogger logger = loggerFactory.CreateLogger<SqliteStorage>();
        var connection = new SqliteConnection(builder.ConnectionString);
        try
        {
            connection.Open();
            Configure(connection, options, path, logger);
            RunSchemaScript(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        // The writer's page cache holds the hot index pages of the inbox and grain state (SQLite's default is 2 MiB,
        // so under load each append read its pages back from the file again). The log is copied into the database
        // every WalCheckpointPages pages rather than SQLite's 1,000.
        using (SqliteCommand cache = connection.CreateCommand())
        {
            cache.CommandText = $"PRAGMA cache_size = -{WriterCacheKibibytes}; PRAGMA wal_autocheckpoint = {WalCheckpointPages}";
            cache.ExecuteNonQuery();
        }

        var writer = new SqliteWriter(connection, options.MaxBatchSize, loggerFactory.CreateLogger<SqliteWriter>());
        LogOpened(logger, LogText.Escape(path));
        // The outbox writes through its own short transactions (a few per delivery, far from the inbox's rate); the
        // busy timeout orders them with the writer's batches.
        var webhookOutbox = new SqliteWebhookOutbox(builder.ConnectionString, options.BusyTimeout);
        return new SqliteStorage(writer, new SqliteReaders(builder.ConnectionString), time, path, webhookOutbox);
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        _readers.ClearPool();
    }

    private static void Configure(SqliteConnection connection, PersistenceOptions options, string path, ILogger logger)
    {
        using SqliteCommand command = connection.CreateCommand();

        // WAL: readers and the writer do not block each other; the mode is stored in the file.
        command.CommandText = "PRAGMA journal_mode = WAL";
        string mode = (string)command.ExecuteScalar()!;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            // e.g. a network file system without shared memory; still durable, but readers wait for the writer.
            LogNoWal(logger, LogText.Escape(path), LogText.Escape(mode));
        }

        // FULL: each COMMIT fsyncs the WAL, so an acknowledged write survives a crash or power loss
        // (NORMAL, the usual WAL setting, may lose the last transactions on power loss).
        command.CommandText = $"PRAGMA synchronous = FULL; PRAGMA busy_timeout = {(int)options.BusyTimeout.TotalMilliseconds}; PRAGMA foreign_keys = ON";
        command.ExecuteNonQuery();
    }

    private static void RunSchemaScript(SqliteConnection connection)
    {
        // IMMEDIATE: two processes opening the same file at once do not interleave their CREATE statements.
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        AddStatusStates(command);
        command.CommandText = SchemaScripts.For(PersistenceOptions.Sqlite);
        command.ExecuteNonQuery();
        MoveAppliedFlagsToPending(command);
        transaction.Commit();
    }

    /// <summary>
    /// A database of an earlier version has status rows without their states: the column is added and filled from each
    /// row's document (every <c>"state"</c> in it). Runs before the script, whose index needs the column; once.
    /// </summary>
    private static void AddStatusStates(SqliteCommand command)
    {
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('repository_status') WHERE name <> 'states' " +
            "AND NOT EXISTS (SELECT 1 FROM pragma_table_info('repository_status') WHERE name = 'states')";
        if ((long)command.ExecuteScalar()! == 0)
        {
            return;
        }

        command.CommandText =
            "ALTER TABLE repository_status ADD COLUMN states INTEGER NOT NULL DEFAULT 0; " +
            "UPDATE repository_status SET states = (SELECT COALESCE(SUM(bit), 0) FROM (SELECT DISTINCT " +
            "CASE value WHEN 'Pending' THEN 1 WHEN 'Copying' THEN 2 WHEN 'Synced' THEN 4 WHEN 'Failed' THEN 8 WHEN 'Deleted' THEN 16 WHEN 'Abandoned' THEN 32 ELSE 0 END AS bit " +
            "FROM json_tree(repository_status.document) WHERE key = 'state'));";
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// A database of an earlier version flags each applied event on its row: the unflagged ones become the pending
    /// events, and the column goes. Runs once: afterwards the column is gone.
    /// </summary>
    private static void MoveAppliedFlagsToPending(SqliteCommand command)
    {
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('event_inbox') WHERE name = 'applied'";
        if ((long)command.ExecuteScalar()! == 0)
        {
            return;
        }

        command.CommandText =
            "INSERT OR IGNORE INTO inbox_pending (repository, sequence) SELECT repository, sequence FROM event_inbox WHERE applied = 0; " +
            "ALTER TABLE event_inbox DROP COLUMN applied;";
        command.ExecuteNonQuery();
    }
}
