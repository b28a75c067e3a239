namespace GeoSync.Grains.Replication;

/// <summary>Whether the gates holding a region are open: each needs a referrer of its artifact type in the region.</summary>
public static class GateCheck
{
    /// <summary>The artifact types of <paramref name="gates"/> that no referrer in <paramref name="found"/> has.</summary>
    public static IReadOnlyList<string> Missing(IReadOnlyList<string> gates, IReadOnlyList<Referrer> found) =>
        [.. gates.Where(type => !found.Any(r => r.ArtifactType == type))];

    /// <summary>What a region held by <paramref name="missing"/> waits for, as status shows it.</summary>
    public static string Describe(IReadOnlyList<string> missing) =>
        $"waiting for a referrer of artifact type {string.Join(" and ", missing)}";
}
