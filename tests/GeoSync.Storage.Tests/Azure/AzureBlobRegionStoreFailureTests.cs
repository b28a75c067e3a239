using System.Diagnostics;
using System.Security.Cryptography;
using Azure;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Storage.Azure;
using GeoSync.Storage.Tests.Azure.Support;
using GeoSync.Testing;
using GeoSync.Testing.Azurite;

namespace GeoSync.Storage.Tests.Azure;

/// <summary>Failures surface as typed <see cref="RegionStoreException"/>s naming region, operation and retryability.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobRegionStoreFailureTests(AzuriteServer azurite)
{
    public static TheoryData<int, RegionStoreFailure> Statuses => new()
    {
        { 0, RegionStoreFailure.Unavailable },
        { 400, RegionStoreFailure.Failed },
        { 401, RegionStoreFailure.Denied },
        { 403, RegionStoreFailure.Denied },
        { 404, RegionStoreFailure.NotFound },
        { 408, RegionStoreFailure.Unavailable },
        { 409, RegionStoreFailure.Failed },
        { 412, RegionStoreFailure.Failed },
        { 429, RegionStoreFailure.Unavailable },
        { 500, RegionStoreFailure.Unavailable },
        { 503, RegionStoreFailure.Unavailable },
    };

    public static TheoryData<string, Action<AzureBlobRegionStoreOptions>, string> InvalidOptions => new()
    {
        { "no region", o => o.Region = "", nameof(AzureBlobRegionStoreOptions.Region) },
        { "no endpoint", o => o.ConnectionString = null, nameof(AzureBlobRegionStoreOptions.ConnectionString) },
        { "no container", o => o.Container = " ", nameof(AzureBlobRegionStoreOptions.Container) },
        { "absolute prefix", o => o.PathPrefix = "/abs", nameof(AzureBlobRegionStoreOptions.PathPrefix) },
        { "tiny blocks", o => o.BlockSize = 10, nameof(AzureBlobRegionStoreOptions.BlockSize) },
        { "one-call copies beyond the service limit", o => o.SyncCopyMaxBytes = 257L * 1024 * 1024, nameof(AzureBlobRegionStoreOptions.SyncCopyMaxBytes) },
        { "no uploads in flight", o => o.MaxConcurrentBlockUploads = 0, nameof(AzureBlobRegionStoreOptions.MaxConcurrentBlockUploads) },
    };

    [Theory]
    [MemberData(nameof(Statuses))]
    public void Translate_ServiceStatus_MapsToFailure(int status, RegionStoreFailure expected)
    {
        var error = AzureFailures.Translate("eu", "stat blob x", new RequestFailedException(status, "boom"));

        Assert.Equal(expected, error.Failure);
        Assert.Equal(expected == RegionStoreFailure.Unavailable, error.IsRetryable);
        Assert.Contains("region 'eu': stat blob x failed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsStoreFailure_CallerCancelledOrLocalFault_IsNotTranslated()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.False(AzureFailures.IsStoreFailure(new OperationCanceledException(cancelled.Token), cancelled.Token));
        Assert.True(AzureFailures.IsStoreFailure(new TaskCanceledException("network timeout"), CancellationToken.None));
        Assert.True(AzureFailures.IsStoreFailure(new AggregateException(new RequestFailedException(503, "busy"), new HttpRequestException("reset")), CancellationToken.None));
        // A missing assembly (e.g. System.IO.Hashing) is a local fault, not an unavailable store.
        Assert.False(AzureFailures.IsStoreFailure(new FileNotFoundException("System.IO.Hashing"), CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Constructor_InvalidOptions_ThrowsNamingField(string _, Action<AzureBlobRegionStoreOptions> spoil, string field)
    {
        var options = new AzureBlobRegionStoreOptions { Region = "eu", ConnectionString = azurite.ConnectionString(AzuriteStores.Eu) };
        spoil(options);

        var error = Assert.Throws<ArgumentException>(() => new AzureBlobRegionStore(options));

        Assert.Equal(field, error.ParamName);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Operations_NothingListening_FailUnavailableQuickly()
    {
        int port = FreePort.Next(); // Free: nothing listens there.
        var store = new AzureBlobRegionStore(new AzureBlobRegionStoreOptions
        {
            Region = "gone",
            ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=gone;AccountKey={AzuriteServer.DevelopmentKey};BlobEndpoint=http://127.0.0.1:{port}/gone;",
            MaxRetries = 2,
            RetryDelay = TimeSpan.FromMilliseconds(20),
        });
        Digest digest = Digest.Compute("x"u8);
        var watch = Stopwatch.StartNew();

        var stat = await Assert.ThrowsAsync<RegionStoreException>(() => store.StatBlobAsync(digest));
        var write = await Assert.ThrowsAsync<RegionStoreException>(() => store.WriteBlobAsync(digest, new MemoryStream("x"u8.ToArray())));
        var list = await Assert.ThrowsAsync<RegionStoreException>(async () => await store.ListRepositoriesAsync().ToListAsync());

        Assert.All([stat, write, list], error =>
        {
            Assert.Equal(RegionStoreFailure.Unavailable, error.Failure);
            Assert.True(error.IsRetryable);
            Assert.Equal("gone", error.Region);
        });
        Assert.Contains("stat blob", stat.Operation, StringComparison.Ordinal);
        Assert.Contains("did not answer", stat.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"three operations took {watch.Elapsed} to fail");
    }

    [Fact]
    public async Task Operations_WrongAccountKey_FailDenied()
    {
        string wrongKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        var store = new AzureBlobRegionStore(new AzureBlobRegionStoreOptions
        {
            Region = "eu",
            ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=eu;AccountKey={wrongKey};BlobEndpoint={azurite.BlobEndpoint(AzuriteStores.Eu)};",
            Container = AzuriteStores.NewContainerName(),
        });

        var error = await Assert.ThrowsAsync<RegionStoreException>(
            () => store.LinkLayerAsync(RepositoryName.Parse("team/app"), Digest.Compute("x"u8)));

        Assert.Equal(RegionStoreFailure.Denied, error.Failure);
        Assert.False(error.IsRetryable);
    }
}
