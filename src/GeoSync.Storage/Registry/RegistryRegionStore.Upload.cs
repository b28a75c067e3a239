using System.Buffers;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using Microsoft.Extensions.Logging;

namespace GeoSync.Storage.Registry;

public sealed partial class RegistryRegionStore
{
    /// <summary>
    /// Makes the repository hold the blob: nothing when it does, a mount when another repository of the registry was
    /// seen holding it, otherwise an upload of <paramref name="content"/> (one PUT when it fits in a chunk, PATCH
    /// chunks then a PUT otherwise). The bytes are hashed as they go and the upload is closed only when they match the
    /// digest and size, so a mismatch leaves nothing in the registry. Returns the bytes uploaded.
    /// </summary>
    public async Task<long> WriteBlobAsync(RepositoryName repository, Digest digest, Stream content, long? expectedSize = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (await HasLayerLinkAsync(repository, digest, cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        (bool mounted, UploadSession? declined) = await TryMountAsync(repository, digest, cancellationToken).ConfigureAwait(false);
        if (mounted)
        {
            return 0;
        }

        UploadSession session = declined ?? await _client.StartUploadAsync(repository, cancellationToken).ConfigureAwait(false);
        long written = await UploadAsync(session, repository, digest, content, expectedSize, cancellationToken).ConfigureAwait(false);
        _holders.Saw(digest, repository);
        LogUploaded(Region, repository.ToString(), digest.Short, written);
        return written;
    }

    /// <summary>Links a blob the region holds into the repository: a mount from its holder, or a copy within the registry when the registry declines to mount.</summary>
    public async Task LinkLayerAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default)
    {
        if (await HasLayerLinkAsync(repository, digest, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        RepositoryName holder = _holders.Find(digest, except: repository) ?? throw NotHeld("link", digest);
        (bool mounted, UploadSession? declined) = await TryMountAsync(repository, digest, cancellationToken).ConfigureAwait(false);
        if (mounted)
        {
            return;
        }

        Stream? content = await OpenInAsync(holder, digest, cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            _holders.Forget(digest, holder);
            if (declined is { } unused)
            {
                await _client.CancelUploadAsync(unused).ConfigureAwait(false);
            }

            throw NotHeld("link", digest);
        }

        await using (content)
        {
            UploadSession session = declined ?? await _client.StartUploadAsync(repository, cancellationToken).ConfigureAwait(false);
            await UploadAsync(session, repository, digest, content, null, cancellationToken).ConfigureAwait(false);
        }

        _holders.Saw(digest, repository);
    }

    /// <summary>
    /// Mounts the blob from a repository seen holding it. Not mounted when there is no holder to mount from, or when
    /// the registry opened an upload session instead (returned, for the caller to upload into).
    /// </summary>
    private async Task<(bool Mounted, UploadSession? Declined)> TryMountAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken)
    {
        if (_holders.Find(digest, except: repository) is not { } holder)
        {
            return (false, null);
        }

        UploadSession? session = await _client.MountBlobAsync(repository, digest, holder, cancellationToken).ConfigureAwait(false);
        if (session is null)
        {
            _holders.Saw(digest, repository);
            LogMounted(Region, repository.ToString(), digest.Short, holder.ToString());
            return (true, null);
        }

        // The holder may have lost the blob, or the registry does not mount across repositories.
        LogMountDeclined(Region, repository.ToString(), digest.Short, holder.ToString());
        return (false, session);
    }

    private async Task<long> UploadAsync(UploadSession session, RepositoryName repository, Digest digest, Stream content, long? expectedSize, CancellationToken cancellationToken)
    {
        string operation = $"upload {digest.Short} into {repository}";
        byte[] buffer = ArrayPool<byte>.Shared.Rent(_options.ChunkSize);
        using var hasher = new DigestHasher();
        bool completed = false;
        try
        {
            long offset = 0;
            while (true)
            {
                int filled = await ReadChunkAsync(content, buffer, operation, cancellationToken).ConfigureAwait(false);
                hasher.Append(buffer.AsSpan(0, filled));
                bool last = filled < _options.ChunkSize;
                if (last)
                {
                    // The bytes are all read: check them before the request that would make the blob visible.
                    Verify(operation, digest, hasher, expectedSize);
                    await _client.CompleteUploadAsync(session, digest, new ArraySegment<byte>(buffer, 0, filled), cancellationToken).ConfigureAwait(false);
                    completed = true;
                    return offset + filled;
                }

                session = await _client.AppendChunkAsync(session, new ArraySegment<byte>(buffer, 0, filled), offset, cancellationToken).ConfigureAwait(false);
                offset += filled;
                if (expectedSize is long size && offset > size)
                {
                    throw new RegionStoreException(Region, operation, RegionStoreFailure.DigestMismatch, $"the content is longer than the expected {size} bytes");
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (!completed)
            {
                await _client.CancelUploadAsync(session).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Fills the buffer up to the chunk size, or with what is left of the content.</summary>
    private async Task<int> ReadChunkAsync(Stream content, byte[] buffer, string operation, CancellationToken cancellationToken)
    {
        try
        {
            return await content.ReadAtLeastAsync(buffer.AsMemory(0, _options.ChunkSize), _options.ChunkSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new RegionStoreException(Region, operation, RegionStoreFailure.Unavailable, $"reading the source failed: {e.Message}", e);
        }
    }

    private void Verify(string operation, Digest digest, DigestHasher hasher, long? expectedSize)
    {
        long length = hasher.BytesHashed;
        Digest actual = hasher.Finish();
        if (expectedSize is long size && size != length)
        {
            throw new RegionStoreException(Region, operation, RegionStoreFailure.DigestMismatch, $"expected {size} bytes, the content had {length}");
        }

        if (actual != digest)
        {
            throw new RegionStoreException(Region, operation, RegionStoreFailure.DigestMismatch, $"the content hashes to {actual.Short}");
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Uploaded {Digest} into `{Repository}` of `{Region}` ({Bytes} bytes)")]
    private partial void LogUploaded(string region, string repository, string digest, long bytes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Mounted {Digest} into `{Repository}` of `{Region}` from `{From}`")]
    private partial void LogMounted(string region, string repository, string digest, string from);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registry of `{Region}` did not mount {Digest} from `{From}` into `{Repository}`; uploading it instead")]
    private partial void LogMountDeclined(string region, string repository, string digest, string from);
}
