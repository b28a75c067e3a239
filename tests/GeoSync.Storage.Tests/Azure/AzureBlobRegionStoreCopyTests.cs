using System.Diagnostics;
using Azure.Storage.Blobs.Specialized;
using GeoSync.Domain.Content;
using GeoSync.Storage.Azure;
using GeoSync.Storage.Layout;
using GeoSync.Storage.Tests.Azure.Support;
using GeoSync.Testing.Azurite;
using Xunit.Abstractions;

namespace GeoSync.Storage.Tests.Azure;

/// <summary>Server-side copies between two Azurite accounts (two regions): the service moves the bytes, GeoSync does not.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobRegionStoreCopyTests(AzuriteServer azurite, ITestOutputHelper output)
{
    // Small thresholds keep the block path fast to test; production uses 256 MiB and 100 MiB.
    private const long SyncCopyMaxBytes = 1024 * 1024;
    private const long CopyBlockSize = 256 * 1024;

    public static TheoryData<string, int, bool> Copies => new()
    {
        { "small blob, one Copy Blob From URL", 300 * 1024, true },
        { "exactly the one-call limit", (int)SyncCopyMaxBytes, true },
        { "above the limit, Put Block From URL per range", (int)SyncCopyMaxBytes + (3 * (int)CopyBlockSize / 2), false },
    };

    [Theory]
    [MemberData(nameof(Copies))]
    public async Task CopyBlobServerSide_BetweenAccounts_CopiesWithoutBytesPassingThroughProcess(string _, int size, bool inOneCall)
    {
        (AzureBlobRegionStore source, RequestCounter sourceRequests, AzureBlobRegionStore target, RequestCounter targetRequests) = CreatePair();
        byte[] content = GeneratedContent.Bytes(size, seed: size);
        Digest digest = Digest.Compute(content);
        await source.WriteBlobAsync(digest, new MemoryStream(content));
        sourceRequests.Reset();

        Assert.True(target.CanCopyServerSide(source));
        var watch = Stopwatch.StartNew();
        long copied = await target.CopyBlobServerSideAsync(source, digest, size);
        watch.Stop();

        Assert.Equal(size, copied);
        // Nothing was downloaded from the source or uploaded to the target by this process.
        Assert.Equal(0, sourceRequests.DownloadedContentBytes);
        Assert.Equal(0, targetRequests.UploadedContentBytes);
        Assert.Equal(0, targetRequests.StageBlockRequests);
        int expectedBlocks = (int)((size + CopyBlockSize - 1) / CopyBlockSize);
        Assert.Equal(inOneCall ? 1 : 0, targetRequests.CopyFromUrlRequests);
        Assert.Equal(inOneCall ? 0 : expectedBlocks, targetRequests.StageBlockFromUrlRequests);
        output.WriteLine($"{size} bytes copied server-side in {watch.ElapsedMilliseconds} ms ({(inOneCall ? "one call" : $"{expectedBlocks} blocks")})");

        Assert.Equal(size, await target.StatBlobAsync(digest));
        await using Stream read = await target.OpenBlobAsync(digest);
        Assert.Equal(digest, await Digest.ComputeAsync(read));
    }

    [Fact]
    public async Task CopyBlobServerSide_BlocksStagedByInterruptedCopy_AreNotCopiedAgain()
    {
        (AzureBlobRegionStore source, _, AzureBlobRegionStore target, RequestCounter targetRequests) = CreatePair();
        int size = (int)SyncCopyMaxBytes + (2 * (int)CopyBlockSize);
        byte[] content = GeneratedContent.Bytes(size, seed: 21);
        Digest digest = Digest.Compute(content);
        await source.WriteBlobAsync(digest, new MemoryStream(content));
        // An earlier attempt staged the first range, then died before committing.
        var targetContainer = AzuriteStores.Inspect(azurite, target);
        await targetContainer.CreateIfNotExistsAsync();
        BlockBlobClient targetBlob = targetContainer.GetBlockBlobClient(target.BlobName(DistributionLayout.BlobData(digest)));
        Uri sourceUri = source.Container.GetBlobClient(source.BlobName(DistributionLayout.BlobData(digest)))
            .GenerateSasUri(global::Azure.Storage.Sas.BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1));
        await targetBlob.StageBlockFromUriAsync(sourceUri, BlockIds.ForCopy(digest, 0, CopyBlockSize),
            new global::Azure.Storage.Blobs.Models.StageBlockFromUriOptions { SourceRange = new global::Azure.HttpRange(0, CopyBlockSize) });

        long copied = await target.CopyBlobServerSideAsync(source, digest, size);

        Assert.Equal(size, copied);
        Assert.Equal((size / (int)CopyBlockSize) - 1, targetRequests.StageBlockFromUrlRequests);
        await using Stream read = await target.OpenBlobAsync(digest);
        Assert.Equal(digest, await Digest.ComputeAsync(read));
    }

    [Fact]
    public async Task CopyBlobServerSide_AlreadyPresent_ReturnsZeroAndCopiesNothing()
    {
        (AzureBlobRegionStore source, _, AzureBlobRegionStore target, RequestCounter targetRequests) = CreatePair();
        byte[] content = GeneratedContent.Bytes(1000, seed: 22);
        Digest digest = Digest.Compute(content);
        await source.WriteBlobAsync(digest, new MemoryStream(content));
        await target.WriteBlobAsync(digest, new MemoryStream(content));
        targetRequests.Reset();

        long copied = await target.CopyBlobServerSideAsync(source, digest, content.Length);

        Assert.Equal(0, copied);
        Assert.Equal(0, targetRequests.CopyFromUrlRequests + targetRequests.StageBlockFromUrlRequests);
    }

    [Fact]
    public async Task CopyBlobServerSide_SourceLacksBlob_FailsNotFoundNamingSourceRegion()
    {
        (AzureBlobRegionStore source, _, AzureBlobRegionStore target, _) = CreatePair();
        Digest digest = Digest.Compute("absent"u8);

        var error = await Assert.ThrowsAsync<RegionStoreException>(() => target.CopyBlobServerSideAsync(source, digest, 6));

        Assert.Equal(RegionStoreFailure.NotFound, error.Failure);
        Assert.Equal(source.Region, error.Region);
        Assert.Null(await target.StatBlobAsync(digest));
    }

    [Fact]
    public async Task CopyBlobServerSide_SourceSizeDiffers_FailsMismatchAndLeavesNothing()
    {
        (AzureBlobRegionStore source, _, AzureBlobRegionStore target, _) = CreatePair();
        byte[] content = GeneratedContent.Bytes(5000, seed: 23);
        Digest digest = Digest.Compute(content);
        await source.WriteBlobAsync(digest, new MemoryStream(content));

        var error = await Assert.ThrowsAsync<RegionStoreException>(() => target.CopyBlobServerSideAsync(source, digest, content.Length + 1));

        Assert.Equal(RegionStoreFailure.DigestMismatch, error.Failure);
        Assert.Null(await target.StatBlobAsync(digest));
    }

    [Fact]
    public void CanCopyServerSide_SourceCannotSignSas_IsFalse()
    {
        (AzureBlobRegionStore source, _, AzureBlobRegionStore target, _) = CreatePair();
        // Same account and container, but no shared key: it cannot sign the SAS the destination would read through.
        var anonymous = new AzureBlobRegionStore(new AzureBlobRegionStoreOptions
        {
            Region = "anonymous", ServiceUri = azurite.BlobEndpoint(AzuriteStores.Eu), Container = source.Container.Name,
        });

        Assert.True(target.CanCopyServerSide(source));
        Assert.False(target.CanCopyServerSide(anonymous));
        Assert.False(anonymous.CanServeServerSideCopies);
    }

    private (AzureBlobRegionStore Source, RequestCounter SourceRequests, AzureBlobRegionStore Target, RequestCounter TargetRequests) CreatePair()
    {
        var sourceRequests = new RequestCounter();
        var targetRequests = new RequestCounter();
        void Configure(AzureBlobRegionStoreOptions o)
        {
            o.SyncCopyMaxBytes = SyncCopyMaxBytes;
            o.CopyBlockSize = CopyBlockSize;
        }

        return (AzuriteStores.Create(azurite, AzuriteStores.Eu, sourceRequests, Configure), sourceRequests,
            AzuriteStores.Create(azurite, AzuriteStores.Us, targetRequests, Configure), targetRequests);
    }
}
