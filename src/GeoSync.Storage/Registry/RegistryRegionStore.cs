using System.Runtime.CompilerServices;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GeoSync.Storage.Registry;

/// <summary>
/// A region whose content lives in a registry GeoSync reaches only over the OCI distribution API (distribution,
/// Harbor, ACR, zot). The layout's operations map onto the API: a blob is uploaded into the repository that needs it
/// and linked into another one by a cross-repository mount; a manifest is put whole by digest (the registry checks
/// that everything it references is there), never uploaded as a blob; a tag is a manifest put under the tag's name,
/// written last. Blobs read are verified as they stream. The registry lists no manifest revisions, so referrers are not found through
/// <see cref="ListManifestRevisionsAsync"/> (the referrers API is a later step).
/// </summary>
public sealed partial class RegistryRegionStore : IRegionStore, IDisposable
{
    private readonly RegistryRegionStoreOptions _options;
    private readonly HttpClient _http;
    private readonly RegistryClient _client;
    private readonly BlobHolders _holders = new();
    private readonly ILogger _logger;

    public RegistryRegionStore(RegistryRegionStoreOptions options, TimeProvider? timeProvider = null, ILogger<RegistryRegionStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _http = RegistryHttpClient.Create(options, timeProvider ?? TimeProvider.System, _logger);
        _client = new RegistryClient(_http, options.Region, options.PageSize);
        Capacity = new StoreCapacity(16, $"round trips to {options.Endpoint.Authority}");
    }

    /// <inheritdoc />
    public string Region => _options.Region;

    /// <inheritdoc />
    public string Kind => "registry";

    /// <inheritdoc />
    public StoreCapacity Capacity { get; }

    /// <summary>
    /// Region-wide, a registry knows only the repositories this store saw holding the blob; without one it is asked
    /// only whether it answers and lets GeoSync in (<c>GET /v2/</c>), so a probe of the region tells something.
    /// </summary>
    public async Task<long?> StatBlobAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        if (_holders.Find(digest) is { } holder)
        {
            return await StatInAsync(holder, digest, cancellationToken).ConfigureAwait(false);
        }

        await _client.CheckAccessAsync(cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <inheritdoc />
    public async Task<long?> StatBlobAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) =>
        await StatInAsync(repository, digest, cancellationToken).ConfigureAwait(false)
        ?? (_holders.Find(digest, except: repository) is { } holder ? await StatInAsync(holder, digest, cancellationToken).ConfigureAwait(false) : null);

    /// <summary>Region-wide, a blob is read from a repository this store saw holding it.</summary>
    public Task<Stream> OpenBlobAsync(Digest digest, CancellationToken cancellationToken = default) =>
        _holders.Find(digest) is { } holder
            ? OpenBlobAsync(holder, digest, cancellationToken)
            : throw NotHeld("read", digest);

    /// <inheritdoc />
    public async Task<Stream> OpenBlobAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default)
    {
        if (await OpenInAsync(repository, digest, cancellationToken).ConfigureAwait(false) is { } stream)
        {
            return stream;
        }

        return _holders.Find(digest, except: repository) is { } holder
            && await OpenInAsync(holder, digest, cancellationToken).ConfigureAwait(false) is { } held
            ? held
            : throw new RegionStoreException(Region, $"read {repository}@{digest.Short}", RegionStoreFailure.NotFound, "the registry has no such blob or manifest in the repository");
    }

    /// <summary>A registry takes a blob only into a repository: use the write that names one.</summary>
    public Task<long> WriteBlobAsync(Digest digest, Stream content, long? expectedSize = null, CancellationToken cancellationToken = default) =>
        throw new RegionStoreException(Region, $"write blob {digest.Short}", RegionStoreFailure.Failed, "a registry takes blobs only into a repository; write through one");

    /// <summary>Never: the bytes pass through GeoSync, or are mounted within the registry when linked.</summary>
    public bool CanCopyServerSide(IRegionStore source) => false;

    /// <inheritdoc />
    public Task<long> CopyBlobServerSideAsync(IRegionStore source, Digest digest, long size, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("a registry store copies no blob server-side");

    /// <inheritdoc />
    public async Task<bool> HasLayerLinkAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default)
    {
        bool held = await _client.HeadBlobAsync(repository, digest, cancellationToken).ConfigureAwait(false) is not null;
        if (held)
        {
            _holders.Saw(digest, repository);
        }

        return held;
    }

    /// <inheritdoc />
    public async Task<bool> HasManifestLinkAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) =>
        await _client.HeadManifestAsync(repository, digest.ToString(), cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>False: a manifest goes into a registry whole, by <see cref="PutManifestAsync"/>.</summary>
    public bool ManifestsAreBlobs => false;

    /// <summary>Puts the manifest by digest; the registry refuses it (naming the code) while a child it references is missing.</summary>
    public async Task<long> PutManifestAsync(RepositoryName repository, Descriptor manifest, byte[] content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(content);
        string operation = $"put manifest {repository}@{manifest.Digest.Short}";
        if (Digest.Compute(content) != manifest.Digest || content.LongLength != manifest.Size)
        {
            throw new RegionStoreException(Region, operation, RegionStoreFailure.DigestMismatch, $"the {content.Length} bytes given are not the manifest's");
        }

        if (await HasManifestLinkAsync(repository, manifest.Digest, cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        await _client.PutManifestAsync(repository, manifest.Digest.ToString(), content, manifest.MediaType, cancellationToken).ConfigureAwait(false);
        _holders.Saw(manifest.Digest, repository);
        return content.LongLength;
    }

    /// <summary>Puts a manifest another repository of the registry holds into this one (its bytes are read from there).</summary>
    public async Task LinkManifestAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default)
    {
        if (await HasManifestLinkAsync(repository, digest, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if (_holders.Find(digest, except: repository) is not { } holder
            || await _client.GetManifestAsync(holder, digest.ToString(), cancellationToken).ConfigureAwait(false) is not { } held)
        {
            throw new RegionStoreException(Region, $"link manifest {repository}@{digest.Short}", RegionStoreFailure.NotFound, "no repository of the registry is known to hold the manifest; put it with its bytes");
        }

        await PutManifestAsync(repository, new Descriptor(held.MediaType, digest, held.Bytes.LongLength), held.Bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Digest?> ReadTagAsync(RepositoryName repository, Tag tag, CancellationToken cancellationToken = default) =>
        (await _client.HeadManifestAsync(repository, tag.Value, cancellationToken).ConfigureAwait(false))?.Digest;

    /// <summary>Puts the repository's manifest <paramref name="digest"/> under the tag; the manifest must be linked first.</summary>
    public async Task SetTagAsync(RepositoryName repository, Tag tag, Digest digest, CancellationToken cancellationToken = default)
    {
        (byte[] Bytes, string MediaType) manifest = await _client.GetManifestAsync(repository, digest.ToString(), cancellationToken).ConfigureAwait(false)
            ?? throw new RegionStoreException(Region, $"tag {repository}:{tag}", RegionStoreFailure.NotFound, $"the repository has no manifest {digest.Short} to tag");
        if (Digest.Compute(manifest.Bytes) != digest)
        {
            throw new RegionStoreException(Region, $"tag {repository}:{tag}", RegionStoreFailure.DigestMismatch, $"the registry served other bytes for {digest.Short}");
        }

        await _client.PutManifestAsync(repository, tag.Value, manifest.Bytes, manifest.MediaType, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the tag (registries that keep tags only as manifests answer <c>UNSUPPORTED</c>, named in the failure).</summary>
    public async Task DeleteTagAsync(RepositoryName repository, Tag tag, CancellationToken cancellationToken = default) =>
        await _client.DeleteManifestAsync(repository, tag.Value, cancellationToken).ConfigureAwait(false);

    /// <summary>Deletes the manifest from the repository (and with it the tags naming it); blob data is the registry's to collect.</summary>
    public async Task DeleteManifestLinkAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) =>
        await _client.DeleteManifestAsync(repository, digest.ToString(), cancellationToken).ConfigureAwait(false);

    /// <summary>The registry's catalog (where it allows listing), names it cannot hold as repositories skipped.</summary>
    public async IAsyncEnumerable<RepositoryName> ListRepositoriesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (string name in _client.CatalogAsync(cancellationToken).ConfigureAwait(false))
        {
            if (RepositoryName.TryParse(name, out RepositoryName repository, out _))
            {
                yield return repository;
            }
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Tag> ListTagsAsync(RepositoryName repository, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (string name in _client.TagsAsync(repository, cancellationToken).ConfigureAwait(false))
        {
            if (Tag.TryParse(name, out Tag tag, out _))
            {
                yield return tag;
            }
        }
    }

    /// <summary>The distribution API lists no manifest revisions: none are listed.</summary>
    public IAsyncEnumerable<Digest> ListManifestRevisionsAsync(RepositoryName repository, CancellationToken cancellationToken = default) =>
        AsyncEnumerable.Empty<Digest>();

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    /// <summary>The size of a blob or manifest the repository serves, or null.</summary>
    private async Task<long?> StatInAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken)
    {
        long? size = await _client.HeadBlobAsync(repository, digest, cancellationToken).ConfigureAwait(false)
            ?? (await _client.HeadManifestAsync(repository, digest.ToString(), cancellationToken).ConfigureAwait(false))?.Size;
        if (size is not null)
        {
            _holders.Saw(digest, repository);
        }

        return size;
    }

    /// <summary>A verifying stream over the repository's blob, or its manifest's bytes; null when it has neither.</summary>
    private async Task<Stream?> OpenInAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken)
    {
        string operation = $"read {repository}@{digest.Short}";
        if (await _client.GetBlobAsync(repository, digest, 0, cancellationToken).ConfigureAwait(false) is { } response)
        {
            Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new RegistryBlobReadStream(
                response,
                body,
                digest,
                async (offset, ct) => await _client.GetBlobAsync(repository, digest, offset, ct).ConfigureAwait(false)
                    ?? throw new RegionStoreException(Region, operation, RegionStoreFailure.NotFound, "the blob went away mid-read"),
                Region,
                operation);
        }

        if (await _client.GetManifestAsync(repository, digest.ToString(), cancellationToken).ConfigureAwait(false) is not { } manifest)
        {
            return null;
        }

        return Digest.Compute(manifest.Bytes) == digest
            ? new MemoryStream(manifest.Bytes, writable: false)
            : throw new RegionStoreException(Region, operation, RegionStoreFailure.DigestMismatch, $"the registry served other bytes for {digest.Short}");
    }

    private RegionStoreException NotHeld(string operation, Digest digest) =>
        new(Region, $"{operation} blob {digest.Short}", RegionStoreFailure.NotFound, "no repository of the registry is known to hold it; blobs are reached through a repository");
}
