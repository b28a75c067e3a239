using GeoSync.Domain.Content;
using GeoSync.Testing;

namespace GeoSync.Storage.Tests.Conformance;

public abstract partial class RegionStoreConformanceTests
{
    [Fact]
    public void CanCopyServerSide_StoreOfTheSameKind_IsTrue()
    {
        Assert.Equal(Store.Kind, OtherStore.Kind);
        Assert.True(Store.CanCopyServerSide(OtherStore));
    }

    [Fact]
    public async Task CopyBlobServerSide_PresentInSource_IsStoredAndVerified()
    {
        const long size = 12L * 1024 * 1024 + 5;
        (GeneratedContentStream content, Digest digest, _) = NewGeneratedContent(size);
        await OtherStore.WriteBlobAsync(digest, content, size);

        long written = await Store.CopyBlobServerSideAsync(OtherStore, digest, size);

        Assert.Equal(size, written);
        Assert.Equal(size, await Store.StatBlobAsync(digest));
        Assert.Equal(digest, await HashBlobAsync(Store, digest));
        Assert.Equal(size, await OtherStore.StatBlobAsync(digest));
    }

    [Fact]
    public async Task CopyBlobServerSide_AlreadyPresent_WritesNothing()
    {
        (byte[] bytes, Digest digest) = NewContent();
        await OtherStore.WriteBlobAsync(digest, new MemoryStream(bytes), bytes.Length);
        await Store.CopyBlobServerSideAsync(OtherStore, digest, bytes.Length);

        long second = await Store.CopyBlobServerSideAsync(OtherStore, digest, bytes.Length);

        Assert.Equal(0, second);
        Assert.Equal(bytes, await ReadAllAsync(Store, digest));
    }

    [Fact]
    public async Task CopyBlobServerSide_MissingInSource_FailsNotFoundAndLeavesNothing()
    {
        (byte[] bytes, Digest digest) = NewContent();

        var failure = await Assert.ThrowsAsync<RegionStoreException>(() => Store.CopyBlobServerSideAsync(OtherStore, digest, bytes.Length));

        Assert.Equal(RegionStoreFailure.NotFound, failure.Failure);
        await AssertNoBlobAsync(Store, digest);
    }

    [Fact]
    public async Task CopyBlobServerSide_WrongSize_FailsDigestMismatchAndLeavesNothing()
    {
        (byte[] bytes, Digest digest) = NewContent();
        await OtherStore.WriteBlobAsync(digest, new MemoryStream(bytes), bytes.Length);

        var failure = await Assert.ThrowsAsync<RegionStoreException>(() => Store.CopyBlobServerSideAsync(OtherStore, digest, bytes.Length + 1));

        Assert.Equal(RegionStoreFailure.DigestMismatch, failure.Failure);
        await AssertNoBlobAsync(Store, digest);
    }
}
