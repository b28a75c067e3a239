namespace GeoSync.Grains.Repositories;

/// <summary>What a resync did to a repository's state, without I/O: the count the resync command reports.</summary>
public static class ResyncChanges
{
    /// <summary>
    /// The tags <see cref="RepositoryReconciler"/> decided or planned again: their records were replaced, while an
    /// untouched tag keeps its record instance, so identity tells them apart.
    /// </summary>
    public static int Count(RepositoryState before, RepositoryState after) =>
        after.Tags.Count(t => !before.Tags.TryGetValue(t.Key, out TagRecord? old) || !ReferenceEquals(old, t.Value));
}
