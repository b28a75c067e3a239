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
    /// <summary>
    /// The store of <paramref name="region"/>. A relative filesystem path (the topology puts it under the engine's data
    /// directory) is relative to <paramref name="baseDirectory"/>, the topology file's folder.
    /// </summary>
    public static IRegionStore Create(Region region, string baseDirectory, SecretResolver secrets, ILoggerFactory loggerFactory) => region.Store switch
    {
        FileSystemStoreSettings fs => OpenFileSystem(region.Name, Path.GetFullPath(fs.Path, baseDirectory), loggerFactory),
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

    /// <summary>
    /// A staged upload untouched this long belongs to a process that died mid-write (a live write keeps touching its
    /// file, and several engines may share a store), so opening the store deletes it.
    /// </summary>
    public static readonly TimeSpan AbandonedUploadAge = TimeSpan.FromHours(6);

    private static FileSystemRegionStore OpenFileSystem(string region, string root, ILoggerFactory loggerFactory)
    {
        var store = new FileSystemRegionStore(region, root, loggerFactory.CreateLogger<FileSystemRegionStore>());
        store.DeleteAbandonedUploads(AbandonedUploadAge);
        return store;
    }
}
