namespace GeoSync.Persistence;

/// <summary>Progress of one blob transfer into one region.</summary>
/// <param name="Region">The target region.</param>
/// <param name="Digest">The blob, <c>sha256:&lt;hex&gt;</c>.</param>
/// <param name="SourceRegion">Where the bytes come from.</param>
/// <param name="Size">The blob's size.</param>
/// <param name="BytesDone">Bytes already transferred (and, for block uploads, staged).</param>
/// <param name="State">Copying, Completed or Failed.</param>
/// <param name="Attempts">How many attempts were made.</param>
/// <param name="LastError">The last failure, without secrets.</param>
/// <param name="UpdatedAt">When this row last changed.</param>
public sealed record TransferCheckpoint(
    string Region,
    string Digest,
    string SourceRegion,
    long Size,
    long BytesDone,
    string State,
    int Attempts,
    string? LastError,
    DateTimeOffset UpdatedAt);

/// <summary>Transfer checkpoints: what a restarted engine resumes and what status reports as Copying.</summary>
public interface ITransferCheckpointStore
{
    /// <summary>Creates or replaces the checkpoint of (region, digest).</summary>
    Task UpsertAsync(TransferCheckpoint checkpoint, CancellationToken cancellationToken = default);

    /// <summary>The checkpoint of (region, digest), or null.</summary>
    Task<TransferCheckpoint?> GetAsync(string region, string digest, CancellationToken cancellationToken = default);

    /// <summary>Checkpoints of one region (every region when null), by region and digest.</summary>
    Task<IReadOnlyList<TransferCheckpoint>> ListAsync(string? region = null, CancellationToken cancellationToken = default);

    /// <summary>Removes the checkpoint of (region, digest); no-op when absent.</summary>
    Task DeleteAsync(string region, string digest, CancellationToken cancellationToken = default);
}
