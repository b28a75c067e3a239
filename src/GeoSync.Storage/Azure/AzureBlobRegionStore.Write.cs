using System.Buffers;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using GeoSync.Domain.Content;
using GeoSync.Storage.Layout;
using GeoSync.Domain.Text;

namespace GeoSync.Storage.Azure;

/// <summary>Blob uploads: stage blocks while hashing, verify, then commit the block list.</summary>
public sealed partial class AzureBlobRegionStore
{
    // Block buffers for every store in the process. Not ArrayPool.Shared: it let go of multi-MiB arrays between
    // uploads (measured: 16 MiB newly allocated per upload, against 0.5 MiB with this pool). It keeps at most 16
    // arrays per size, i.e. what peak concurrency needed, and never more.
    private static readonly ArrayPool<byte> BlockBuffers = ArrayPool<byte>.Create(maxArrayLength: 1024 * 1024 * 1024, maxArraysPerBucket: 16);

    /// <summary>
    /// Streams <paramref name="content"/> into staged blocks of <see cref="AzureBlobRegionStoreOptions.BlockSize"/>
    /// (pooled buffers, a bounded number in flight), hashing every byte; commits the block list only when the digest
    /// and size match, so the blob never becomes visible unverified. Blocks a previous, interrupted attempt already
    /// staged with the same ID and size are not uploaded again (their bytes are still read and hashed). Returns the
    /// blob's size when this call made it visible, or 0 when it was already present or a concurrent writer won.
    /// Exceptions thrown by <paramref name="content"/> itself pass through unchanged.
    /// </summary>
    public async Task<long> WriteBlobAsync(Digest digest, Stream content, long? expectedSize = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        string operation = $"write blob {digest.Short}";
        string path = DistributionLayout.BlobData(digest);
        if (await GetPropertiesAsync(path, operation, cancellationToken).ConfigureAwait(false) is not null)
        {
            return 0;
        }

        await EnsureContainerAsync(operation, cancellationToken).ConfigureAwait(false);
        BlockBlobClient blob = BlockBlobFor(path);
        IReadOnlyDictionary<string, long> staged = await GetUncommittedBlocksAsync(blob, operation, cancellationToken).ConfigureAwait(false);
        StagedUpload upload = await StageAsync(blob, digest, content, expectedSize, staged, operation, cancellationToken).ConfigureAwait(false);

        // Verified before the commit: until then the blocks are invisible, and on a mismatch they are left for the
        // service to discard (it drops uncommitted blocks after a week).
        if (expectedSize is long expected && upload.Size != expected)
        {
            throw Mismatch(operation, digest, $"the content has {upload.Size} bytes, expected {expected}");
        }

        if (upload.Digest != digest)
        {
            throw Mismatch(operation, digest, $"the content hashes to {upload.Digest}");
        }

        if (!await CommitAsync(blob, upload.BlockIds, operation, cancellationToken).ConfigureAwait(false))
        {
            LogConcurrentWriterWon(Region, digest);
            return 0;
        }

        LogBlobWritten(Region, digest, upload.Size, upload.BytesUploaded, upload.BlocksReused);
        return upload.Size;
    }

    private async Task<StagedUpload> StageAsync(
        BlockBlobClient blob, Digest digest, Stream content, long? expectedSize, IReadOnlyDictionary<string, long> alreadyStaged,
        string operation, CancellationToken cancellationToken)
    {
        int blockSize = _options.BlockSize;
        using var hasher = new DigestHasher();
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var blockIds = new List<string>();
        var inFlight = new List<Task<long>>();
        long uploaded = 0;
        int reused = 0;
        try
        {
            while (true)
            {
                byte[] buffer = BlockBuffers.Rent(blockSize);
                int length;
                try
                {
                    length = await FillAsync(content, buffer, blockSize, cancellationToken).ConfigureAwait(false);
                    hasher.Append(buffer.AsSpan(0, length));
                    if (hasher.BytesHashed > expectedSize)
                    {
                        throw Mismatch(operation, digest, $"the content is longer than the expected {expectedSize} bytes");
                    }

                    if (length > 0 && blockIds.Count == BlockIds.MaxBlocks)
                    {
                        throw new RegionStoreException(Region, operation, RegionStoreFailure.Failed,
                            $"the blob needs more than {BlockIds.MaxBlocks} blocks of {blockSize} bytes; raise BlockSize");
                    }
                }
                catch
                {
                    BlockBuffers.Return(buffer);
                    throw;
                }

                if (length == 0)
                {
                    BlockBuffers.Return(buffer);
                    break;
                }

                string id = BlockIds.ForUpload(digest, blockIds.Count, buffer.AsSpan(0, length));
                blockIds.Add(id);
                if (alreadyStaged.TryGetValue(id, out long stagedSize) && stagedSize == length)
                {
                    reused++;
                    BlockBuffers.Return(buffer);
                }
                else
                {
                    if (inFlight.Count >= _options.MaxConcurrentBlockUploads)
                    {
                        uploaded += await CompleteOneAsync(inFlight).ConfigureAwait(false);
                    }

                    inFlight.Add(StageBlockAsync(blob, id, buffer, length, operation, abort.Token));
                }

                if (length < blockSize)
                {
                    break;
                }
            }

            while (inFlight.Count > 0)
            {
                uploaded += await CompleteOneAsync(inFlight).ConfigureAwait(false);
            }
        }
        catch
        {
            // Stop the other stages and let them return their buffers before the failure propagates.
            await abort.CancelAsync().ConfigureAwait(false);
            await ((Task)Task.WhenAll(inFlight)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        long size = hasher.BytesHashed;
        return new StagedUpload(blockIds, size, hasher.Finish(), uploaded, reused);
    }

    /// <summary>Stages one block from a pooled buffer, which it returns when done; the bytes sent.</summary>
    private async Task<long> StageBlockAsync(BlockBlobClient blob, string blockId, byte[] buffer, int length, string operation, CancellationToken cancellationToken)
    {
        try
        {
            using var block = new MemoryStream(buffer, 0, length, writable: false);
            await CallAsync(operation, c => blob.StageBlockAsync(blockId, block, cancellationToken: c), cancellationToken).ConfigureAwait(false);
            return length;
        }
        finally
        {
            BlockBuffers.Return(buffer);
        }
    }

    private static async Task<long> CompleteOneAsync(List<Task<long>> inFlight)
    {
        Task<long> done = await Task.WhenAny(inFlight).ConfigureAwait(false);
        inFlight.Remove(done);
        return await done.ConfigureAwait(false);
    }

    /// <summary>Reads until <paramref name="buffer"/> holds <paramref name="count"/> bytes or the stream ends.</summary>
    private static async Task<int> FillAsync(Stream content, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        int filled = 0;
        while (filled < count)
        {
            int read = await content.ReadAsync(buffer.AsMemory(filled, count - filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }

    /// <summary>Blocks staged but not committed (by an interrupted attempt), by ID with their sizes.</summary>
    private async Task<IReadOnlyDictionary<string, long>> GetUncommittedBlocksAsync(BlockBlobClient blob, string operation, CancellationToken cancellationToken)
    {
        var blocks = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            BlockList list = (await blob.GetBlockListAsync(BlockListTypes.Uncommitted, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            foreach (BlobBlock block in list.UncommittedBlocks ?? [])
            {
                blocks[block.Name] = block.SizeLong;
            }
        }
        catch (Exception e) when (AzureFailures.HasStatus(e, 404))
        {
            // Nothing staged yet.
        }
        catch (Exception e) when (AzureFailures.IsStoreFailure(e, cancellationToken))
        {
            throw AzureFailures.Translate(Region, operation, e);
        }

        return blocks;
    }

    /// <summary>
    /// Commits the block list unless the blob exists (If-None-Match: *): true when this call made the blob visible,
    /// false when a concurrent writer of the same digest committed first (its content is identical and verified).
    /// </summary>
    private async Task<bool> CommitAsync(BlockBlobClient blob, IReadOnlyList<string> blockIds, string operation, CancellationToken cancellationToken)
    {
        var options = new CommitBlockListOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = OctetStream },
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        };
        try
        {
            await blob.CommitBlockListAsync(blockIds, options, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (AzureFailures.HasStatus(e, 409) || AzureFailures.HasStatus(e, 412))
        {
            return await ExistsAfterConflictAsync(blob, operation, e, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AzureFailures.IsStoreFailure(e, cancellationToken))
        {
            throw AzureFailures.Translate(Region, operation, e);
        }
    }

    private RegionStoreException Mismatch(string operation, Digest digest, string reason)
    {
        LogBlobRejected(Region, digest, LogText.Escape(reason));
        return new RegionStoreException(Region, operation, RegionStoreFailure.DigestMismatch, $"{reason}; blob {digest} was not stored");
    }

    /// <summary>What an upload staged: block IDs in order, the bytes read and their digest, and what crossed the wire.</summary>
    private sealed record StagedUpload(IReadOnlyList<string> BlockIds, long Size, Digest Digest, long BytesUploaded, int BlocksReused);
}
