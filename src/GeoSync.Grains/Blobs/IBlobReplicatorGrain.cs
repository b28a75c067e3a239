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
/// One grain per (target region, digest), keyed <c>region/sha256:hex</c>: whoever asks, at most one transfer of a
/// blob into a region runs at a time, cluster-wide, and every later caller finds the blob present. This is what makes
/// a blob cross into a region at most once however many repositories, tags, nodes and concurrent pushes need it.
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
    public static string For(string region, Digest digest) => $"{region}/{digest}";

    public static (string Region, Digest Digest) Parse(string key)
    {
        int slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash <= 0
            ? throw new FormatException($"blob replicator key '{key}' is not 'region/digest'")
            : (key[..slash], Digest.Parse(key[(slash + 1)..]));
    }
}
