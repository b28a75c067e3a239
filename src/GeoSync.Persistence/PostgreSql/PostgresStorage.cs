using GeoSync.Persistence.Webhooks;
using Microsoft.Extensions.Logging;
using Npgsql;
using GeoSync.Domain.Text;

namespace GeoSync.Persistence.PostgreSql;

/// <summary>
/// Opens a PostgreSQL database for GeoSync: one <see cref="NpgsqlDataSource"/> (pooled connections), the schema
/// scripts (GeoSync's and Orleans' providers') under an advisory lock, the inbox's group-commit writer, and the stores.
/// </summary>
internal sealed partial class PostgresStorage : IAsyncDisposable
{
    /// <summary>Advisory lock keys (arbitrary constants, "GSYN" plus a number) shared by every GeoSync node.</summary>
    internal const long SchemaLockKey = 0x4753594E_0001;

    internal const long InboxLockKey = 0x4753594E_0002;

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresInboxWriter _inboxWriter;

    private PostgresStorage(NpgsqlDataSource dataSource, PostgresInboxWriter inboxWriter, string location)
    {
        _dataSource = dataSource;
        _inboxWriter = inboxWriter;
        Location = location;
        Inbox = new PostgresEventInbox(dataSource, inboxWriter);
        TransferCheckpoints = new PostgresTransferCheckpointStore(dataSource);
        RepositoryStatus = new PostgresRepositoryStatusStore(dataSource);
        WebhookOutbox = new PostgresWebhookOutbox(dataSource);
        LinkTraffic = new PostgresLinkTrafficStore(dataSource);
    }

    public string Location { get; }

    public IEventInbox Inbox { get; }

    public ITransferCheckpointStore TransferCheckpoints { get; }

    public IRepositoryStatusStore RepositoryStatus { get; }

    public IWebhookOutbox WebhookOutbox { get; }

    public ILinkTrafficStore LinkTraffic { get; }

    /// <summary>Connects and applies the schema scripts. Synchronous: it runs once, while a node starts.</summary>
    public static PostgresStorage Open(PersistenceOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        builder.UseLoggerFactory(loggerFactory);
        NpgsqlDataSource dataSource = builder.Build();
        var csb = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        string location = $"{csb.Host}:{csb.Port}/{csb.Database ?? csb.Username}";
        ILogger logger = loggerFactory.CreateLogger<PostgresStorage>();
        try
        {
            RunSchemaScript(dataSource, cancellationToken);
        }
        catch
        {
            dataSource.Dispose();
            throw;
        }

        var writer = new PostgresInboxWriter(dataSource, options.MaxBatchSize, loggerFactory.CreateLogger<PostgresInboxWriter>());
        LogOpened(logger, LogText.Escape(location));
        return new PostgresStorage(dataSource, writer, location);
    }

    public async ValueTask DisposeAsync()
    {
        await _inboxWriter.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private static void RunSchemaScript(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        using NpgsqlConnection connection = dataSource.OpenConnection();
        using NpgsqlTransaction transaction = connection.BeginTransaction();
        using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            command.Parameters.AddWithValue("key", SchemaLockKey);
            command.ExecuteNonQuery();
        }

        // GeoSync's tables, then Orleans' ADO.NET providers' (membership, grain state, reminders) and their queries.
        foreach (string script in (string[])[SchemaScripts.For(PersistenceOptions.Postgres), SchemaScripts.OrleansPostgres])
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var command = new NpgsqlCommand(script, connection, transaction);
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}
