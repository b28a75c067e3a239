namespace GeoSync.Domain.Topology;

/// <summary>
/// One region: its blob store, its registry, its deploy webhooks and limits. <see cref="Priority"/> breaks ties
/// between pushes of the same tag with the same registry timestamp: the lower number wins.
/// </summary>
public sealed record Region(
    string Name,
    int Priority,
    StoreSettings Store,
    RegistrySettings Registry,
    IReadOnlyList<Webhook> Webhooks,
    RegionLimits Limits)
{
    /// <summary>The webhooks that fire for <paramref name="repository"/> and <paramref name="tag"/>, in file order.</summary>
    public IReadOnlyList<Webhook> WebhooksFor(string repository, string? tag) =>
        Webhooks.Where(w => w.Matches(repository, tag)).ToArray();

    /// <summary>The webhooks that ask for a referrer stored under <paramref name="tag"/> (see <see cref="Webhook.MatchesReferrer"/>).</summary>
    public IReadOnlyList<Webhook> WebhooksForReferrer(string repository, string tag) =>
        Webhooks.Where(w => w.MatchesReferrer(repository, tag)).ToArray();
}

/// <summary>
/// The region's registry: the host names clients use (public and private/VPC), the registry's own endpoints, the
/// bearer token its notifications carry, which authenticates the region as an event source, and the cloud's identity
/// of the registry instance, which deploy webhooks pass on.
/// </summary>
public sealed record RegistrySettings(RegistryDomains Domains, RegistryEndpoints Endpoints, SecretReference? NotificationToken, RegistryInstance? Instance = null)
{
    /// <summary>A region whose registry the topology says nothing about (it cannot be an event source).</summary>
    public static RegistrySettings None { get; } = new(new RegistryDomains(null, null), new RegistryEndpoints(null, null), null);
}

/// <summary>Registry host names (<c>host</c> or <c>host:port</c>), as clients pull from them.</summary>
public sealed record RegistryDomains(string? Public, string? Vpc)
{
    /// <summary>The domain <paramref name="network"/> names, or null when the region has none there.</summary>
    public string? Of(RegistryNetwork network) => network == RegistryNetwork.Vpc ? Vpc : Public;
}

/// <summary>The network path a client pulls over: the registry's public domain or its private (VPC) one.</summary>
public enum RegistryNetwork
{
    Public,
    Vpc,
}

/// <summary>
/// The registry instance as its cloud names it (for example an ACR Enterprise instance: <c>cri-…</c>, its name and
/// <c>cn-hangzhou</c>): serverless pods and container groups name it to pull without a password.
/// </summary>
public sealed record RegistryInstance(string Id, string? Name, string? CloudRegion);

/// <summary>Registry base URLs (http or https).</summary>
public sealed record RegistryEndpoints(Uri? Public, Uri? Vpc);
