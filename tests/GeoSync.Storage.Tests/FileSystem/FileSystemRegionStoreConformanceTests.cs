using GeoSync.Storage.FileSystem;
using GeoSync.Storage.Tests.Conformance;
using GeoSync.Testing;

namespace GeoSync.Storage.Tests.FileSystem;

/// <summary>The region-store conformance suite against the filesystem driver: two stores in fresh temporary folders.</summary>
public sealed class FileSystemRegionStoreConformanceTests : RegionStoreConformanceTests
{
    private readonly TestDirectory _directory = new("fs-store");

    protected override Task<(IRegionStore Store, IRegionStore OtherStore)> CreateStoresAsync() =>
        Task.FromResult<(IRegionStore, IRegionStore)>((
            new FileSystemRegionStore("eu", _directory.Combine("eu")),
            new FileSystemRegionStore("us", _directory.Combine("us"))));

    protected override Task<string?> ReadLayoutFileAsync(IRegionStore store, string layoutPath)
    {
        string path = Path.Combine(((FileSystemRegionStore)store).RootPath, layoutPath);
        return Task.FromResult(File.Exists(path) ? File.ReadAllText(path) : null);
    }

    protected override Task DisposeStoresAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
