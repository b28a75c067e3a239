using GeoSync.Domain.Topology;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GeoSync.Storage;

/// <summary>Registers how region stores are opened.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="IRegionStoreFactory"/> of the built-in drivers; relative filesystem paths start at
    /// <paramref name="baseDirectory"/>, secrets come from the registered <see cref="SecretResolver"/>.
    /// </summary>
    public static IServiceCollection AddGeoSyncStorage(this IServiceCollection services, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IRegionStoreFactory>(sp => new RegionStoreFactory(
            baseDirectory,
            sp.GetRequiredService<SecretResolver>(),
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        return services;
    }
}
