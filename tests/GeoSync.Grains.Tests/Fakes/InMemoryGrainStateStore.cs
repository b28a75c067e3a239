using System.Collections.Concurrent;
using GeoSync.Persistence;

namespace GeoSync.Grains.Tests.Fakes;

/// <summary>Grain state in memory with the same ETag semantics as the SQL stores; for unit tests of grain logic.</summary>
public sealed class InMemoryGrainStateStore : IGrainStateStore
{
    private readonly ConcurrentDictionary<(string, string), StoredGrainState> _states = new();
    private readonly Lock _gate = new();

    public int Writes { get; private set; }

    public Task<StoredGrainState?> ReadAsync(string grainType, string grainKey, CancellationToken cancellationToken = default) =>
        Task.FromResult(_states.GetValueOrDefault((grainType, grainKey)));

    public Task<string> WriteAsync(string grainType, string grainKey, string payload, string? expectedETag, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            StoredGrainState? current = _states.GetValueOrDefault((grainType, grainKey));
            if (current?.ETag != expectedETag)
            {
                throw new InconsistentStateException(grainType, grainKey, expectedETag, current?.ETag);
            }

            string etag = Guid.NewGuid().ToString("N");
            _states[(grainType, grainKey)] = new StoredGrainState(payload, etag);
            Writes++;
            return Task.FromResult(etag);
        }
    }

    public Task ClearAsync(string grainType, string grainKey, string? expectedETag, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            StoredGrainState? current = _states.GetValueOrDefault((grainType, grainKey));
            if (current?.ETag != expectedETag)
            {
                throw new InconsistentStateException(grainType, grainKey, expectedETag, current?.ETag);
            }

            _states.TryRemove((grainType, grainKey), out _);
            return Task.CompletedTask;
        }
    }

    public Task<IReadOnlyList<string>> ListKeysAsync(string grainType, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. _states.Keys.Where(k => k.Item1 == grainType).Select(k => k.Item2).Order(StringComparer.Ordinal)]);
}
