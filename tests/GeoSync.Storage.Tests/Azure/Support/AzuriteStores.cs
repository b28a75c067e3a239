using Azure.Core;
using Azure.Storage.Blobs;
using GeoSync.Storage.Azure;
using GeoSync.Testing.Azurite;

namespace GeoSync.Storage.Tests.Azure.Support;

/// <summary>Builds stores on a shared Azurite, each in a fresh container so tests never see each other's blobs.</summary>
public static class AzuriteStores
{
    /// <summary>The account holding the <c>eu</c> region in tests.</summary>
    public const string Eu = "eu";

    /// <summary>The account holding the <c>us</c> region in tests.</summary>
    public const string Us = "us";

    /// <summary>A store for <paramref name="account"/> (region named after it) in a new container.</summary>
    public static AzureBlobRegionStore Create(
        AzuriteServer azurite, string account, RequestCounter? counter = null, Action<AzureBlobRegionStoreOptions>? configure = null)
    {
        var options = new AzureBlobRegionStoreOptions
        {
            Region = account,
            ConnectionString = azurite.ConnectionString(account),
            Container = NewContainerName(),
            // Azurite is local: retry fast so a failing test fails fast.
            RetryDelay = TimeSpan.FromMilliseconds(50),
        };
        if (counter is not null)
        {
            options.ConfigureClient = client => client.AddPolicy(counter, HttpPipelinePosition.PerRetry);
        }

        configure?.Invoke(options);
        return new AzureBlobRegionStore(options);
    }

    /// <summary>A plain SDK client on the same container as <paramref name="store"/>, to look behind the driver.</summary>
    public static BlobContainerClient Inspect(AzuriteServer azurite, AzureBlobRegionStore store) =>
        new BlobServiceClient(azurite.ConnectionString(store.Region)).GetBlobContainerClient(store.Container.Name);

    /// <summary>A container name unique to one test.</summary>
    public static string NewContainerName() => $"t{Guid.NewGuid():N}";
}
