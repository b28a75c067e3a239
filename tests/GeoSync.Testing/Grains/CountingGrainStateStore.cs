using System.Collections.Concurrent;
using GeoSync.Persistence;

namespace GeoSync.Testing;

/// <summary>
/// Counts grain state reads and writes per grain (a fresh activation reads its state once) and can hold a grain's
/// writes failing (a database that refuses them).
/// </summary>
public sealed class CountingGrainStateStore(IGrainStateStore inner) : IGrainStateStore
{
    private readonly ConcurrentDictionary<(string Type, string Key), int> _writes = new();
    private readonly ConcurrentDictionary<(string Type, string Key), int> _reads = new();
    private readonly ConcurrentDictionary<(string Type, string Key), bool> _failing = new();
    private int _refused;

    /// <summary>Successful writes of one grain's state so far.</summary>
    public int Writes(string grainType, string grainKey) => _writes.GetValueOrDefault((grainType, grainKey));

    /// <summary>Writes refused so far because they were set to fail.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>While set, every write of this grain's state throws (nothing is written).</summary>
    public void FailWrites(string grainType, string grainKey, bool failing) => _failing[(grainType, grainKey)] = failing;

    /// <summary>Reads of one grain's state so far.</summary>
    public int Reads(string grainType, string grainKey) => _reads.GetValueOrDefault((grainType, grainKey));

    public Task<StoredGrainState?> ReadAsync(string grainType, string grainKey, CancellationToken cancellationToken = default)
    {
        _reads.AddOrUpdate((grainType, grainKey), 1, (_, n) => n + 1);
        return inner.ReadAsync(grainType, grainKey, cancellationToken);
    }

    public async Task<string> WriteAsync(string grainType, string grainKey, string payload, string? expectedETag, CancellationToken cancellationToken = default)
    {
        if (_failing.GetValueOrDefault((grainType, grainKey)))
        {
            Interlocked.Increment(ref _refused);
            throw new IOException($"injected: state writes of {grainType}/{grainKey} fail");
        }

        string etag = await inner.WriteAsync(grainType, grainKey, payload, expectedETag, cancellationToken).ConfigureAwait(false);
        _writes.AddOrUpdate((grainType, grainKey), 1, (_, n) => n + 1);
        return etag;
    }

    public Task ClearAsync(string grainType, string grainKey, string? expectedETag, CancellationToken cancellationToken = default) =>
        inner.ClearAsync(grainType, grainKey, expectedETag, cancellationToken);

}
