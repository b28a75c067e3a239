using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace GeoSync.Persistence;

/// <summary>Registers GeoSync's database and its stores.</summary>
public static class PersistenceServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="GeoSyncDatabase"/>, opened when first needed (as the node starts) and closed with the container,
    /// and its stores as services: the inbox, the transfer checkpoints, the webhook outbox, the repositories' status, the link egress totals and, on SQLite, the embedded
    /// silo's grain state and reminder table (tests replace any of them).
    /// </summary>
    public static IServiceCollection AddGeoSyncPersistence(this IServiceCollection services, PersistenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => GeoSyncDatabase.Open(options, sp.GetService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<GeoSyncDatabase>().Inbox);
        services.TryAddSingleton(sp => sp.GetRequiredService<GeoSyncDatabase>().TransferCheckpoints);
        services.TryAddSingleton(sp => sp.GetRequiredService<GeoSyncDatabase>().WebhookOutbox);
        services.TryAddSingleton(sp => sp.GetRequiredService<GeoSyncDatabase>().RepositoryStatus);
        services.TryAddSingleton(sp => sp.GetRequiredService<GeoSyncDatabase>().LinkTraffic);
        services.TryAddSingleton(sp => sp.GetRequiredService<GeoSyncDatabase>().GrainState
            ?? throw new InvalidOperationException("grain state is GeoSync's own only on SQLite; on PostgreSQL Orleans' ADO.NET provider keeps it"));
        services.TryAddSingleton(sp => sp.GetRequiredService<GeoSyncDatabase>().Reminders
            ?? throw new InvalidOperationException("the reminder table is GeoSync's own only on SQLite; on PostgreSQL Orleans' ADO.NET provider keeps it"));
        return services;
    }
}
