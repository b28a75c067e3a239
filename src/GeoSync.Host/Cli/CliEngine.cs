using System.CommandLine;
using GeoSync.Domain.Topology;

namespace GeoSync.Host.Cli;

/// <summary>
/// How a CLI command reaches a running engine: its base address, the status token to present, and the topology
/// they came from. Everything is read and checked before the first request.
/// </summary>
internal sealed record CliEngine(Uri BaseAddress, string? StatusToken, RegionTopology Topology)
{
    /// <summary>The engine named by <c>--server</c> and <c>--topology</c>; null when either cannot be used (reported on <paramref name="error"/>).</summary>
    public static async Task<CliEngine?> ResolveAsync(
        ParseResult parse, Option<string?> serverOption, Option<string> topologyOption, TextWriter error, CancellationToken cancellationToken)
    {
        RegionTopology? topology = await CliTopology.LoadAsync(parse.GetValue(topologyOption), error, cancellationToken).ConfigureAwait(false);
        if (topology is null)
        {
            return null;
        }

        if (await CliServer.ResolveAsync(parse, serverOption, topology, error).ConfigureAwait(false) is not Uri baseAddress)
        {
            return null;
        }

        var problems = new List<string>();
        string? token = topology.Engine.StatusToken is { } reference
            ? CliSecrets.TryResolve(new SecretResolver(Path.GetDirectoryName(Path.GetFullPath(topology.File))), "engine statusToken", reference, problems)
            : null;
        return await CliSecrets.ReportAsync(topology, problems, error).ConfigureAwait(false) ? new CliEngine(baseAddress, token, topology) : null;
    }
}
