using System.Text.Json;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace GeoSync.Persistence.Grains;

/// <summary>
/// Orleans grain storage over GeoSync's <see cref="IGrainStateStore"/>: the state of the embedded silo lives in the
/// engine's own database (one row per state name and grain key, readable JSON, an ETag per write) and is written
/// through the same single writer and group commit as the inbox.
/// </summary>
public sealed class StateStoreGrainStorage(IGrainStateStore store, JsonSerializerOptions json) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        StoredGrainState? stored = await store.ReadAsync(stateName, KeyOf(grainId)).ConfigureAwait(false);
        if (stored is null)
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.State = JsonSerializer.Deserialize<T>(stored.Payload, json)
            ?? throw new InvalidDataException($"grain {stateName}/{KeyOf(grainId)}: stored state is null");
        grainState.ETag = stored.ETag;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string payload = JsonSerializer.Serialize(grainState.State, json);
        try
        {
            grainState.ETag = await store.WriteAsync(stateName, KeyOf(grainId), payload, grainState.ETag).ConfigureAwait(false);
            grainState.RecordExists = true;
        }
        catch (Persistence.InconsistentStateException ex)
        {
            throw new Orleans.Storage.InconsistentStateException(ex.Message, ex.StoredETag, ex.ExpectedETag, ex);
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await store.ClearAsync(stateName, KeyOf(grainId), grainState.ETag).ConfigureAwait(false);
        }
        catch (Persistence.InconsistentStateException ex)
        {
            throw new Orleans.Storage.InconsistentStateException(ex.Message, ex.StoredETag, ex.ExpectedETag, ex);
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    /// <summary>The grain's own key (a repository name, <c>region/digest</c>), so rows read as what they hold.</summary>
    private static string KeyOf(GrainId grainId) => grainId.Key.ToString()!;
}
