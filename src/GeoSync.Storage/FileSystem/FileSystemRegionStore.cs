using GeoSync.Domain.Content;
using GeoSync.Storage.Layout;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using GeoSync.Domain.Text;

namespace GeoSync.Storage.FileSystem;

/// <summary>
/// A region store on a local folder, in the CNCF distribution registry's storage layout (see
/// <see cref="DistributionLayout"/>), so <c>docker-registry</c> with its filesystem driver rooted at the same folder
/// serves what GeoSync writes.
/// <para>
/// Every write goes to a unique temporary file under <c>&lt;root&gt;/_uploads/</c> first and is renamed into place only
/// when complete (and, for blobs, fsynced and verified), so no reader ever sees a partial or unverified blob or an
/// empty link. The temporary folder sits beside <c>docker/</c> rather than inside it: the registry walks
/// <c>docker/registry/v2/repositories</c> for its catalog and purges its own <c>repositories/&lt;name&gt;/_uploads</c>, and
/// garbage collection walks <c>blobs/</c>; none of them looks outside <c>docker/</c>, while the folder is still on the
/// same file system as the layout, which is what makes the rename atomic.
/// </para>
/// </summary>
public sealed partial class FileSystemRegionStore : IRegionStore
{
    /// <summary>The driver kind reported by <see cref="Kind"/>.</summary>
    public const string DriverKind = "filesystem";

    /// <summary>The folder, relative to the root, holding in-flight temporary files.</summary>
    public const string UploadsFolder = "_uploads";

    // Large enough that the kernel and SHA-256 work on big runs; pooled, so memory stays flat whatever the blob size.
    private const int BufferSize = 1024 * 1024;

    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a store for <paramref name="region"/> rooted at <paramref name="rootPath"/> (created if missing).</summary>
    public FileSystemRegionStore(string region, string rootPath, ILogger<FileSystemRegionStore>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentException.ThrowIfNullOrWhiteSpace(rootPath);
        Region = region;
        RootPath = Path.GetFullPath(rootPath);
        UploadsPath = Path.Combine(RootPath, UploadsFolder);
        _logger = logger ?? NullLogger<FileSystemRegionStore>.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Region { get; }

    /// <inheritdoc />
    public string Kind => DriverKind;

    /// <inheritdoc />
    /// <remarks>Every operation is a local system call that occupies one of the cores all local stores share.</remarks>
    public StoreCapacity Capacity => StoreCapacity.LocalCores;

    /// <summary>The store's root folder (the registry's <c>rootdirectory</c>).</summary>
    public string RootPath { get; }

    /// <summary>Where temporary files live until they are renamed into the layout.</summary>
    public string UploadsPath { get; }

    /// <inheritdoc />
    public Task<long?> StatBlobAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Guard($"stat blob {digest.Short}", () =>
        {
            var info = new FileInfo(PathOf(DistributionLayout.BlobData(digest)));
            return info.Exists ? info.Length : (long?)null;
        }));
    }

    /// <inheritdoc />
    public Task<Stream> OpenBlobAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string operation = $"open blob {digest.Short}";
        return Task.FromResult(Guard(operation, () =>
        {
            try
            {
                // No FileStream buffer: callers read in large chunks; FileShare.Delete lets garbage collection proceed.
                return (Stream)new FileStream(
                    PathOf(DistributionLayout.BlobData(digest)), FileMode.Open, FileAccess.Read,
                    FileShare.Read | FileShare.Delete, bufferSize: 0, FileOptions.SequentialScan);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw new RegionStoreException(Region, operation, RegionStoreFailure.NotFound, $"the store holds no blob {digest}", e);
            }
        }));
    }

    /// <inheritdoc />
    public async Task<long> WriteBlobAsync(Digest digest, Stream content, long? expectedSize = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        string operation = $"write blob {digest.Short}";
        string target = PathOf(DistributionLayout.BlobData(digest));
        if (Guard(operation, () => File.Exists(target)))
        {
            return 0;
        }

        string temporary = Guard(operation, NewTemporaryPath);
        try
        {
            long written = await StreamToTemporaryAsync(operation, temporary, content, digest, expectedSize, cancellationToken).ConfigureAwait(false);
            return Publish(operation, temporary, target, digest, written);
        }
        finally
        {
            DeleteQuietly(temporary);
        }
    }

    /// <summary>
    /// Renames a verified temporary blob to its final name without overwriting. When a concurrent writer of the same
    /// digest got there first, its blob has the identical verified content: ours is discarded and nothing was written.
    /// The folder is not fsynced after the rename: a crash can at worst lose the rename, and then the blob is absent
    /// and copied again — never present and partial.
    /// </summary>
    private long Publish(string operation, string temporary, string target, Digest digest, long size)
    {
        return Guard(operation, () =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            try
            {
                File.Move(temporary, target, overwrite: false);
            }
            catch (IOException) when (File.Exists(target))
            {
                LogConcurrentWriterWon(Region, digest);
                return 0L;
            }

            LogBlobWritten(Region, digest, size);
            return size;
        });
    }

    private RegionStoreException Mismatch(string operation, Digest digest, string reason)
    {
        LogBlobRejected(Region, digest, LogText.Escape(reason));
        return new RegionStoreException(Region, operation, RegionStoreFailure.DigestMismatch, $"{reason}; blob {digest} was not stored");
    }

    private static FileStream CreateTemporary(string path) =>
        new(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.None);

    private string NewTemporaryPath()
    {
        Directory.CreateDirectory(UploadsPath);
        return Path.Combine(UploadsPath, Guid.NewGuid().ToString("N"));
    }

    private string PathOf(string layoutPath) => Path.Combine(RootPath, layoutPath);

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary file is outside the layout and never visible to a registry.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
