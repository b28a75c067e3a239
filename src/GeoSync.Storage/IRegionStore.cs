using GeoSync.Domain.Content;
using GeoSync.Domain.Names;

namespace GeoSync.Storage;

/// <summary>
/// A region's content store in the CNCF distribution registry's storage layout, so that a stock registry pointed
/// at the same store serves what GeoSync wrote:
/// <code>
/// docker/registry/v2/blobs/sha256/&lt;first 2 hex&gt;/&lt;hex&gt;/data                       blob and manifest bytes
/// docker/registry/v2/repositories/&lt;name&gt;/_layers/sha256/&lt;hex&gt;/link                "sha256:&lt;hex&gt;": repository may serve this blob
/// docker/registry/v2/repositories/&lt;name&gt;/_manifests/revisions/sha256/&lt;hex&gt;/link
/// docker/registry/v2/repositories/&lt;name&gt;/_manifests/tags/&lt;tag&gt;/index/sha256/&lt;hex&gt;/link
/// docker/registry/v2/repositories/&lt;name&gt;/_manifests/tags/&lt;tag&gt;/current/link   the tag (written last)
/// </code>
/// Link files hold exactly <c>sha256:&lt;hex&gt;</c> with no newline. Blob writes stream, verify the digest before
/// the blob becomes visible, and never leave a partial blob under its final name. Every failure is a
/// <see cref="RegionStoreException"/> naming the region, the operation and whether a retry may help.
/// <para>
/// A registry reached over the OCI distribution API has no region-wide blob store to address: it takes and serves a
/// blob only through a repository, and links it into another repository by a cross-repository mount. The blob
/// operations that name a repository are how replication reaches blobs; in the layout stores they are the
/// region-wide operations (the default implementations), since a blob there belongs to the region.
/// </para>
/// </summary>
public interface IRegionStore
{
    /// <summary>The region this store belongs to.</summary>
    string Region { get; }

    /// <summary>The driver kind: <c>filesystem</c>, <c>azure</c> or <c>registry</c>.</summary>
    string Kind { get; }

    /// <summary>
    /// How many metadata operations are worth running at once against this store, shared with the other stores on
    /// the same resource (every local filesystem store shares this machine's cores; more at once only adds
    /// contention, while a remote service's round trips are hidden by running many).
    /// </summary>
    StoreCapacity Capacity { get; }

    /// <summary>The blob's size when the store holds it, otherwise null.</summary>
    Task<long?> StatBlobAsync(Digest digest, CancellationToken cancellationToken = default);

    /// <summary>Opens a blob for reading; <see cref="RegionStoreFailure.NotFound"/> when absent.</summary>
    Task<Stream> OpenBlobAsync(Digest digest, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams <paramref name="content"/> into the blob <paramref name="digest"/>, verifying the digest (and the size
    /// when given) before the blob becomes visible. Returns the bytes written, or 0 when the blob was already present
    /// and nothing was written. A mismatch fails with <see cref="RegionStoreFailure.DigestMismatch"/> and leaves nothing.
    /// </summary>
    Task<long> WriteBlobAsync(Digest digest, Stream content, long? expectedSize = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The blob's size when the region holds it where <paramref name="repository"/> can have it without bytes crossing
    /// (in the repository, or for a mount), otherwise null.
    /// </summary>
    Task<long?> StatBlobAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) =>
        StatBlobAsync(digest, cancellationToken);

    /// <summary>Opens a blob or manifest that <paramref name="repository"/> serves, or that the region holds for it; <see cref="RegionStoreFailure.NotFound"/> when absent.</summary>
    Task<Stream> OpenBlobAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) =>
        OpenBlobAsync(digest, cancellationToken);

    /// <summary>
    /// Streams a blob into the region on behalf of <paramref name="repository"/>, with the guarantees of
    /// <see cref="WriteBlobAsync(Digest, Stream, long?, CancellationToken)"/>; a registry uploads it into the
    /// repository, the only way it takes a blob. Callers still link it (<see cref="LinkLayerAsync"/>, <see cref="LinkManifestAsync"/>).
    /// </summary>
    Task<long> WriteBlobAsync(RepositoryName repository, Digest digest, Stream content, long? expectedSize = null, CancellationToken cancellationToken = default) =>
        WriteBlobAsync(digest, content, expectedSize, cancellationToken);

    /// <summary>True when this store can copy a blob from <paramref name="source"/> without the bytes passing through GeoSync.</summary>
    bool CanCopyServerSide(IRegionStore source);

    /// <summary>
    /// Copies a blob from <paramref name="source"/> server-side (only when <see cref="CanCopyServerSide"/>), verified
    /// before it becomes visible. Returns the bytes written, or 0 when the blob was already present.
    /// </summary>
    Task<long> CopyBlobServerSideAsync(IRegionStore source, Digest digest, long size, CancellationToken cancellationToken = default);

    /// <summary>Links a blob into a repository (<c>_layers</c>), so the repository may serve it.</summary>
    Task LinkLayerAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default);

    /// <summary>True when the repository links the blob.</summary>
    Task<bool> HasLayerLinkAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default);

    /// <summary>
    /// True when a manifest's bytes are a blob of the store, copied like any blob and linked into repositories
    /// afterwards (the distribution layout); false when a manifest can only be put whole into a repository, as a
    /// registry's API takes it (<see cref="PutManifestAsync"/>): a registry would serve manifest bytes uploaded as a
    /// blob as the manifest itself, before checking that its children are there.
    /// </summary>
    bool ManifestsAreBlobs => true;

    /// <summary>
    /// Writes a manifest into the repository in one step, its children being there already: its bytes, verified
    /// against <paramref name="manifest"/>'s digest, and its link. Returns the bytes written, or 0 when the region held them.
    /// </summary>
    async Task<long> PutManifestAsync(RepositoryName repository, Descriptor manifest, byte[] content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(content);
        long written = await WriteBlobAsync(repository, manifest.Digest, new MemoryStream(content, writable: false), content.Length, cancellationToken).ConfigureAwait(false);
        await LinkManifestAsync(repository, manifest.Digest, cancellationToken).ConfigureAwait(false);
        return written;
    }

    /// <summary>Links a manifest revision into a repository (<c>_manifests/revisions</c>).</summary>
    Task LinkManifestAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default);

    /// <summary>True when the repository links the manifest revision.</summary>
    Task<bool> HasManifestLinkAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default);

    /// <summary>The digest a tag points at, or null when the tag does not exist.</summary>
    Task<Digest?> ReadTagAsync(RepositoryName repository, Tag tag, CancellationToken cancellationToken = default);

    /// <summary>Points a tag at a manifest: writes the tag's <c>index</c> entry, then <c>current/link</c> last.</summary>
    Task SetTagAsync(RepositoryName repository, Tag tag, Digest digest, CancellationToken cancellationToken = default);

    /// <summary>Removes a tag (its whole <c>tags/&lt;tag&gt;</c> folder). No-op when absent.</summary>
    Task DeleteTagAsync(RepositoryName repository, Tag tag, CancellationToken cancellationToken = default);

    /// <summary>Removes a manifest revision link. Blob data stays for the registry's garbage collection. No-op when absent.</summary>
    Task DeleteManifestLinkAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default);

    /// <summary>Every repository in the store (for reconciliation).</summary>
    IAsyncEnumerable<RepositoryName> ListRepositoriesAsync(CancellationToken cancellationToken = default);

    /// <summary>Every tag of a repository (for reconciliation).</summary>
    IAsyncEnumerable<Tag> ListTagsAsync(RepositoryName repository, CancellationToken cancellationToken = default);

    /// <summary>Every manifest revision a repository links (to find referrers by their <c>subject</c>).</summary>
    IAsyncEnumerable<Digest> ListManifestRevisionsAsync(RepositoryName repository, CancellationToken cancellationToken = default);
}
