using GeoSync.Domain.Events;

namespace GeoSync.Domain.Topology;

/// <summary>
/// The registry host names each region lists (its public and VPC domains and its endpoints' hosts), to tell which
/// region an event's request host or source address names. A name two regions list names neither.
/// </summary>
public sealed class RegistryHosts
{
    private readonly Dictionary<string, string?> _regionOf = new(StringComparer.OrdinalIgnoreCase);

    public RegistryHosts(RegionTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        foreach (Region region in topology.Regions)
        {
            RegistrySettings registry = region.Registry;
            string?[] names = [registry.Domains.Public, registry.Domains.Vpc, registry.Endpoints.Public?.Authority, registry.Endpoints.Vpc?.Authority];
            foreach (string name in names.OfType<string>().Select(Normalize).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                _regionOf[name] = _regionOf.TryGetValue(name, out string? listed) && listed != region.Name ? null : region.Name;
            }
        }
    }

    /// <summary>The region whose registry <paramref name="host"/> (<c>host</c> or <c>host:port</c>) names, or null.</summary>
    public string? RegionNamedBy(string? host)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            return null;
        }

        string name = Normalize(host);
        if (_regionOf.TryGetValue(name, out string? region))
        {
            return region;
        }

        // A listed domain without a port names its registry on any port.
        return Uri.TryCreate("registry://" + name, UriKind.Absolute, out Uri? uri) && !uri.IsDefaultPort && _regionOf.TryGetValue(uri.Host, out region)
            ? region
            : null;
    }

    /// <summary>
    /// The first event whose request host or source address names a region other than <paramref name="region"/>,
    /// the one its token authenticated, with that host and region; null when none does.
    /// </summary>
    public (RegistryEvent Event, string Host, string Region)? FindForeign(IEnumerable<RegistryEvent> events, string region)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (RegistryEvent e in events)
        {
            foreach (string? host in new[] { e.Request.Host, e.Source.Addr })
            {
                if (RegionNamedBy(host) is { } named && named != region)
                {
                    return (e, host!, named);
                }
            }
        }

        return null;
    }

    private static string Normalize(string host) => host.Trim().TrimEnd('.');
}
