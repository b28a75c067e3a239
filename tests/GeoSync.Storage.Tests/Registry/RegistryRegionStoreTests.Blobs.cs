using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Storage.Tests.Conformance;
using GeoSync.Testing;

namespace GeoSync.Storage.Tests.Registry;

public abstract partial class RegistryRegionStoreTests
{
    [Fact]
    public async Task WriteBlob_NewContent_IsServedByTheRepository()
    {
        RepositoryName repository = NewRepository();
        (byte[] bytes, Digest digest) = NewContent();

        long written = await Store.WriteBlobAsync(repository, digest, new MemoryStream(bytes), bytes.Length);

        Assert.Equal(bytes.Length, written);
        Assert.Equal(bytes.Length, await Store.StatBlobAsync(repository, digest));
        Assert.True(await Store.HasLayerLinkAsync(repository, digest));
        Assert.Equal(bytes, await ReadAllAsync(repository, digest));
        Assert.True(RegistryLinksLayer(repository, digest));
    }

    [Fact]
    public async Task WriteBlob_WithoutExpectedSize_IsStored()
    {
        RepositoryName repository = NewRepository();
        (byte[] bytes, Digest digest) = NewContent();

        Assert.Equal(bytes.Length, await Store.WriteBlobAsync(repository, digest, new MemoryStream(bytes)));
        Assert.Equal(bytes, await ReadAllAsync(repository, digest));
    }

    [Fact]
    public async Task WriteBlob_EmptyContent_IsStored()
    {
        RepositoryName repository = NewRepository();
        Digest empty = Digest.Compute([]);

        Assert.Equal(0, await Store.WriteBlobAsync(repository, empty, new MemoryStream(), 0));
        Assert.Equal(0, await Store.StatBlobAsync(repository, empty));
        Assert.Empty(await ReadAllAsync(repository, empty));
    }

    [Fact]
    public async Task WriteBlob_AlreadyInTheRepository_WritesNothing()
    {
        RepositoryName repository = NewRepository();
        (byte[] bytes, Digest digest) = NewContent();
        await Store.WriteBlobAsync(repository, digest, new MemoryStream(bytes), bytes.Length);

        long second = await Store.WriteBlobAsync(repository, digest, new MemoryStream(bytes), bytes.Length);

        Assert.Equal(0, second);
        Assert.Single(Fixture.LogLines($"PUT /v2/{repository}/blobs/uploads/"));
    }

    [Fact]
    public async Task WriteBlob_ContentNotMatchingDigest_FailsAndLeavesNothing()
    {
        RepositoryName repository = NewRepository();
        (byte[] bytes, _) = NewContent("actual");
        (_, Digest claimed) = NewContent("claimed");

        var failure = await Assert.ThrowsAsync<RegionStoreException>(() => Store.WriteBlobAsync(repository, claimed, new MemoryStream(bytes), bytes.Length));

        Assert.Equal(RegionStoreFailure.DigestMismatch, failure.Failure);
        Assert.Equal(Store.Region, failure.Region);
        Assert.False(failure.IsRetryable);
        await AssertNoBlobAsync(repository, claimed);
    }

    public static TheoryData<long> WrongSizes => new() { -1, +1, -1000 };

    [Theory]
    [MemberData(nameof(WrongSizes))]
    public async Task WriteBlob_WrongExpectedSize_FailsAndLeavesNothing(long sizeError)
    {
        RepositoryName repository = NewRepository();
        (byte[] bytes, Digest digest) = NewContent();
        long expected = Math.Max(0, bytes.Length + sizeError);

        var failure = await Assert.ThrowsAsync<RegionStoreException>(() => Store.WriteBlobAsync(repository, digest, new MemoryStream(bytes), expected));

        Assert.Equal(RegionStoreFailure.DigestMismatch, failure.Failure);
        await AssertNoBlobAsync(repository, digest);
    }

    [Fact]
    public async Task WriteBlob_LargerThanAChunk_GoesUpInChunksAndRoundTrips()
    {
        RepositoryName repository = NewRepository();
        const long size = (3 * RegistryStoreFixture.ChunkSize) + 12345;
        (GeneratedContentStream content, Digest digest, _) = NewGeneratedContent(size);

        long written = await Store.WriteBlobAsync(repository, digest, content, size);

        Assert.Equal(size, written);
        Assert.Equal(size, await Store.StatBlobAsync(repository, digest));
        await using (Stream read = await Store.OpenBlobAsync(repository, digest))
        {
            Assert.Equal(digest, await Digest.ComputeAsync(read));
        }

        await Eventually.HoldsAsync(() => Fixture.LogLines($"PATCH /v2/{repository}/blobs/uploads/").Count == 3, TimeSpan.FromSeconds(5), "three chunks were PATCHed, the rest PUT");
    }

    [Fact]
    public async Task WriteBlob_ExactMultipleOfTheChunkSize_RoundTrips()
    {
        RepositoryName repository = NewRepository();
        const long size = 2 * RegistryStoreFixture.ChunkSize;
        (GeneratedContentStream content, Digest digest, _) = NewGeneratedContent(size);

        Assert.Equal(size, await Store.WriteBlobAsync(repository, digest, content, size));
        await using Stream read = await Store.OpenBlobAsync(repository, digest);
        Assert.Equal(digest, await Digest.ComputeAsync(read));
    }

    [Fact]
    public async Task WriteBlob_ChunkedContentNotMatchingDigest_FailsAndLeavesNothing()
    {
        RepositoryName repository = NewRepository();
        const long size = (2 * RegistryStoreFixture.ChunkSize) + 10;
        (GeneratedContentStream content, _, _) = NewGeneratedContent(size);
        (_, Digest claimed) = NewContent("claimed");

        var failure = await Assert.ThrowsAsync<RegionStoreException>(() => Store.WriteBlobAsync(repository, claimed, content, size));

        Assert.Equal(RegionStoreFailure.DigestMismatch, failure.Failure);
        await AssertNoBlobAsync(repository, claimed);
    }

    [Fact]
    public async Task WriteBlob_SourceFailsMidway_LeavesNothing()
    {
        RepositoryName repository = NewRepository();
        const long size = 3 * RegistryStoreFixture.ChunkSize;
        (GeneratedContentStream content, Digest digest, _) = NewGeneratedContent(size);

        await Assert.ThrowsAnyAsync<Exception>(() =>
            Store.WriteBlobAsync(repository, digest, new InterruptedStream(content, failAfter: size / 2, onInterrupt: () => throw new IOException("source connection reset")), size));

        await AssertNoBlobAsync(repository, digest);
    }

    [Fact]
    public async Task WriteBlob_CancelledMidway_ThrowsCancellationAndLeavesNothing()
    {
        RepositoryName repository = NewRepository();
        const long size = 3 * RegistryStoreFixture.ChunkSize;
        (GeneratedContentStream content, Digest digest, _) = NewGeneratedContent(size);
        using var cancellation = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Store.WriteBlobAsync(repository, digest, new InterruptedStream(content, failAfter: size / 2, onInterrupt: cancellation.Cancel), size, cancellation.Token));

        await AssertNoBlobAsync(repository, digest);
    }

    [Fact]
    public async Task WriteBlob_WithoutARepository_FailsNamingWhy()
    {
        (byte[] bytes, Digest digest) = NewContent();

        var failure = await Assert.ThrowsAsync<RegionStoreException>(() => Store.WriteBlobAsync(digest, new MemoryStream(bytes), bytes.Length));

        Assert.Contains("only into a repository", failure.Message, StringComparison.Ordinal);
        Assert.False(RegistryHoldsData(digest));
    }

    [Fact]
    public async Task StatBlob_Missing_ReturnsNull()
    {
        (_, Digest digest) = NewContent();

        Assert.Null(await Store.StatBlobAsync(NewRepository(), digest));
        Assert.Null(await Store.StatBlobAsync(digest));
    }

    [Fact]
    public async Task StatBlob_RegionWideOfABlobWrittenThroughARepository_FindsIt()
    {
        RepositoryName repository = NewRepository();
        (byte[] bytes, Digest digest) = NewContent();
        await Store.WriteBlobAsync(repository, digest, new MemoryStream(bytes), bytes.Length);

        Assert.Equal(bytes.Length, await Store.StatBlobAsync(digest));
        await using Stream read = await Store.OpenBlobAsync(digest);
        Assert.Equal(digest, await Digest.ComputeAsync(read));
    }


    [Fact]
    public async Task OpenBlob_Missing_FailsNotFound()
    {
        (_, Digest digest) = NewContent();

        var failure = await Assert.ThrowsAsync<RegionStoreException>(() => Store.OpenBlobAsync(NewRepository(), digest));

        Assert.Equal(RegionStoreFailure.NotFound, failure.Failure);
        Assert.Equal(Store.Region, failure.Region);
    }

    [Fact]
    public async Task OpenBlob_BytesCorruptedInTheRegistry_FailsDigestMismatchAtTheEnd()
    {
        RepositoryName repository = NewRepository();
        (byte[] bytes, Digest digest) = NewContent();
        await Store.WriteBlobAsync(repository, digest, new MemoryStream(bytes), bytes.Length);
        byte[] corrupted = [.. bytes];
        corrupted[0] ^= 0xFF;
        await File.WriteAllBytesAsync(Path.Combine(Fixture.Registry.StorageRoot, Layout.DistributionLayout.BlobData(digest)), corrupted);

        var failure = await Assert.ThrowsAsync<RegionStoreException>(() => ReadAllAsync(repository, digest));

        Assert.Equal(RegionStoreFailure.DigestMismatch, failure.Failure);
    }

    [Fact]
    public async Task WriteBlob_HeldByAnotherRepository_IsMountedNotUploaded()
    {
        RepositoryName first = NewRepository("team/first");
        RepositoryName second = NewRepository("team/second");
        (byte[] bytes, Digest digest) = NewContent("shared layer");
        await Store.WriteBlobAsync(first, digest, new MemoryStream(bytes), bytes.Length);

        long written = await Store.WriteBlobAsync(second, digest, new MemoryStream(bytes), bytes.Length);

        Assert.Equal(0, written);
        Assert.True(RegistryLinksLayer(second, digest));
        Assert.Equal(bytes, await ReadAllAsync(second, digest));
        await MountedAsync(second);
        Assert.Empty(Fixture.LogLines($"PUT /v2/{second}/blobs/uploads/"));
    }

    [Fact]
    public async Task LinkLayer_BlobInAnotherRepository_MountsIt()
    {
        RepositoryName first = NewRepository("team/first");
        RepositoryName second = NewRepository("team/second");
        (byte[] bytes, Digest digest) = NewContent("shared layer");
        await Store.WriteBlobAsync(first, digest, new MemoryStream(bytes), bytes.Length);
        Assert.False(await Store.HasLayerLinkAsync(second, digest));

        // The region holds it: this is what replication's plan sees before it links instead of copying.
        Assert.Equal(bytes.Length, await Store.StatBlobAsync(second, digest));
        await Store.LinkLayerAsync(second, digest);

        Assert.True(await Store.HasLayerLinkAsync(second, digest));
        await MountedAsync(second);
    }

    [Fact]
    public async Task LinkLayer_BlobTheRegionDoesNotHold_FailsNotFound()
    {
        (_, Digest digest) = NewContent();

        var failure = await Assert.ThrowsAsync<RegionStoreException>(() => Store.LinkLayerAsync(NewRepository(), digest));

        Assert.Equal(RegionStoreFailure.NotFound, failure.Failure);
    }

    [Fact]
    public async Task LinkLayer_HolderLostTheBlob_UploadsNothingAndFailsNotFound()
    {
        RepositoryName first = NewRepository("team/first");
        RepositoryName second = NewRepository("team/second");
        (byte[] bytes, Digest digest) = NewContent("gone");
        await Store.WriteBlobAsync(first, digest, new MemoryStream(bytes), bytes.Length);
        File.Delete(Path.Combine(Fixture.Registry.StorageRoot, Layout.DistributionLayout.LayerLink(first, digest)));

        var failure = await Assert.ThrowsAsync<RegionStoreException>(() => Store.LinkLayerAsync(second, digest));

        Assert.Equal(RegionStoreFailure.NotFound, failure.Failure);
        Assert.False(RegistryLinksLayer(second, digest));
    }

    /// <summary>Waits until the registry's access log shows a mount into <paramref name="repository"/> answered 201 Created.</summary>
    private Task MountedAsync(RepositoryName repository) =>
        Eventually.HoldsAsync(
            () => Fixture.LogLines($"POST /v2/{repository}/blobs/uploads/?mount=").Any(l => l.Contains("\" 201 ", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(5),
            "the registry answered the mount with 201 Created");
}
