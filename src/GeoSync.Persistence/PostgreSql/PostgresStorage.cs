using GeoSync.Persistence.Webhooks;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace GeoSync.Persistence.PostgreSql;

/// <summary>
/// Opens a PostgreSQL database for GeoSync: one <see cref="NpgsqlDataSource"/> (pooled connections), the schema
/// script under an advisory lock, the inbox's group-commit writer, and the four stores.
/// </summary>
internal sealed partial class PostgresStorage : IAsyncDisposable
{
    /// <summary>Advisory lock keys (arbitrary constants, "GSYN" plus a number) shared by every GeoSync node.</summary>
    internal const long SchemaLockKey = 0x4753594E_0001;

    internal const long InboxLockKey = 0x4753594E_0002;

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresInboxWriter _inboxWriter;

    private PostgresStorage(NpgsqlDataSource dataSource, PostgresInboxWriter inboxWriter, TimeProvider time, string location)
    {
        _dataSource = dataSource;
        _inboxWriter = inboxWriter;
        Location = location;
        GrainState = new PostgresGrainStateStore(dataSource, time);
        Inbox = new PostgresEventInbox(dataSource, inboxWriter);
        TransferCheckpoints = new PostgresTransferCheckpointStore(dataSource);
        WebhookOutbox = new PostgresWebhookOutbox(dataSource);
    }

    public string Location { get; }

    public IGrainStateStore GrainState { get; }

    public IEventInbox Inbox { get; }

    public ITransferCheckpointStore TransferCheckpoints { get; }

    public IWebhookOutbox WebhookOutbox { get; }

    public static async Task<PostgresStorage> OpenAsync(PersistenceOptions options, ILoggerFactory loggerFactory, TimeProvider time, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        builder.UseLoggerFactory(loggerFactory);
        NpgsqlDataSource dataSource = builder.Build();
        var csb = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        string location = $"{csb.Host}:{csb.Port}/{csb.Database ?? csb.Username}";
        ILogger logger = loggerFactory.CreateLogger<PostgresStorage>();
        try
        {
            await RunSchemaScriptAsync(dataSource, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var writer = new PostgresInboxWriter(dataSource, options.MaxBatchSize, loggerFactory.CreateLogger<PostgresInboxWriter>());
        LogOpened(logger, location);
        return new PostgresStorage(dataSource, writer, time, location);
    }

    public async ValueTask DisposeAsync()
    {
        await _inboxWriter.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task RunSchemaScriptAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            command.Parameters.AddWithValue("key", SchemaLockKey);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var command = new NpgsqlCommand(SchemaScripts.For(PersistenceOptions.Postgres), connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Orleans' ADO.NET providers (membership, grain state, reminders) read their tables and queries from here.
        await using (var command = new NpgsqlCommand(SchemaScripts.OrleansPostgres, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
