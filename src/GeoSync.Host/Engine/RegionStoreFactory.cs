using GeoSync.Domain.Topology;
using GeoSync.Grains.Secrets;
using GeoSync.Storage;
using GeoSync.Storage.Azure;
using GeoSync.Storage.FileSystem;
using Microsoft.Extensions.Logging;

namespace GeoSync.Host.Engine;

/// <summary>Opens each region's store with the driver its topology entry names.</summary>
public static class RegionStoreFactory
{
    /// <summary>The store of <paramref name="region"/>; filesystem paths are relative to <paramref name="dataDirectory"/>.</summary>
    public static IRegionStore Create(Region region, string dataDirectory, SecretResolver secrets, ILoggerFactory loggerFactory) => region.Store switch
    {
        FileSystemStoreSettings fs => new FileSystemRegionStore(
            region.Name,
            Path.GetFullPath(fs.Path, dataDirectory),
            loggerFactory.CreateLogger<FileSystemRegionStore>()),
        AzureStoreSettings azure => new AzureBlobRegionStore(
            new AzureBlobRegionStoreOptions
            {
                Region = region.Name,
                ConnectionString = secrets.Resolve(azure.ConnectionString),
                Container = azure.Container,
            },
            logger: loggerFactory.CreateLogger<AzureBlobRegionStore>()),
        _ => throw new NotSupportedException($"region '{region.Name}': store kind '{region.Store.Kind}' is not supported"),
    };
}
