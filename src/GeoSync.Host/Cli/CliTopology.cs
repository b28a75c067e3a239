using System.CommandLine;
using GeoSync.Domain.Topology;
using GeoSync.Host.Configuration;

namespace GeoSync.Host.Cli;

/// <summary>The <c>--topology</c> option shared by the commands that run or reach an engine.</summary>
internal static class CliTopology
{
    public static Option<string> Option() => new("--topology", "-t")
    {
        Description = "Topology file (default: appsettings.regions.json in the current directory or the nearest one above it, else next to geosync).",
    };

    /// <summary>Loads the topology; invalid files are reported on <paramref name="error"/> as FILE: PATH: reason.</summary>
    public static async Task<RegionTopology?> LoadAsync(string? path, TextWriter error, CancellationToken cancellationToken)
    {
        path ??= DefaultPath();
        try
        {
            return await TopologyFileReader.LoadAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (TopologyValidationException ex)
        {
            foreach (TopologyError e in ex.Errors)
            {
                await error.WriteLineAsync(TerminalText.Plain(e.ToString())).ConfigureAwait(false);
            }

            return null;
        }
    }

    private static string DefaultPath()
    {
        // From any folder of the repository (src/GeoSync.Host, topology/) the repository's default is found above it.
        for (DirectoryInfo? directory = new(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, TopologyFileReader.DefaultFileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.Combine(AppContext.BaseDirectory, TopologyFileReader.DefaultFileName);
    }
}
