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
        new(repository, state.LastSequence, JsonSerializer.Serialize(state, GrainJson.Options), now) { Unfinished = state.HasUnfinishedWork, States = StatesOf(state) };

    /// <summary>Every state a region of the repository is in, for its tags and its deletions.</summary>
    public static RepositoryStates StatesOf(RepositoryState state) =>
        state.Tags.Values.SelectMany(t => t.Regions.Values)
            .Concat(state.Deletions.Values.SelectMany(d => d.Regions.Values))
            .Aggregate(RepositoryStates.None, (states, record) => states | (RepositoryStates)(1 << (int)record.State));

    /// <summary>The state a row holds.</summary>
    public static RepositoryState Read(RepositoryStatusRow row) =>
        JsonSerializer.Deserialize<RepositoryState>(row.Document, GrainJson.Options)
        ?? throw new FormatException($"the status of '{row.Repository}' is not a repository state");
}
