using GeoSync.Domain.Topology;

namespace GeoSync.Webhooks;

/// <summary>
/// Where the webhook component reads regions and their webhooks from. Asked at each enqueue and each attempt, so a
/// reloaded topology (a new URL, a rotated secret reference) applies to deliveries already queued.
/// </summary>
public interface IWebhookEndpointSource
{
    /// <summary>The region named <paramref name="region"/>, or null when the topology has no such region.</summary>
    Region? FindRegion(string region);

    /// <summary>The webhook named <paramref name="webhook"/> of <paramref name="region"/>, or null.</summary>
    Webhook? FindWebhook(string region, string webhook) =>
        FindRegion(region)?.Webhooks.FirstOrDefault(w => string.Equals(w.Name, webhook, StringComparison.Ordinal));
}

/// <summary>The regions of the current topology (<paramref name="current"/> is asked every time, so reloads apply).</summary>
public sealed class TopologyWebhookEndpointSource(Func<RegionTopology> current) : IWebhookEndpointSource
{
    public Region? FindRegion(string region) => current().TryGetRegion(region, out Region? found) ? found : null;
}

/// <summary>A fixed set of regions (tests, and hosts that configure webhooks without a topology file).</summary>
public sealed class StaticWebhookEndpointSource(IEnumerable<Region> regions) : IWebhookEndpointSource
{
    private readonly Dictionary<string, Region> _regions = regions.ToDictionary(r => r.Name, StringComparer.Ordinal);

    public Region? FindRegion(string region) => _regions.GetValueOrDefault(region);
}
