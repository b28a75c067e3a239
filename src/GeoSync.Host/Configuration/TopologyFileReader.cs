using GeoSync.Domain.Topology;

namespace GeoSync.Host.Configuration;

/// <summary>
/// Reads a topology file from disk and validates it. A file that cannot be read is reported the same way as an
/// invalid one: a <see cref="TopologyValidationException"/> whose error names the file.
/// </summary>
public static class TopologyFileReader
{
    /// <summary>The embedded default topology's file name, at the repository root and next to the executable.</summary>
    public const string DefaultFileName = "appsettings.regions.json";

    /// <summary>Reads and validates <paramref name="path"/>; errors name the path as given.</summary>
    public static async Task<RegionTopology> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new TopologyValidationException([new TopologyError(path, "$", $"cannot read the file: {Reason(path, ex)}")]);
        }

        return RegionTopology.Parse(path, text);
    }

    private static string Reason(string path, Exception ex) => ex switch
    {
        _ when Directory.Exists(path) => "it is a directory",
        FileNotFoundException => "file not found",
        DirectoryNotFoundException => "directory not found",
        UnauthorizedAccessException => "permission denied",
        _ => ex.Message,
    };
}
