using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using GeoSync.Domain.Content;
using GeoSync.Storage.Azure;
using GeoSync.Storage.Layout;
using GeoSync.Storage.Tests.Azure.Support;
using GeoSync.Testing;
using GeoSync.Testing.Azurite;

namespace GeoSync.Storage.Tests.Azure;

/// <summary>Block uploads against real Azurite: verified before commit, nothing visible on mismatch, resumable.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobRegionStoreWriteTests(AzuriteServer azurite)
{
    private const int BlockSize = 64 * 1024;

    public static TheoryData<string, int> Sizes => new()
    {
        { "empty", 0 },
        { "one short block", 1000 },
        { "exactly two blocks", 2 * BlockSize },
        { "two and a half blocks", (2 * BlockSize) + (BlockSize / 2) },
    };

    public static TheoryData<string, Func<byte[], byte[]>, Func<byte[], long?>> Mismatches => new()
    {
        { "one byte flipped", content => Flip(content, content.Length - 1), _ => null },
        { "longer than expected", content => [.. content, 1], content => content.Length },
        { "shorter than expected", content => content[..^1], content => content.Length },
        { "right bytes, wrong size given", content => content, content => content.Length + 1 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task WriteBlob_VerifiedContent_CommitsBlobReadableWithSameDigest(string _, int size)
    {
        var counter = new RequestCounter();
        AzureBlobRegionStore store = AzuriteStores.Create(azurite, AzuriteStores.Eu, counter, o => o.BlockSize = BlockSize);
        byte[] content = GeneratedContent.Bytes(size, seed: size);
        Digest digest = Digest.Compute(content);

        long written = await store.WriteBlobAsync(digest, new MemoryStream(content), content.Length);

        Assert.Equal(size, written);
        Assert.Equal(size, await store.StatBlobAsync(digest));
        Assert.Equal(size, counter.UploadedContentBytes);
        Assert.Equal((size + BlockSize - 1) / BlockSize, counter.StageBlockRequests);
        await using Stream read = await store.OpenBlobAsync(digest);
        Assert.Equal(digest, await Digest.ComputeAsync(read));
    }

    [Fact]
    public async Task WriteBlob_AlreadyPresent_ReturnsZeroAndUploadsNothing()
    {
        var counter = new RequestCounter();
        AzureBlobRegionStore store = AzuriteStores.Create(azurite, AzuriteStores.Eu, counter, o => o.BlockSize = BlockSize);
        byte[] content = GeneratedContent.Bytes(3 * BlockSize, seed: 7);
        Digest digest = Digest.Compute(content);
        await store.WriteBlobAsync(digest, new MemoryStream(content));
        counter.Reset();

        long written = await store.WriteBlobAsync(digest, new MemoryStream(content));

        Assert.Equal(0, written);
        Assert.Equal(0, counter.UploadedContentBytes);
    }

    [Theory]
    [MemberData(nameof(Mismatches))]
    public async Task WriteBlob_Mismatch_FailsAndLeavesNothingVisible(string _, Func<byte[], byte[]> corrupt, Func<byte[], long?> expectedSize)
    {
        AzureBlobRegionStore store = AzuriteStores.Create(azurite, AzuriteStores.Eu, configure: o => o.BlockSize = BlockSize);
        byte[] content = GeneratedContent.Bytes((3 * BlockSize) + 17, seed: 11);
        Digest digest = Digest.Compute(content);

        var error = await Assert.ThrowsAsync<RegionStoreException>(
            () => store.WriteBlobAsync(digest, new MemoryStream(corrupt(content)), expectedSize(content)));

        Assert.Equal(RegionStoreFailure.DigestMismatch, error.Failure);
        Assert.False(error.IsRetryable);
        Assert.Equal(AzuriteStores.Eu, error.Region);
        Assert.Null(await store.StatBlobAsync(digest));
        var notFound = await Assert.ThrowsAsync<RegionStoreException>(() => store.OpenBlobAsync(digest));
        Assert.Equal(RegionStoreFailure.NotFound, notFound.Failure);
        BlobContainerClient container = AzuriteStores.Inspect(azurite, store);
        Assert.Empty(await container.GetBlobsAsync().ToListAsync());
    }

    [Fact]
    public async Task WriteBlob_Mismatch_StagesBlocksButCommitsNone()
    {
        AzureBlobRegionStore store = AzuriteStores.Create(azurite, AzuriteStores.Eu, configure: o => o.BlockSize = BlockSize);
        byte[] content = GeneratedContent.Bytes(3 * BlockSize, seed: 12);
        Digest digest = Digest.Compute(content);

        await Assert.ThrowsAsync<RegionStoreException>(() => store.WriteBlobAsync(digest, new MemoryStream(Flip(content, 0))));

        // The bytes reached the service as uncommitted blocks, which no reader sees and the service discards.
        BlockList blocks = await BlockListOf(store, digest);
        Assert.Equal(3, blocks.UncommittedBlocks.Count());
        Assert.Empty(blocks.CommittedBlocks);
        Assert.Null(await store.StatBlobAsync(digest));
    }

    [Fact]
    public async Task WriteBlob_RestartedAfterCrash_UploadsOnlyBlocksNotStagedBefore()
    {
        const int blocks = 6;
        var counter = new RequestCounter();
        AzureBlobRegionStore store = AzuriteStores.Create(azurite, AzuriteStores.Eu, counter, o =>
        {
            o.BlockSize = BlockSize;
            o.MaxConcurrentBlockUploads = 1;
        });
        byte[] content = GeneratedContent.Bytes((blocks * BlockSize) - 100, seed: 13);
        Digest digest = Digest.Compute(content);

        // First attempt: the transfer is cancelled (a crash) after two blocks reached the service.
        using var crash = new CancellationTokenSource();
        var crashing = new CrashingStream(content, crashAt: 4 * BlockSize, crash, async () =>
            await Eventually.HoldsAsync(async () => (await BlockListOf(store, digest)).UncommittedBlocks.Count() >= 2,
                TimeSpan.FromSeconds(10), "two blocks staged before the crash"));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.WriteBlobAsync(digest, crashing, content.Length, crash.Token));
        Assert.Null(await store.StatBlobAsync(digest));
        BlockList stagedBefore = await BlockListOf(store, digest);
        long bytesStagedBefore = stagedBefore.UncommittedBlocks.Sum(b => b.SizeLong);
        Assert.InRange(stagedBefore.UncommittedBlocks.Count(), 2, blocks - 1);
        counter.Reset();

        long written = await store.WriteBlobAsync(digest, new MemoryStream(content), content.Length);

        Assert.Equal(content.Length, written);
        Assert.Equal(content.Length - bytesStagedBefore, counter.UploadedContentBytes);
        Assert.Equal(blocks - stagedBefore.UncommittedBlocks.Count(), counter.StageBlockRequests);
        await using Stream read = await store.OpenBlobAsync(digest);
        Assert.Equal(digest, await Digest.ComputeAsync(read));
    }

    [Fact]
    public async Task WriteBlob_StagedBlocksOfOtherContent_AreNotReused()
    {
        var counter = new RequestCounter();
        AzureBlobRegionStore store = AzuriteStores.Create(azurite, AzuriteStores.Eu, counter, o => o.BlockSize = BlockSize);
        byte[] content = GeneratedContent.Bytes(3 * BlockSize, seed: 14);
        Digest digest = Digest.Compute(content);
        // A corrupt source staged its blocks under this digest first (and was rejected).
        await Assert.ThrowsAsync<RegionStoreException>(() => store.WriteBlobAsync(digest, new MemoryStream(Flip(content, BlockSize + 1))));
        counter.Reset();

        await store.WriteBlobAsync(digest, new MemoryStream(content));

        // Blocks 0 and 2 held the same bytes and are reused; block 1 held other bytes and is uploaded again.
        Assert.Equal(BlockSize, counter.UploadedContentBytes);
        await using Stream read = await store.OpenBlobAsync(digest);
        Assert.Equal(digest, await Digest.ComputeAsync(read));
    }

    [Fact]
    public async Task WriteBlob_WithPathPrefix_StoresUnderPrefixInLayout()
    {
        AzureBlobRegionStore store = AzuriteStores.Create(azurite, AzuriteStores.Eu, configure: o => o.PathPrefix = "regions/eu");
        byte[] content = GeneratedContent.Bytes(100, seed: 15);
        Digest digest = Digest.Compute(content);

        await store.WriteBlobAsync(digest, new MemoryStream(content));

        BlobContainerClient container = AzuriteStores.Inspect(azurite, store);
        BlobItem blob = Assert.Single(await container.GetBlobsAsync().ToListAsync());
        Assert.Equal("regions/eu/" + DistributionLayout.BlobData(digest), blob.Name);
    }

    private Task<BlockList> BlockListOf(AzureBlobRegionStore store, Digest digest) =>
        BlockListOf(AzuriteStores.Inspect(azurite, store).GetBlockBlobClient(store.BlobName(DistributionLayout.BlobData(digest))));

    private static async Task<BlockList> BlockListOf(BlockBlobClient blob)
    {
        try
        {
            return (await blob.GetBlockListAsync(BlockListTypes.All)).Value;
        }
        catch (global::Azure.RequestFailedException e) when (e.Status == 404)
        {
            return BlobsModelFactory.BlockList();
        }
    }

    private static byte[] Flip(byte[] content, int index)
    {
        byte[] copy = [.. content];
        copy[index] ^= 0xff;
        return copy;
    }

    /// <summary>Serves content until <c>crashAt</c>, then waits for <c>beforeCrash</c> and cancels the transfer.</summary>
    private sealed class CrashingStream(byte[] content, int crashAt, CancellationTokenSource crash, Func<Task> beforeCrash) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => content.Length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= crashAt)
            {
                await beforeCrash();
                await crash.CancelAsync();
                crash.Token.ThrowIfCancellationRequested();
            }

            int count = Math.Min(buffer.Length, crashAt - _position);
            content.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("the driver reads asynchronously");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
