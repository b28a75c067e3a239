using GeoSync.Persistence.PostgreSql;
using GeoSync.Persistence.Sqlite;
using GeoSync.Persistence.Webhooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GeoSync.Persistence;

/// <summary>
/// GeoSync's durable state in one database: grain state, event inbox, transfer checkpoints, repository status,
/// reminders (SQLite), the webhook outbox and the egress totals per link.
/// <see cref="OpenAsync"/> runs the provider's schema script (idempotent) and returns the stores; dispose it to
/// commit what is queued and close the connections.
/// </summary>
/// <example>
/// <code>
/// await using GeoSyncDatabase db = await GeoSyncDatabase.OpenAsync(new PersistenceOptions { ConnectionString = "Data Source=data/geosync.db" });
/// int added = await db.Inbox.AppendAsync([evt]);
/// </code>
/// </example>
public sealed class GeoSyncDatabase : IAsyncDisposable
{
    private readonly IAsyncDisposable _storage;
    private int _disposed;

    private GeoSyncDatabase(string provider, string location, IAsyncDisposable storage, IGrainStateStore? grainState, IEventInbox inbox, ITransferCheckpointStore checkpoints, IRepositoryStatusStore repositoryStatus, Orleans.IReminderTable? reminders, IWebhookOutbox webhookOutbox, ILinkTrafficStore linkTraffic)
    {
        Provider = provider;
        Location = location;
        _storage = storage;
        GrainState = grainState;
        Inbox = inbox;
        TransferCheckpoints = checkpoints;
        RepositoryStatus = repositoryStatus;
        Reminders = reminders;
        WebhookOutbox = webhookOutbox;
        LinkTraffic = linkTraffic;
    }

    /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
    public string Provider { get; }

    /// <summary>Where the data lives, without secrets: the SQLite file, or PostgreSQL <c>host:port/database</c>.</summary>
    public string Location { get; }

    /// <summary>
    /// The embedded silo's grain state with ETags (SQLite); null on PostgreSQL, whose grain state is kept by Orleans'
    /// ADO.NET provider in the tables of <c>Scripts/postgresql-orleans.sql</c>.
    /// </summary>
    public IGrainStateStore? GrainState { get; }

    /// <summary>The durable event inbox (group commit).</summary>
    public IEventInbox Inbox { get; }

    /// <summary>Blob transfer checkpoints.</summary>
    public ITransferCheckpointStore TransferCheckpoints { get; }

    /// <summary>The repositories' status rows, which grains publish and status queries read without activating a grain.</summary>
    public IRepositoryStatusStore RepositoryStatus { get; }

    /// <summary>
    /// The embedded silo's Orleans reminder table (SQLite); null on PostgreSQL, whose reminders are kept by Orleans'
    /// ADO.NET provider in the tables of <c>Scripts/postgresql-orleans.sql</c>.
    /// </summary>
    public Orleans.IReminderTable? Reminders { get; }

    /// <summary>The deploy-webhook outbox and delivery log.</summary>
    public IWebhookOutbox WebhookOutbox { get; }

    /// <summary>Egress totals per link and UTC day.</summary>
    public ILinkTrafficStore LinkTraffic { get; }

    /// <summary><see cref="Open"/>, for callers that are asynchronous anyway (it completes before it returns).</summary>
    public static Task<GeoSyncDatabase> OpenAsync(
        PersistenceOptions options,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default) =>
        Task.FromResult(Open(options, loggerFactory, timeProvider, cancellationToken));

    /// <summary>
    /// Validates <paramref name="options"/> (throwing <see cref="OptionsValidationException"/> naming the field),
    /// connects, runs the schema script and returns the stores. Synchronous, as a node's services are built.
    /// </summary>
    public static GeoSyncDatabase Open(
        PersistenceOptions options,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> failures = PersistenceOptionsValidator.Check(options);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(PersistenceOptions.SectionName, typeof(PersistenceOptions), failures);
        }

        loggerFactory ??= NullLoggerFactory.Instance;
        timeProvider ??= TimeProvider.System;
        string provider = PersistenceOptionsValidator.NormalizeProvider(options.Provider)!;
        if (provider == PersistenceOptions.Sqlite)
        {
            SqliteStorage sqlite = SqliteStorage.Open(options, loggerFactory, timeProvider, cancellationToken);
            return new GeoSyncDatabase(provider, sqlite.Path, sqlite, sqlite.GrainState, sqlite.Inbox, sqlite.TransferCheckpoints, sqlite.RepositoryStatus, sqlite.Reminders, sqlite.WebhookOutbox, sqlite.LinkTraffic);
        }

        PostgresStorage postgres = PostgresStorage.Open(options, loggerFactory, cancellationToken);
        return new GeoSyncDatabase(provider, postgres.Location, postgres, null, postgres.Inbox, postgres.TransferCheckpoints, postgres.RepositoryStatus, null, postgres.WebhookOutbox, postgres.LinkTraffic);
    }

    /// <summary>Stops accepting writes, commits the queued ones, and closes the connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _storage.DisposeAsync().ConfigureAwait(false);
        }
    }
}
