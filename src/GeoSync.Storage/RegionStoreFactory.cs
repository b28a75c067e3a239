using GeoSync.Domain.Topology;
using GeoSync.Storage.Azure;
using GeoSync.Storage.FileSystem;
using GeoSync.Storage.Registry;
using Microsoft.Extensions.Logging;

namespace GeoSync.Storage;

/// <summary>Opens the store of a topology region. Tests replace it to wrap stores (fault injection, byte counting).</summary>
public interface IRegionStoreFactory
{
    /// <summary>Opens <paramref name="region"/>'s store with the driver its topology entry names.</summary>
    IRegionStore Open(Region region);
}

/// <summary>
/// Opens each region's store with the driver its topology entry names. A relative filesystem path (the topology puts
/// it under the engine's data directory) and a registry store's CA file are relative to <paramref name="baseDirectory"/>,
/// the topology file's folder.
/// </summary>
public sealed class RegionStoreFactory(string baseDirectory, SecretResolver secrets, ILoggerFactory loggerFactory) : IRegionStoreFactory
{
    /// <summary>
    /// A staged upload untouched this long belongs to a process that died mid-write (a live write keeps touching its
    /// file, and several engines may share a store), so opening the store deletes it.
    /// </summary>
    public static readonly TimeSpan AbandonedUploadAge = TimeSpan.FromHours(6);

    /// <inheritdoc />
    public IRegionStore Open(Region region) => region.Store switch
    {
        FileSystemStoreSettings fs => OpenFileSystem(region.Name, Path.GetFullPath(fs.Path, baseDirectory)),
        AzureStoreSettings azure => new AzureBlobRegionStore(
            new AzureBlobRegionStoreOptions
            {
                Region = region.Name,
                ConnectionString = secrets.Resolve(azure.ConnectionString),
                Container = azure.Container,
            },
            logger: loggerFactory.CreateLogger<AzureBlobRegionStore>()),
        RegistryStoreSettings registry => new RegistryRegionStore(
            new RegistryRegionStoreOptions
            {
                Region = region.Name,
                Endpoint = registry.Endpoint,
                Username = registry.Credentials?.Username,
                Password = registry.Credentials is { } credentials ? secrets.Resolve(credentials.Password) : null,
                Insecure = registry.Tls.Insecure,
                CaFile = registry.Tls.CaFile is { } caFile ? Path.GetFullPath(caFile, baseDirectory) : null,
            },
            logger: loggerFactory.CreateLogger<RegistryRegionStore>()),
        _ => throw new NotSupportedException($"region '{region.Name}': store kind '{region.Store.Kind}' is not supported"),
    };

    private FileSystemRegionStore OpenFileSystem(string region, string root)
    {
        var store = new FileSystemRegionStore(region, root, loggerFactory.CreateLogger<FileSystemRegionStore>());
        store.DeleteAbandonedUploads(AbandonedUploadAge);
        return store;
    }
}
