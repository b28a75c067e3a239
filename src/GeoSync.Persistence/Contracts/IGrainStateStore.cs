namespace GeoSync.Persistence;

/// <summary>A grain's persisted state: its serialized record and the ETag that guards the next write.</summary>
/// <param name="Payload">The state record as JSON.</param>
/// <param name="ETag">Opaque version; the next write must present it.</param>
public sealed record StoredGrainState(string Payload, string ETag);

/// <summary>
/// Grain state storage with optimistic concurrency, as Orleans' ADO.NET grain storage provides it: a write
/// presents the ETag it read and fails with <see cref="InconsistentStateException"/> when the stored one differs,
/// so a duplicate activation can never overwrite newer state.
/// </summary>
public interface IGrainStateStore
{
    /// <summary>The state of a grain, or null when it was never written.</summary>
    Task<StoredGrainState?> ReadAsync(string grainType, string grainKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a grain's state when the stored ETag equals <paramref name="expectedETag"/> (null: the state must not
    /// exist yet). Returns the new ETag, a fresh opaque value. A mismatch throws <see cref="InconsistentStateException"/>
    /// and writes nothing.
    /// </summary>
    Task<string> WriteAsync(string grainType, string grainKey, string payload, string? expectedETag, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a grain's state when the stored ETag equals <paramref name="expectedETag"/> (as Orleans'
    /// <c>ClearStateAsync</c>); with null, succeeds only when there is no state. A mismatch throws
    /// <see cref="InconsistentStateException"/>. After a clear, the next write presents null.
    /// </summary>
    Task ClearAsync(string grainType, string grainKey, string? expectedETag, CancellationToken cancellationToken = default);
}

/// <summary>A state write presented an ETag that is no longer current: another activation wrote first.</summary>
public sealed class InconsistentStateException(string grainType, string grainKey, string? expectedETag, string? storedETag)
    : Exception($"grain {grainType}/{grainKey}: state write expected ETag '{expectedETag ?? "(none)"}' but the store holds '{storedETag ?? "(none)"}'")
{
    public string GrainType { get; } = grainType;

    public string GrainKey { get; } = grainKey;

    /// <summary>The ETag the writer presented (null: it expected no state).</summary>
    public string? ExpectedETag { get; } = expectedETag;

    /// <summary>The ETag found in the store (null: no state).</summary>
    public string? StoredETag { get; } = storedETag;
}
