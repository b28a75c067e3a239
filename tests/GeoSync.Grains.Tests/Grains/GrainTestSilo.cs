using System.Collections.Concurrent;
using GeoSync.Grains.Blobs;
using GeoSync.Grains.Regions;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Replication;
using GeoSync.Grains.Repositories;
using GeoSync.Grains.Tests.Fakes;
using GeoSync.Persistence;
using GeoSync.Persistence.Grains;
using GeoSync.Storage;
using GeoSync.Storage.FileSystem;
using GeoSync.Testing;
using GeoSync.Testing.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.TestingHost;
using Polly;
using Polly.Retry;

namespace GeoSync.Grains.Tests.Grains;

/// <summary>What a test changes in <see cref="GrainTestSilo"/>.</summary>
public sealed class GrainTestSiloOptions
{
    public IReadOnlyList<string> Regions { get; set; } = ["eu", "us"];

    /// <summary><see cref="BlobReplicatorOptions.ReportAfter"/>.</summary>
    public TimeSpan ReportAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Orleans' call timeout for the client and the silo (Orleans' default when null).</summary>
    public TimeSpan? ResponseTimeout { get; set; }

    /// <summary>Retries of a retryable store failure within one blob transfer.</summary>
    public int TransferRetries { get; set; } = 1;

    public TimeSpan CheckpointDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The artifact type every rule's gate requires (no gate when null).</summary>
    public string? Gate { get; set; }
}

/// <summary>
/// One Orleans silo in process, wired as the embedded engine wires it (GeoSyncEngine.StartSiloAsync): grain state
/// through <see cref="StateStoreGrainStorage"/> and reminders in a real SQLite <see cref="GeoSyncDatabase"/>, GeoSync's
/// types as JSON, and real filesystem region stores in temporary folders, each behind a <see cref="TestRegionStore"/>.
/// </summary>
public sealed class GrainTestSilo : IAsyncDisposable
{
    private readonly TestDirectory _directory;
    private readonly ConcurrentDictionary<string, int> _incomingCalls = new(StringComparer.Ordinal);

    private GrainTestSilo(TestDirectory directory, GeoSyncDatabase database, IReadOnlyDictionary<string, TestRegionStore> stores, CountingGrainStateStore grainState, GrainTestSiloOptions options)
    {
        _directory = directory;
        Database = database;
        Stores = stores;
        GrainState = grainState;
        Options = options;
        // Priority by position in the list; every link costs the same.
        Regions = new RegionDirectory(options.Regions.Select((r, i) => new RegionEndpoint(r, stores[r], Priority: i + 1, Concurrency: 4)), (_, _) => 1);
    }

    public GeoSyncDatabase Database { get; }

    /// <summary>Each region's store (a real filesystem store, wrapped).</summary>
    public IReadOnlyDictionary<string, TestRegionStore> Stores { get; }

    /// <summary>The grain state store the silo's grain storage writes through.</summary>
    public CountingGrainStateStore GrainState { get; }

    public GrainTestSiloOptions Options { get; }

    public RegionDirectory Regions { get; }

    /// <summary>What the silo logged.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>Regions told that they completed an image.</summary>
    public RecordingObserver Observer { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    /// <summary>The silo's own grain factory: calls from it are local, as the region workers' calls are.</summary>
    public IGrainFactory SiloGrains => Cluster.GetSiloServiceProvider().GetRequiredService<IGrainFactory>();

    /// <summary>Grain calls of a method (by name) that reached the silo so far.</summary>
    public int IncomingCalls(string method) => _incomingCalls.GetValueOrDefault(method);

    public static async Task<GrainTestSilo> StartAsync(Action<GrainTestSiloOptions>? configure = null)
    {
        var options = new GrainTestSiloOptions();
        configure?.Invoke(options);
        var directory = new TestDirectory("grains");
        GeoSyncDatabase database = await GeoSyncDatabase.OpenAsync(new PersistenceOptions
        {
            Provider = PersistenceOptions.Sqlite,
            ConnectionString = $"Data Source={directory.Combine("db", "geosync.db")}",
        });
        Dictionary<string, TestRegionStore> stores = options.Regions.ToDictionary(
            r => r,
            r => new TestRegionStore(new FileSystemRegionStore(r, directory.Combine("regions", r))),
            StringComparer.Ordinal);
        var silo = new GrainTestSilo(directory, database, stores, new CountingGrainStateStore(database.GrainState!), options);
        try
        {
            await silo.DeployAsync();
        }
        catch
        {
            await database.DisposeAsync();
            directory.Dispose();
            throw;
        }

        return silo;
    }

    /// <summary>Deactivates the grain's activation and waits until it is gone (its last checkpoint written).</summary>
    public Task DeactivateAsync(IAddressable grain) => Cluster.DeactivateAsync(grain);

    public async ValueTask DisposeAsync()
    {
        // As the engine stops: region workers end, then the silo deactivates every grain (each writes its checkpoint).
        foreach (TestRegionStore store in Stores.Values)
        {
            store.Down = false;
            store.RefuseWrites = false;
        }

        await Cluster.DisposeAsync();
        await Database.DisposeAsync();
        _directory.Dispose();
    }

    private async Task DeployAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureHost(host => host.Services.AddGeoSyncSerializer());
        builder.ConfigureSiloHost((_, host) => host.Logging.AddProvider(Logs));
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddGrainStorage(RepositoryGrain.StorageName, (_, _) => new StateStoreGrainStorage(GrainState, GrainJson.Options));
            silo.AddReminders();
            silo.Services.AddSingleton(Database.Reminders!);
            silo.AddIncomingGrainCallFilter(context =>
            {
                _incomingCalls.AddOrUpdate(context.InterfaceMethod.Name, 1, (_, n) => n + 1);
                return context.Invoke();
            });
            if (Options.ResponseTimeout is TimeSpan timeout)
            {
                silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = timeout);
            }

            silo.Services.Configure<BlobReplicatorOptions>(o => o.ReportAfter = Options.ReportAfter);
            AddReplication(silo.Services);
        });
        if (Options.ResponseTimeout is TimeSpan clientTimeout)
        {
            builder.ConfigureClient(client => client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = clientTimeout));
        }

        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>What the engine registers for replication, over this silo's regions and database.</summary>
    private void AddReplication(IServiceCollection services)
    {
        services.AddSingleton(Regions);
        services.AddSingleton<IReplicationPolicy>(new StaticReplicationPolicy(Options.Regions, gate: Options.Gate));
        services.AddSingleton(Database.Inbox);
        services.AddSingleton(Database.TransferCheckpoints);
        services.AddSingleton(Database.RepositoryStatus);
        services.AddSingleton(Database.LinkTraffic);
        services.AddSingleton<IReplicationObserver>(Observer);
        services.AddGeoSyncReplication(o =>
        {
            o.BlobTransferRetries = Options.TransferRetries;
            o.BlobTransferRetryDelay = TimeSpan.FromMilliseconds(10);
            o.CheckpointDelay = Options.CheckpointDelay;
            o.ReminderPeriod = Options.ReminderPeriod;
        });
    }
}
