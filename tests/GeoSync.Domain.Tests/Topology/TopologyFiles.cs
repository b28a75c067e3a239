namespace GeoSync.Domain.Tests.Topology;

/// <summary>The topology files shipped in the repository, found by walking up to GeoSync.sln.</summary>
internal static class TopologyFiles
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string DefaultTopology => Path.Combine(RepositoryRoot, "appsettings.regions.json");

    public static string Schema => Path.Combine(RepositoryRoot, "topology", "topology.schema.json");

    /// <summary>appsettings.regions.json and every topology/*.json except the schema.</summary>
    public static IEnumerable<string> Shipped() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "topology"), "*.json")
            .Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Prepend(DefaultTopology);

    private static string FindRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GeoSync.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"GeoSync.sln not found above {AppContext.BaseDirectory}");
    }
}
