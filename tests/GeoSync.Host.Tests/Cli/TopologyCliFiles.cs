using System.Text.Json.Nodes;

namespace GeoSync.Host.Tests.Cli;

/// <summary>The shipped topology files (found by walking up to GeoSync.sln), and broken variants of the default one.</summary>
internal static class TopologyCliFiles
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string DefaultTopology => Path.Combine(RepositoryRoot, "appsettings.regions.json");

    /// <summary>appsettings.regions.json and every topology/*.json except the schema.</summary>
    public static IReadOnlyList<string> Shipped() =>
    [
        DefaultTopology,
        .. Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "topology"), "*.json")
            .Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>The default topology with <paramref name="edit"/> applied.</summary>
    public static string DefaultWith(Action<JsonObject> edit)
    {
        JsonObject root = JsonNode.Parse(File.ReadAllText(DefaultTopology))!.AsObject();
        edit(root);
        return root.ToJsonString();
    }

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
