using System.CommandLine;

namespace GeoSync.Host.Cli;

/// <summary>The <c>--server</c> option shared by the commands that talk to a running engine.</summary>
internal static class CliServer
{
    public static Option<string?> Option(bool recursive = false) => new("--server")
    {
        Description = "The engine's URL (default: the topology's engine.listen). With --server and no --topology, no topology file is read.",
        Recursive = recursive,
    };

    /// <summary>The engine's base address; null (with the reason on <paramref name="error"/>) when <paramref name="server"/> is not an http(s) URL.</summary>
    public static async Task<Uri?> ResolveAsync(string server, TextWriter error)
    {
        if (Uri.TryCreate(server.TrimEnd('/') + "/", UriKind.Absolute, out Uri? baseAddress) && baseAddress.Scheme is "http" or "https")
        {
            return baseAddress;
        }

        await error.WriteLineAsync($"--server '{TerminalText.Plain(server)}' is not an absolute http(s) URL").ConfigureAwait(false);
        return null;
    }
}
