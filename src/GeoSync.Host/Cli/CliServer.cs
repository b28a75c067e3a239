using System.CommandLine;
using GeoSync.Domain.Topology;

namespace GeoSync.Host.Cli;

/// <summary>The <c>--server</c> option shared by the commands that talk to a running engine.</summary>
internal static class CliServer
{
    public static Option<string?> Option(bool recursive = false) => new("--server")
    {
        Description = "The engine's URL (default: the topology's engine.listen).",
        Recursive = recursive,
    };

    /// <summary>The engine's base address: <c>--server</c>, else the topology's <c>engine.listen</c>; null (with the reason on <paramref name="error"/>) when it is not a URL.</summary>
    public static async Task<Uri?> ResolveAsync(ParseResult parse, Option<string?> option, RegionTopology topology, TextWriter error)
    {
        string server = parse.GetValue(option) ?? topology.Engine.Listen;
        if (Uri.TryCreate(server.TrimEnd('/') + "/", UriKind.Absolute, out Uri? baseAddress) && baseAddress.Scheme is "http" or "https")
        {
            return baseAddress;
        }

        await error.WriteLineAsync($"--server '{server}' is not an absolute http(s) URL").ConfigureAwait(false);
        return null;
    }
}
