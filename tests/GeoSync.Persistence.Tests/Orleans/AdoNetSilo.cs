using System.Net;
using GeoSync.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;

namespace GeoSync.Persistence.Tests.OrleansAdoNet;

/// <summary>
/// An Orleans silo in this test process on GeoSync's PostgreSQL schema: ADO.NET clustering, grain storage and
/// reminders with the invariant <c>Npgsql</c>, on loopback ports of its own. Timings are shortened so that joining,
/// leaving, clean-up and reminders happen within seconds.
/// </summary>
internal sealed class AdoNetSilo : IAsyncDisposable
{
    public const string Invariant = "Npgsql";
    public const string ServiceId = "geosync-tests";

    /// <summary>Grain storage with Orleans' default serializer (Newtonsoft.Json).</summary>
    public const string StorageName = "geosync";

    /// <summary>Grain storage whose serializer is System.Text.Json (a keyed serializer with the provider's name).</summary>
    public const string JsonStorageName = "geosync-json";

    private bool _stopped;

    private AdoNetSilo(IHost host) => Host = host;

    public IHost Host { get; }

    public IGrainFactory Grains => Host.Services.GetRequiredService<IGrainFactory>();

    public SiloAddress Address => Host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    /// <summary>This silo's view of the cluster.</summary>
    public ClusterMembershipSnapshot Membership => Host.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot;

    public static async Task<AdoNetSilo> StartAsync(string connectionString, string clusterId, CancellationToken cancellationToken = default)
    {
        IHost host = Microsoft.Extensions.Hosting.Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .UseOrleans(silo =>
            {
                silo.Configure<ClusterOptions>(options =>
                    {
                        options.ClusterId = clusterId;
                        options.ServiceId = ServiceId;
                    })
                    .ConfigureEndpoints(IPAddress.Loopback, FreePort.Next(), FreePort.Next())
                    .UseAdoNetClustering(options =>
                    {
                        options.Invariant = Invariant;
                        options.ConnectionString = connectionString;
                    })
                    .AddAdoNetGrainStorage(StorageName, options =>
                    {
                        options.Invariant = Invariant;
                        options.ConnectionString = connectionString;
                    })
                    .AddAdoNetGrainStorage(JsonStorageName, options =>
                    {
                        options.Invariant = Invariant;
                        options.ConnectionString = connectionString;
                    })
                    .UseAdoNetReminderService(options =>
                    {
                        options.Invariant = Invariant;
                        options.ConnectionString = connectionString;
                    })
                    .Configure<ClusterMembershipOptions>(options =>
                    {
                        options.ProbeTimeout = TimeSpan.FromSeconds(1);
                        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(1);
                        options.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                        // A dead silo's row is removed at the next membership change (exercises the clean-up query).
                        options.DefunctSiloCleanupPeriod = TimeSpan.FromSeconds(1);
                        options.DefunctSiloExpiration = TimeSpan.FromSeconds(1);
                        options.DefunctSiloMinimumRetention = TimeSpan.Zero;
                        options.MaxDefunctSiloEntries = 0;
                    })
                    .Configure<ReminderOptions>(options =>
                    {
                        options.MinimumReminderPeriod = TimeSpan.FromSeconds(1);
                        options.RefreshReminderListPeriod = TimeSpan.FromSeconds(1);
                    });

                // Orleans' own System.Text.Json storage serializer (Orleans.Core 10.4.2), for one provider only: the
                // provider takes the IGrainStorageSerializer keyed with its name before the silo-wide default.
                silo.Services.AddKeyedSingleton<IGrainStorageSerializer, SystemTextJsonGrainStorageSerializer>(JsonStorageName);
            })
            .Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new AdoNetSilo(host);
    }

    /// <summary>Stops the silo gracefully: it deactivates its grains and marks itself dead in the membership table.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Host.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            Host.Dispose();
        }
    }
}
