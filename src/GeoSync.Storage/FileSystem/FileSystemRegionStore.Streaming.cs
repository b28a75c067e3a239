using System.Buffers;
using GeoSync.Domain.Content;

namespace GeoSync.Storage.FileSystem;

public sealed partial class FileSystemRegionStore
{
    /// <summary>
    /// Streams <paramref name="content"/> into the temporary file while hashing it, fsyncs, and verifies digest and size.
    /// Two pooled buffers pipeline the work: the next chunk is read from the source while the current one is hashed and
    /// written, so the source and the disk work at once and memory stays at 2 MiB whatever the blob's size. Exceptions
    /// from reading <paramref name="content"/> are the source's and pass through unchanged; file errors become
    /// <see cref="RegionStoreException"/>.
    /// </summary>
    private async Task<long> StreamToTemporaryAsync(
        string operation, string temporary, Stream content, Digest digest, long? expectedSize, CancellationToken cancellationToken)
    {
        byte[] current = ArrayPool<byte>.Shared.Rent(BufferSize);
        byte[] next = ArrayPool<byte>.Shared.Rent(BufferSize);
        ValueTask<int> pendingRead = default;
        bool reading = false;
        try
        {
            using var hasher = new DigestHasher();
            await using (FileStream file = Guard(operation, () => CreateTemporary(temporary)))
            {
                pendingRead = content.ReadAsync(next.AsMemory(0, BufferSize), cancellationToken);
                reading = true;
                while (true)
                {
                    int read = await pendingRead.ConfigureAwait(false);
                    reading = false;
                    if (read == 0)
                    {
                        break;
                    }

                    (current, next) = (next, current);
                    pendingRead = content.ReadAsync(next.AsMemory(0, BufferSize), cancellationToken);
                    reading = true;

                    hasher.Append(current.AsSpan(0, read));
                    if (hasher.BytesHashed > expectedSize)
                    {
                        throw Mismatch(operation, digest, $"the content is longer than the expected {expectedSize} bytes");
                    }

                    cancellationToken.ThrowIfCancellationRequested();
                    WriteChunk(operation, file, current, read);
                }

                // Durable before it gets its final name: after a crash the name never points at unwritten data.
                Guard(operation, () => file.Flush(flushToDisk: true));
            }

            long size = hasher.BytesHashed;
            if (expectedSize is long expected && size != expected)
            {
                throw Mismatch(operation, digest, $"the content has {size} bytes, expected {expected}");
            }

            Digest actual = hasher.Finish();
            if (actual != digest)
            {
                throw Mismatch(operation, digest, $"the content hashes to {actual}");
            }

            return size;
        }
        finally
        {
            await DrainAsync(pendingRead, reading).ConfigureAwait(false);
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }
    }

    /// <summary>
    /// Writes synchronously: into the page cache a write is a memory copy, cheaper than the thread-pool hop an
    /// asynchronous write costs (FileStream on Unix runs those as synchronous writes on the pool anyway).
    /// </summary>
    private void WriteChunk(string operation, FileStream file, byte[] buffer, int count)
    {
        try
        {
            file.Write(buffer, 0, count);
        }
        catch (Exception e) when (Translate(operation, e) is RegionStoreException translated)
        {
            throw translated;
        }
    }

    /// <summary>Waits for a read still in flight when the write stops early, so its buffer is not returned to the pool while the source fills it.</summary>
    private static async Task DrainAsync(ValueTask<int> pendingRead, bool reading)
    {
        if (!reading)
        {
            return;
        }

        try
        {
            await pendingRead.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The write already failed for its own reason; the source's later failure adds nothing.
        }
    }
}
