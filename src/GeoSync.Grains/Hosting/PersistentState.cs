using System.Text.Json;
using System.Text.Json.Serialization;
using GeoSync.Domain.Content;
using GeoSync.Persistence;

namespace GeoSync.Grains.Hosting;

/// <summary>
/// A grain's state record, persisted as JSON with an ETag (Orleans' <c>IPersistentState&lt;T&gt;</c>). A write
/// with a stale ETag fails with <see cref="InconsistentStateException"/>, so a duplicate activation can never
/// overwrite newer state.
/// </summary>
public sealed class PersistentState<TState>
    where TState : class
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(), new DigestJsonConverter() },
    };

    private readonly IGrainStateStore _store;
    private readonly string _grainType;
    private readonly string _key;
    private readonly Func<TState> _initial;

    internal PersistentState(IGrainStateStore store, string grainType, string key, Func<TState> initial)
    {
        _store = store;
        _grainType = grainType;
        _key = key;
        _initial = initial;
        State = initial();
    }

    /// <summary>The current state record; replace it (records are changed with <c>with</c>), then write.</summary>
    public TState State { get; set; }

    /// <summary>The ETag of the stored state, null when never written.</summary>
    public string? ETag { get; private set; }

    /// <summary>Loads the stored state, or the initial state when none was written.</summary>
    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        StoredGrainState? stored = await _store.ReadAsync(_grainType, _key, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            State = _initial();
            ETag = null;
            return;
        }

        State = JsonSerializer.Deserialize<TState>(stored.Payload, Json)
            ?? throw new InvalidDataException($"grain {_grainType}/{_key}: stored state is null");
        ETag = stored.ETag;
    }

    /// <summary>Writes <see cref="State"/>, presenting the ETag read or last written.</summary>
    public async Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        string payload = JsonSerializer.Serialize(State, Json);
        ETag = await _store.WriteAsync(_grainType, _key, payload, ETag, cancellationToken).ConfigureAwait(false);
    }
}
