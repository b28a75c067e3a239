using System.Collections.Concurrent;
using GeoSync.Persistence;

namespace GeoSync.Grains.Tests.Grains;

/// <summary>Counts reads and writes of grain state per grain (a fresh activation reads its state once).</summary>
public sealed class CountingGrainStateStore(IGrainStateStore inner) : IGrainStateStore
{
    private readonly ConcurrentDictionary<(string Type, string Key), int> _reads = new();
    private readonly ConcurrentDictionary<(string Type, string Key), int> _writes = new();

    public int Reads(string grainType, string grainKey) => _reads.GetValueOrDefault((grainType, grainKey));

    public int Writes(string grainType, string grainKey) => _writes.GetValueOrDefault((grainType, grainKey));

    public Task<StoredGrainState?> ReadAsync(string grainType, string grainKey, CancellationToken cancellationToken = default)
    {
        _reads.AddOrUpdate((grainType, grainKey), 1, (_, n) => n + 1);
        return inner.ReadAsync(grainType, grainKey, cancellationToken);
    }

    public async Task<string> WriteAsync(string grainType, string grainKey, string payload, string? expectedETag, CancellationToken cancellationToken = default)
    {
        string etag = await inner.WriteAsync(grainType, grainKey, payload, expectedETag, cancellationToken);
        _writes.AddOrUpdate((grainType, grainKey), 1, (_, n) => n + 1);
        return etag;
    }

    public Task ClearAsync(string grainType, string grainKey, string? expectedETag, CancellationToken cancellationToken = default) =>
        inner.ClearAsync(grainType, grainKey, expectedETag, cancellationToken);

    public Task<IReadOnlyList<string>> ListKeysAsync(string grainType, CancellationToken cancellationToken = default) =>
        inner.ListKeysAsync(grainType, cancellationToken);
}
