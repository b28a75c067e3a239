using System.CommandLine;
using GeoSync.Domain.Topology;
using GeoSync.Host.Client;

namespace GeoSync.Host.Cli;

/// <summary>
/// How a CLI command reaches a running engine: its base address, the status token to present, and the topology
/// they came from (none when <c>--server</c> is given without <c>--topology</c>). Everything is read and checked
/// before the first request.
/// </summary>
internal sealed record CliEngine(Uri BaseAddress, string? StatusToken, RegionTopology? Topology)
{
    /// <summary>The engine named by <c>--server</c> and <c>--topology</c>; null when either cannot be used (reported on <paramref name="error"/>).</summary>
    public static async Task<CliEngine?> ResolveAsync(
        ParseResult parse, Option<string?> serverOption, Option<string> topologyOption, TextWriter error, CancellationToken cancellationToken)
    {
        string? server = parse.GetValue(serverOption);
        string? topologyPath = parse.GetValue(topologyOption);
        if (server is not null && topologyPath is null)
        {
            // An engine named by URL needs no topology file: a remote operator may not hold one.
            return await CliServer.ResolveAsync(server, error).ConfigureAwait(false) is Uri address ? new CliEngine(address, null, null) : null;
        }

        RegionTopology? topology = await CliTopology.LoadAsync(topologyPath, error, cancellationToken).ConfigureAwait(false);
        if (topology is null || await CliServer.ResolveAsync(server ?? topology.Engine.Listen, error).ConfigureAwait(false) is not Uri baseAddress)
        {
            return null;
        }

        var problems = new List<string>();
        string? token = topology.Engine.StatusToken is { } reference
            ? CliSecrets.TryResolve(new SecretResolver(Path.GetDirectoryName(Path.GetFullPath(topology.File))), "engine statusToken", reference, problems)
            : null;
        return await CliSecrets.ReportAsync(topology, problems, error).ConfigureAwait(false) ? new CliEngine(baseAddress, token, topology) : null;
    }

    /// <summary>Why a request to the engine failed, for the operator: a refused status token says where one comes from.</summary>
    public string Failure(Exception exception) => exception switch
    {
        GeoSyncApiException { Status: 401 } when Topology is null =>
            $"the engine at {BaseAddress} requires a status token: add --topology with the file whose engine.statusToken references it",
        GeoSyncApiException { Status: 401 } =>
            $"the engine at {BaseAddress} refused the status token of {Topology.File} (engine.statusToken)",
        _ => $"the engine at {BaseAddress} did not answer: {TerminalText.Plain(exception.Message)}",
    };
}
