using Azure.Storage.Blobs;
using GeoSync.Storage.Azure;
using GeoSync.Storage.Tests.Azure.Support;
using GeoSync.Storage.Tests.Conformance;
using GeoSync.Testing.Azurite;

namespace GeoSync.Storage.Tests.Azure;

/// <summary>
/// The region-store conformance suite against the Azure Blob driver on real Azurite: two regions are two storage
/// accounts of one instance (so server-side copies work), each test in fresh containers.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobRegionStoreConformanceTests(AzuriteServer azurite) : RegionStoreConformanceTests
{
    protected override Task<(IRegionStore Store, IRegionStore OtherStore)> CreateStoresAsync() =>
        Task.FromResult<(IRegionStore, IRegionStore)>((
            AzuriteStores.Create(azurite, AzuriteStores.Eu, configure: o => o.PathPrefix = "registry"),
            AzuriteStores.Create(azurite, AzuriteStores.Us)));

    protected override async Task<string?> ReadLayoutFileAsync(IRegionStore store, string layoutPath)
    {
        var azure = (AzureBlobRegionStore)store;
        BlobClient blob = AzuriteStores.Inspect(azurite, azure).GetBlobClient(azure.BlobName(layoutPath));
        try
        {
            return (await blob.DownloadContentAsync()).Value.Content.ToString();
        }
        catch (global::Azure.RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    protected override async Task DisposeStoresAsync()
    {
        await ((AzureBlobRegionStore)Store).Container.DeleteIfExistsAsync();
        await ((AzureBlobRegionStore)OtherStore).Container.DeleteIfExistsAsync();
    }
}
