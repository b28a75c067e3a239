using GeoSync.Domain.Topology;

namespace GeoSync.Host.Cli;

/// <summary>The status token a CLI command presents: the topology's <c>engine.statusToken</c> reference, resolved.</summary>
internal static class CliStatusToken
{
    public static string? Resolve(RegionTopology topology) =>
        topology.Engine.StatusToken is { } reference
            ? new SecretResolver(Path.GetDirectoryName(Path.GetFullPath(topology.File))).Resolve(reference)
            : null;
}
