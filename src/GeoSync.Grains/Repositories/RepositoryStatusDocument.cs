using System.Text.Json;
using GeoSync.Persistence;

namespace GeoSync.Grains.Repositories;

/// <summary>
/// The status a repository grain publishes (<see cref="IRepositoryStatusStore"/>): its state as the grain holds it,
/// in-flight copies included, in the grain JSON. Readers never call the grain.
/// </summary>
public static class RepositoryStatusDocument
{
    /// <summary>The row <paramref name="state"/> is published as.</summary>
    public static RepositoryStatusRow ToRow(string repository, RepositoryState state, DateTimeOffset now) =>
        new(repository, state.LastSequence, JsonSerializer.Serialize(state, GrainJson.Options), now) { Unfinished = state.HasUnfinishedWork };

    /// <summary>The state a row holds.</summary>
    public static RepositoryState Read(RepositoryStatusRow row) =>
        JsonSerializer.Deserialize<RepositoryState>(row.Document, GrainJson.Options)
        ?? throw new FormatException($"the status of '{row.Repository}' is not a repository state");
}
