using System.Buffers;
using GeoSync.Domain.Content;
using GeoSync.Storage.Layout;
using Microsoft.Win32.SafeHandles;

namespace GeoSync.Storage.FileSystem;

public sealed partial class FileSystemRegionStore
{
    /// <summary>True for another filesystem store: the kernel copies between the two folders.</summary>
    public bool CanCopyServerSide(IRegionStore source) => source is FileSystemRegionStore;

    /// <summary>
    /// Copies a blob from another filesystem store through the kernel (<c>copy_file_range</c>) into a temporary file,
    /// while the source is hashed from the same open file in parallel; the copy becomes visible only when the hash
    /// and <paramref name="size"/> match and the copy is fsynced.
    /// </summary>
    public async Task<long> CopyBlobServerSideAsync(IRegionStore source, Digest digest, long size, CancellationToken cancellationToken = default)
    {
        if (source is not FileSystemRegionStore from)
        {
            throw new ArgumentException($"a filesystem store copies server-side only from another filesystem store, not '{source.Kind}'", nameof(source));
        }

        string operation = $"copy blob {digest.Short} from region '{from.Region}'";
        string target = PathOf(DistributionLayout.BlobData(digest));
        if (Guard(operation, () => File.Exists(target)))
        {
            return 0;
        }

        string sourcePath = from.PathOf(DistributionLayout.BlobData(digest));
        string temporary = Guard(operation, NewTemporaryPath);
        try
        {
            using (SafeFileHandle input = OpenSource(operation, from, sourcePath, digest))
            {
                await using FileStream output = Guard(operation, () => CreateTemporary(temporary));
                Task<long> copying = Task.Run(() => Guard(operation, () => KernelFileCopy.Copy(input, output.SafeFileHandle, cancellationToken)), cancellationToken);
                Task<(Digest Digest, long Size)> hashing = Task.Run(() => Guard(operation, () => Hash(input, cancellationToken)), cancellationToken);
                await Task.WhenAll(copying, hashing).ConfigureAwait(false);

                (Digest actual, long hashed) = await hashing.ConfigureAwait(false);
                long copied = await copying.ConfigureAwait(false);
                if (hashed != size || copied != size)
                {
                    throw Mismatch(operation, digest, $"region '{from.Region}' holds {hashed} bytes under this digest, expected {size}");
                }

                if (actual != digest)
                {
                    throw Mismatch(operation, digest, $"region '{from.Region}' holds content hashing to {actual} under this digest");
                }

                Guard(operation, () => output.Flush(flushToDisk: true));
            }

            long written = Publish(operation, temporary, target, digest, size);
            if (written > 0)
            {
                LogBlobCopied(Region, digest, from.Region, size);
            }

            return written;
        }
        finally
        {
            DeleteQuietly(temporary);
        }
    }

    private SafeFileHandle OpenSource(string operation, FileSystemRegionStore from, string sourcePath, Digest digest)
    {
        try
        {
            return File.OpenHandle(sourcePath, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new RegionStoreException(Region, operation, RegionStoreFailure.NotFound, $"region '{from.Region}' holds no blob {digest}", e);
        }
        catch (Exception e) when (Translate(operation, e) is RegionStoreException translated)
        {
            throw translated;
        }
    }

    // Hashes the very file the kernel copies from (one open handle, positional reads), so what was verified is what was copied.
    private static (Digest Digest, long Size) Hash(SafeFileHandle input, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            using var hasher = new DigestHasher();
            long offset = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int read = RandomAccess.Read(input, buffer.AsSpan(0, BufferSize), offset);
                if (read == 0)
                {
                    return (hasher.Finish(), offset);
                }

                hasher.Append(buffer.AsSpan(0, read));
                offset += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
