using GeoSync.Domain.Content;

namespace GeoSync.Grains.Blobs;

/// <summary>How a blob got into a region.</summary>
public enum BlobTransferMode
{
    /// <summary>The region already held it: nothing crossed.</summary>
    AlreadyPresent,

    /// <summary>The service copied it between stores; the bytes did not pass through GeoSync.</summary>
    ServerSide,

    /// <summary>GeoSync streamed it, verifying the digest on the way.</summary>
    Streamed,

    /// <summary>The transfer is still running: ask again.</summary>
    InProgress,
}

/// <summary>A request to make one region hold one blob.</summary>
/// <param name="Digest">The blob.</param>
/// <param name="Size">Its size.</param>
/// <param name="Repository">
/// The repository the blob is needed for: it is read from there in the source region and, where a registry holds the
/// region, uploaded into it there (a registry takes and serves blobs only through repositories).
/// </param>
/// <param name="KnownSources">Regions known to hold it (the push's source); cheaper holders are looked for too.</param>
[Immutable]
public sealed record BlobTransferRequest(Digest Digest, long Size, string Repository, IReadOnlyList<string> KnownSources);

/// <summary>What a transfer did.</summary>
[Immutable]
public sealed record BlobTransferResult(Digest Digest, long BytesWritten, BlobTransferMode Mode, string? SourceRegion);

/// <summary>
/// One grain per (target region, digest bucket), keyed <c>region/xx</c> with the digest's first two hex digits, and
/// one transfer per digest inside it: whoever asks, at most one transfer of a blob into a region runs at a time,
/// cluster-wide, and every later caller finds the blob present. This is what makes a blob cross into a region at most
/// once however many repositories, tags, nodes and concurrent pushes need it. Buckets rather than a grain per digest:
/// a push's new blobs meet warm activations, and a region holds at most 256 of them however many blobs cross.
/// </summary>
public interface IBlobReplicatorGrain : IGrainWithStringKey
{
    /// <summary>
    /// Ensures the region holds the blob, copying it from the cheapest region that has it. A copy that outlasts one
    /// call is reported as <see cref="BlobTransferMode.InProgress"/>; the caller asks again.
    /// </summary>
    Task<BlobTransferResult> EnsureAsync(BlobTransferRequest request);
}

/// <summary>Builds and reads <see cref="IBlobReplicatorGrain"/> keys.</summary>
public static class BlobReplicatorKey
{
    private const int BucketDigits = 2;

    /// <summary>The key of the grain that carries <paramref name="digest"/> into <paramref name="region"/>.</summary>
    public static string For(string region, Digest digest) => $"{region}/{digest.Hex[..BucketDigits]}";

    /// <summary>The region of a key.</summary>
    public static string RegionOf(string key)
    {
        int slash = key.LastIndexOf('/');
        return slash <= 0 || key.Length - slash - 1 != BucketDigits
            ? throw new FormatException($"blob replicator key '{key}' is not 'region/bucket'")
            : key[..slash];
    }
}
