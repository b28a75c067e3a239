using System.Text.Json;
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
    public static async Task<RegionTopology> LoadAsync(string path, CancellationToken cancellationToken = default) =>
        RegionTopology.Parse(path, await ReadAsync(path, cancellationToken).ConfigureAwait(false));

    /// <summary>The file's text; a file that cannot be read is reported with the full path tried.</summary>
    public static async Task<string> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new TopologyValidationException([new TopologyError(path, "$", $"cannot read {FullPath(path)}: {Reason(path, ex)}")]);
        }
    }

    /// <summary>
    /// True when <paramref name="text"/> is a JSON Schema (its <c>$schema</c> names a json-schema.org meta-schema),
    /// such as <c>topology/topology.schema.json</c>, which a glob over topology files also matches.
    /// </summary>
    public static bool IsJsonSchema(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("$schema", out JsonElement schema)
                && schema.ValueKind == JsonValueKind.String
                && Uri.TryCreate(schema.GetString(), UriKind.Absolute, out Uri? uri)
                && uri.Host == "json-schema.org";
        }
        catch (JsonException)
        {
            // Not JSON at all: the topology parser says so, naming the file.
            return false;
        }
    }

    private static string FullPath(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (ArgumentException)
        {
            return path;
        }
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
