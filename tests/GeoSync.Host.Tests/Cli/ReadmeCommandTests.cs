using GeoSync.Testing.Registry;

namespace GeoSync.Host.Tests.Cli;

/// <summary>The README's "Running it for real" commands work as written, run by a shell from the repository root.</summary>
public sealed class ReadmeCommandTests
{
    private static readonly Dictionary<string, string> Environment = new() { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" };

    [Fact]
    public async Task DotnetRunTopologyValidate_FromRepositoryRoot_ReadsTheCallersRelativePathsAndSkipsTheSchema()
    {
        // The README's line, with the tests' configuration and no second build; the shell expands the glob.
        const string command = "dotnet run --project src/GeoSync.Host -c Release --no-build -- topology validate appsettings.regions.json topology/*.json";

        string output = await ExternalProcess.RunAsync("bash", ["-c", command], Environment, TopologyCliFiles.RepositoryRoot);

        Assert.Contains("appsettings.regions.json: 3 regions", output, StringComparison.Ordinal);
        Assert.Contains("topology/webhooks-and-gate.json: ", output, StringComparison.Ordinal);
        Assert.Contains("topology/topology.schema.json: a JSON Schema, not a topology: skipped", output, StringComparison.Ordinal);
    }
}
