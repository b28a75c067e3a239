using GeoSync.Domain.Topology;
using GeoSync.Grains;
using GeoSync.Grains.Regions;
using GeoSync.Grains.Replication;
using GeoSync.Grains.Repositories;
using GeoSync.Grains.Secrets;
using GeoSync.Grains.Webhooks;
using GeoSync.Persistence;
using GeoSync.Persistence.Grains;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace GeoSync.Host.Engine;

/// <summary>Settings of an engine instance that are not in the topology (tests and the demo adjust them).</summary>
public sealed class EngineOptions
{
    /// <summary>The clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>How long a grain stays active without calls before Orleans collects it.</summary>
    public TimeSpan GrainIdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Period of the reminder a repository with unfinished work keeps (Orleans' minimum by default).</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often the node wakes every repository with events still pending in the inbox: on a cluster, a node that
    /// died took its accepted-but-unwritten events' wake-ups with it, and the survivors pick them up here.
    /// </summary>
    public TimeSpan PendingSweepInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often applied events older than the topology's inbox retention are deleted.</summary>
    public TimeSpan InboxPruneInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>When false, no periodic reconciliation runs (resync on request still works).</summary>
    public bool PeriodicReconciliation { get; set; } = true;

    /// <summary>Also told when a region completes an image (the deploy webhooks are always told).</summary>
    public IReplicationObserver? Observer { get; set; }

    /// <summary>Deploy-webhook delivery settings (retry delays, breaker, poll interval).</summary>
    public Action<WebhookOptions>? Webhooks { get; set; }

    /// <summary>Resolves environment references; tests supply their own environment.</summary>
    public Func<string, string?>? Environment { get; set; }

    /// <summary>Wraps each region's store (fault injection and byte counting in tests; instrumentation).</summary>
    public Func<string, Storage.IRegionStore, Storage.IRegionStore>? StoreDecorator { get; set; }

    /// <summary>Longest time a repository's applied events and outcomes wait before its state is written.</summary>
    public TimeSpan RepositoryCheckpointDelay { get; set; } = RepositoryGrain.DefaultCheckpointDelay;

    /// <summary>Wraps the grain state storage (write counting and fault injection in tests).</summary>
    public Func<IGrainStateStore, IGrainStateStore>? GrainStateDecorator { get; set; }

    /// <summary>Retries of one blob transfer before the region's work is reported Failed and rescheduled.</summary>
    public int BlobTransferRetries { get; set; } = 3;
}

/// <summary>
/// One GeoSync node: the persistence, the region stores, the grain host with the repository and blob grains, and
/// the background loops (notification of grains, reminders, reconciliation). The HTTP host and the CLI sit on top.
/// </summary>
public sealed partial class GeoSyncEngine : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private readonly ILogger<GeoSyncEngine> _logger;

    private IHost _silo = null!;

    private GeoSyncEngine(RegionTopology topology, string dataDirectory, GeoSyncDatabase database, RegionDirectory regions, SecretResolver secrets, EngineOptions options, ILoggerFactory loggerFactory)
    {
        Services = WebhookServices(topology, database, secrets, options, loggerFactory);
        Webhooks = Services.GetRequiredService<IWebhookPublisher>();
        WebhookDispatcher = Services.GetRequiredService<WebhookDispatcher>();
        Topology = topology;
        DataDirectory = dataDirectory;
        Database = database;
        Regions = regions;
        Secrets = secrets;
        Options = options;
        LoggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<GeoSyncEngine>();
    }

    public RegionTopology Topology { get; }

    public string DataDirectory { get; }

    public GeoSyncDatabase Database { get; }

    public RegionDirectory Regions { get; }

    /// <summary>Reaches the grains of this node's silo.</summary>
    public IGrainFactory Grains { get; private set; } = null!;

    public SecretResolver Secrets { get; }

    public EngineOptions Options { get; }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Queues and redelivers deploy webhooks.</summary>
    public IWebhookPublisher Webhooks { get; }

    /// <summary>Sends the webhook outbox's due deliveries.</summary>
    public WebhookDispatcher WebhookDispatcher { get; }

    /// <summary>The services behind webhook delivery (HTTP client factory, options).</summary>
    public ServiceProvider Services { get; }

    /// <summary>Wakes repository grains after their events are committed.</summary>
    public RepositoryNotifier Notifier { get; private set; } = null!;

    /// <summary>Opens the database and stores, registers the grains, resumes unfinished work and starts the loops.</summary>
    public static async Task<GeoSyncEngine> StartAsync(RegionTopology topology, ILoggerFactory loggerFactory, EngineOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EngineOptions();
        string baseDirectory = Path.GetDirectoryName(Path.GetFullPath(topology.File)) ?? Directory.GetCurrentDirectory();
        string dataDirectory = Path.GetFullPath(topology.Engine.DataDirectory, baseDirectory);
        Directory.CreateDirectory(dataDirectory);
        var secrets = new SecretResolver(baseDirectory, options.Environment);

        string connectionString = ConnectionString(topology.Engine.Persistence, secrets, baseDirectory);
        GeoSyncDatabase database = await GeoSyncDatabase.OpenAsync(
            new PersistenceOptions
            {
                Provider = topology.Engine.Persistence.Provider == PersistenceProvider.Postgres ? PersistenceOptions.Postgres : PersistenceOptions.Sqlite,
                ConnectionString = connectionString,
            },
            loggerFactory,
            options.TimeProvider,
            cancellationToken).ConfigureAwait(false);

        var regions = new RegionDirectory(
            topology.Regions.Select(r => new RegionEndpoint(
                r.Name,
                Decorate(options, r.Name, RegionStoreFactory.Create(r, baseDirectory, secrets, loggerFactory)),
                r.Priority,
                r.Limits.Concurrency,
                r.Limits.BandwidthBytesPerSecond)),
            topology.LinkCost);
        var engine = new GeoSyncEngine(topology, dataDirectory, database, regions, secrets, options, loggerFactory);
        await engine.StartSiloAsync(connectionString, cancellationToken).ConfigureAwait(false);
        await engine.ResumeAsync(cancellationToken).ConfigureAwait(false);
        engine.StartLoops();
        return engine;
    }

    /// <summary>
    /// Every repository the engine knows, in ordinal order: those with written state, and those whose events are
    /// accepted but not yet in a written state (a repository's state is written behind its first events).
    /// </summary>
    public async Task<IReadOnlyList<string>> ListRepositoriesAsync(CancellationToken cancellationToken = default)
    {
        var repositories = new SortedSet<string>(StringComparer.Ordinal);
        repositories.UnionWith(await Database.ListStateKeysAsync(RepositoryGrain.StateName, cancellationToken).ConfigureAwait(false));
        repositories.UnionWith(await Database.Inbox.ListRepositoriesWithPendingAsync(cancellationToken).ConfigureAwait(false));
        return [.. repositories];
    }

    /// <summary>
    /// Asks every repository grain with unapplied events, or (embedded) with a reminder for unfinished work, to carry
    /// on now rather than at its reminder's next tick.
    /// </summary>
    public async Task ResumeAsync(CancellationToken cancellationToken = default)
    {
        var repositories = new HashSet<string>(StringComparer.Ordinal);
        repositories.UnionWith(await Database.Inbox.ListRepositoriesWithPendingAsync(cancellationToken).ConfigureAwait(false));
        if (Database.Reminders is { } reminders)
        {
            foreach (Orleans.ReminderEntry reminder in (await reminders.ReadRows(0, 0).ConfigureAwait(false)).Reminders)
            {
                if (reminder.GrainId.Type.ToString() == RepositoryGrainType)
                {
                    repositories.Add(reminder.GrainId.Key.ToString()!);
                }
            }
        }

        foreach (string repository in repositories)
        {
            Notifier.Notify(repository);
        }

        if (repositories.Count > 0)
        {
            LogResumed(repositories.Count);
        }
    }

    /// <summary>Reconciles every repository of every source region (or one repository), as <c>geosync resync</c> does.</summary>
    public async Task<int> ResyncAsync(string? repository, string? tag, CancellationToken cancellationToken = default)
    {
        var repositories = new SortedSet<string>(StringComparer.Ordinal);
        if (repository is not null)
        {
            repositories.Add(repository);
        }
        else
        {
            var policy = new TopologyReplicationPolicy(Topology);
            foreach (string source in policy.SourceRegions)
            {
                await foreach (Domain.Names.RepositoryName name in Regions[source].Store.ListRepositoriesAsync(cancellationToken).ConfigureAwait(false))
                {
                    repositories.Add(name.Value);
                }
            }

            repositories.UnionWith(await ListRepositoriesAsync(cancellationToken).ConfigureAwait(false));
        }

        int changed = 0;
        foreach (string name in repositories)
        {
            changed += await Grains.GetGrain<IRepositoryGrain>(name).ResyncAsync(tag).ConfigureAwait(false);
        }

        return changed;
    }

    /// <summary>Stops the loops and the grains, then closes the database.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Notifier.DisposeAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        // Stopping the silo deactivates every grain, and each writes its last checkpoint.
        await _silo.StopAsync(CancellationToken.None).ConfigureAwait(false);
        _silo.Dispose();
        await WebhookDispatcher.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await Services.DisposeAsync().ConfigureAwait(false);
        await Database.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>Orleans' name of the repository grain type (its class name without "Grain", lower case).</summary>
    private const string RepositoryGrainType = "repository";

    /// <summary>Orleans' service id: the grain state and reminders of every GeoSync cluster in a database are GeoSync's.</summary>
    private const string ServiceId = "geosync";

    /// <summary>Connections Orleans' providers may hold per node (membership, grain state and reminders are light).</summary>
    private const int OrleansMaxPoolSize = 20;

    /// <summary>The ADO.NET invariant Orleans' providers load Npgsql by.</summary>
    private const string NpgsqlInvariant = "Npgsql";

    /// <summary>
    /// Starts this node's Orleans silo: one silo on localhost clustering, grain state and reminders in the engine's
    /// database, GeoSync's types serialized as JSON, and the services the grains use.
    /// </summary>
    private async Task StartSiloAsync(string connectionString, CancellationToken cancellationToken)
    {
        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(LoggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.UseOrleans(silo =>
        {
            if (Database.Provider == PersistenceOptions.Postgres)
            {
                UseClusterOnPostgres(silo, connectionString);
            }
            else
            {
                UseEmbeddedSilo(silo);
            }

            silo.AddActivityPropagation();
            silo.Configure<GrainCollectionOptions>(o => o.CollectionAge = Options.GrainIdleTimeout);
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = Options.ReminderPeriod < o.MinimumReminderPeriod ? Options.ReminderPeriod : o.MinimumReminderPeriod);
            silo.Services.AddGeoSyncSerializer();
            AddReplication(silo.Services);
        });
        _silo = builder.Build();
        await _silo.StartAsync(cancellationToken).ConfigureAwait(false);
        Grains = _silo.Services.GetRequiredService<IGrainFactory>();
        Notifier = new RepositoryNotifier(Grains, LoggerFactory.CreateLogger<RepositoryNotifier>());
    }

    /// <summary>One silo on loopback; grain state and reminders in the engine's SQLite file, through its single writer.</summary>
    private void UseEmbeddedSilo(ISiloBuilder silo)
    {
        ClusterSettings cluster = Topology.Engine.Cluster;
        IGrainStateStore store = Database.GrainState!;
        IGrainStateStore grainState = Options.GrainStateDecorator is null ? store : Options.GrainStateDecorator(store);
        silo.UseLocalhostClustering(siloPort: cluster.SiloPort ?? FreeLoopbackPort(), gatewayPort: cluster.GatewayPort, serviceId: ServiceId, clusterId: cluster.Id);
        silo.Services.AddGrainStorage(RepositoryGrain.StorageName, (_, _) => new StateStoreGrainStorage(grainState, GrainJson.Options));
        silo.AddReminders();
        silo.Services.AddSingleton(Database.Reminders!);
    }

    /// <summary>
    /// Every node is a silo of one cluster: membership, grain state and reminders through Orleans' ADO.NET providers
    /// on the shared PostgreSQL (their tables and queries are GeoSync's Scripts/postgresql-orleans.sql).
    /// </summary>
    private void UseClusterOnPostgres(ISiloBuilder silo, string connectionString)
    {
        ClusterSettings cluster = Topology.Engine.Cluster;
        connectionString = OrleansPool(connectionString);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.Id;
            o.ServiceId = ServiceId;
        });
        silo.Configure<EndpointOptions>(o =>
        {
            o.SiloPort = cluster.SiloPort ?? ClusterSettings.DefaultSiloPort;
            o.GatewayPort = cluster.GatewayPort;
            if (cluster.AdvertisedAddress is { } address)
            {
                o.AdvertisedIPAddress = System.Net.IPAddress.Parse(address);
            }
        });
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = NpgsqlInvariant;
            o.ConnectionString = connectionString;
        });
        var json = new SystemTextJsonGrainStorageSerializerOptions();
        GrainJson.CopyTo(json.JsonSerializerOptions);
        silo.AddAdoNetGrainStorage(RepositoryGrain.StorageName, o =>
        {
            o.Invariant = NpgsqlInvariant;
            o.ConnectionString = connectionString;
            o.GrainStorageSerializer = new SystemTextJsonGrainStorageSerializer(Microsoft.Extensions.Options.Options.Create(json));
        });
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = NpgsqlInvariant;
            o.ConnectionString = connectionString;
        });
    }

    private void AddReplication(IServiceCollection services)
    {
        var throttle = new RegionThrottle(Regions);
        // Every region can run its sync slots and its transfer slots at once, each blocking a thread on a filesystem store.
        ThreadPoolReservation.Reserve(throttle.TotalSlots);
        services.AddSingleton(Options.TimeProvider);
        services.AddSingleton(Regions);
        services.AddSingleton(throttle);
        services.AddSingleton<IReplicationPolicy>(new TopologyReplicationPolicy(Topology));
        services.AddSingleton(Database.Inbox);
        services.AddSingleton(Database.TransferCheckpoints);
        services.AddSingleton(Observer());
        services.AddGeoSyncReplication(o =>
        {
            o.BlobTransferRetries = Options.BlobTransferRetries;
            o.CheckpointDelay = Options.RepositoryCheckpointDelay;
            o.ReminderPeriod = Options.ReminderPeriod;
        });
    }

    /// <summary>
    /// Orleans' providers open a pool of their own beside GeoSync's: left at Npgsql's default of 100 each, one node alone
    /// could exceed PostgreSQL's default max_connections (100). Left at that default, Orleans' pool gets 20.
    /// </summary>
    private static string OrleansPool(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxPoolSize == new Npgsql.NpgsqlConnectionStringBuilder().MaxPoolSize)
        {
            builder.MaxPoolSize = OrleansMaxPoolSize;
        }

        return builder.ConnectionString;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private IReplicationObserver Observer()
    {
        var webhooks = new WebhookReplicationObserver(Webhooks);
        return Options.Observer is null ? webhooks : new CompositeReplicationObserver([webhooks, Options.Observer]);
    }

    private static ServiceProvider WebhookServices(RegionTopology topology, GeoSyncDatabase database, SecretResolver secrets, EngineOptions options, ILoggerFactory loggerFactory)
    {
        var services = new ServiceCollection();
        services.AddSingleton(loggerFactory);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(options.TimeProvider);
        services.AddSingleton(secrets);
        services.AddSingleton(database.WebhookOutbox);
        services.AddSingleton<IWebhookEndpointSource>(new TopologyWebhookEndpointSource(() => topology));
        services.AddGeoSyncWebhooks(options.Webhooks);
        return services.BuildServiceProvider();
    }

    private void StartLoops()
    {
        _ = WebhookDispatcher.StartAsync(_stopping.Token);
        _loops.Add(Task.Run(() => PruneInboxPeriodicallyAsync(_stopping.Token)));
        _loops.Add(Task.Run(() => SweepPendingPeriodicallyAsync(_stopping.Token)));
        if (Options.PeriodicReconciliation)
        {
            _loops.Add(Task.Run(() => ReconcilePeriodicallyAsync(_stopping.Token)));
        }
    }

    /// <summary>
    /// The inbox's retention: applied events accepted longer ago than <c>engine.inboxRetention</c> are deleted in
    /// batches (each a short write, so appends are not held up behind one large delete). Pending events stay.
    /// </summary>
    private async Task PruneInboxPeriodicallyAsync(CancellationToken cancellationToken)
    {
        const int Batch = 1000;
        using var timer = new PeriodicTimer(Options.InboxPruneInterval, Options.TimeProvider);
        while (await WaitAsync(timer, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                DateTimeOffset cutoff = Options.TimeProvider.GetUtcNow() - Topology.Engine.InboxRetention;
                long deleted = 0;
                int batch;
                do
                {
                    batch = await Database.Inbox.DeleteAppliedAsync(cutoff, Batch, cancellationToken).ConfigureAwait(false);
                    deleted += batch;
                }
                while (batch == Batch);

                if (deleted > 0)
                {
                    LogInboxPruned(deleted, Topology.Engine.InboxRetention);
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogLoopFailed("inbox retention", ex);
            }
        }
    }

    private async Task SweepPendingPeriodicallyAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Options.PendingSweepInterval, Options.TimeProvider);
        while (await WaitAsync(timer, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                foreach (string repository in await Database.Inbox.ListRepositoriesWithPendingAsync(cancellationToken).ConfigureAwait(false))
                {
                    Notifier.Notify(repository);
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogLoopFailed("pending sweep", ex);
            }
        }
    }

    private async Task ReconcilePeriodicallyAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(new TopologyReplicationPolicy(Topology).ReconcileInterval, Options.TimeProvider);
        while (await WaitAsync(timer, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                int changed = await ResyncAsync(null, null, cancellationToken).ConfigureAwait(false);
                LogReconciled(changed);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogLoopFailed("reconciliation", ex);
            }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static Storage.IRegionStore Decorate(EngineOptions options, string region, Storage.IRegionStore store) =>
        options.StoreDecorator is null ? store : options.StoreDecorator(region, store);

    private static string ConnectionString(PersistenceSettings settings, SecretResolver secrets, string baseDirectory)
    {
        string connectionString = settings.ResolveConnectionString(secrets.Resolve);
        if (settings.Provider != PersistenceProvider.Sqlite)
        {
            return connectionString;
        }

        // A relative SQLite file is relative to the topology file, like the data directory.
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:")
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource, baseDirectory);
            Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        }

        return builder.ToString();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming {Count} repositories with unfinished work")]
    private partial void LogResumed(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciliation re-planned {Count} tags")]
    private partial void LogReconciled(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} applied events older than the inbox retention ({Retention})")]
    private partial void LogInboxPruned(long count, TimeSpan retention);

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Loop} loop failed; it runs again at its next tick")]
    private partial void LogLoopFailed(string loop, Exception exception);
}
