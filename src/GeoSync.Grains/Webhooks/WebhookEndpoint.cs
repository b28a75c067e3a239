namespace GeoSync.Grains.Webhooks;

/// <summary>
/// A deploy-webhook endpoint of a region, as the webhook component needs it (the topology's webhook, adapted).
/// </summary>
/// <param name="Name">Unique within its region; stored with each delivery instead of the URL.</param>
/// <param name="Url">Where deliveries are posted. May hold credentials, so it is never logged or stored.</param>
/// <param name="Secrets">Secret references (<c>env:NAME</c>, <c>file:PATH</c>); every one signs (rotation).</param>
/// <param name="MaxAge">How long a delivery is retried before it is Expired.</param>
/// <param name="Timeout">Time allowed for one attempt.</param>
/// <param name="Filter">Which (repository, tag) the endpoint wants (tag null for a delete by digest); null: all.</param>
public sealed record WebhookEndpoint(
    string Name,
    Uri Url,
    IReadOnlyList<string> Secrets,
    TimeSpan MaxAge,
    TimeSpan Timeout,
    Func<string, string?, bool>? Filter = null)
{
    /// <summary>True when the endpoint wants events about <paramref name="repository"/> and <paramref name="tag"/>.</summary>
    public bool Matches(string repository, string? tag) => Filter?.Invoke(repository, tag) ?? true;
}

/// <summary>A region as deploy webhooks see it: its registry domains (for the payload) and its endpoints.</summary>
/// <param name="Name">The region's name.</param>
/// <param name="PublicDomain">Registry host clients pull from over the internet, or null.</param>
/// <param name="VpcDomain">Registry host clients pull from inside the region's private network, or null.</param>
/// <param name="Endpoints">The region's webhook endpoints.</param>
public sealed record WebhookRegion(string Name, string? PublicDomain, string? VpcDomain, IReadOnlyList<WebhookEndpoint> Endpoints)
{
    /// <summary>The endpoint named <paramref name="endpoint"/>, or null when the region has none of that name.</summary>
    public WebhookEndpoint? FindEndpoint(string endpoint) => Endpoints.FirstOrDefault(e => e.Name == endpoint);
}

/// <summary>
/// Where the webhook component reads regions and endpoints from: asked at each enqueue and each attempt, so a
/// reloaded topology (a new URL, a rotated secret) applies to deliveries already queued.
/// </summary>
public interface IWebhookEndpointSource
{
    /// <summary>The region named <paramref name="region"/>, or null when the topology has no such region.</summary>
    WebhookRegion? FindRegion(string region);
}

/// <summary>A fixed set of regions (tests, and hosts that configure endpoints without a topology file).</summary>
public sealed class StaticWebhookEndpointSource(IEnumerable<WebhookRegion> regions) : IWebhookEndpointSource
{
    private readonly Dictionary<string, WebhookRegion> _regions = regions.ToDictionary(r => r.Name, StringComparer.Ordinal);

    public WebhookRegion? FindRegion(string region) => _regions.GetValueOrDefault(region);
}
