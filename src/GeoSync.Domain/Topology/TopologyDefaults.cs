namespace GeoSync.Domain.Topology;

/// <summary>
/// The <c>defaults</c> section. Each value applies to every region, rule or webhook that does not set it itself;
/// the parsed <see cref="Region"/>, <see cref="Rule"/> and <see cref="Webhook"/> records already carry the result.
/// </summary>
public sealed record TopologyDefaults(RegionDefaults Region, RuleDefaults Rule, WebhookDefaults Webhook, int LinkCost)
{
    /// <summary>The ISO 4217 code the links' <see cref="Link.PricePerGiB"/> are in (e.g. <c>USD</c>); null when no link is priced.</summary>
    public string? Currency { get; init; }

    /// <summary>The cost of copying between two regions no link lists, unless the file says otherwise.</summary>
    public const int DefaultLinkCost = 100;

    /// <summary>The defaults used when a topology has no <c>defaults</c> section.</summary>
    public static TopologyDefaults BuiltIn { get; } = new(RegionDefaults.BuiltIn, RuleDefaults.BuiltIn, WebhookDefaults.BuiltIn, DefaultLinkCost);
}

/// <summary>Defaults for regions.</summary>
public sealed record RegionDefaults(int Priority, RegionLimits Limits)
{
    /// <summary>Built-in region defaults: priority 100, 8 concurrent transfers, unlimited bandwidth.</summary>
    public static RegionDefaults BuiltIn { get; } = new(100, new RegionLimits(8, null));
}

/// <summary>Defaults for replication rules.</summary>
public sealed record RuleDefaults(bool Deletes, bool Referrers, TimeSpan ReconcileInterval)
{
    /// <summary>Built-in rule defaults: deletes off, referrers on, reconcile every 10 minutes.</summary>
    public static RuleDefaults BuiltIn { get; } = new(false, true, TimeSpan.FromMinutes(10));
}

/// <summary>Defaults for deploy webhooks.</summary>
public sealed record WebhookDefaults(TimeSpan MaxAge, TimeSpan Timeout)
{
    /// <summary>Built-in webhook defaults: retry for a day, 10 seconds per attempt.</summary>
    public static WebhookDefaults BuiltIn { get; } = new(TimeSpan.FromDays(1), TimeSpan.FromSeconds(10));
}

/// <summary>Throughput limits of one region.</summary>
/// <param name="Concurrency">Blob transfers into the region at once, and the most image syncs at once (at least 1; a store may allow fewer syncs).</param>
/// <param name="BandwidthBytesPerSecond">Cap on bytes per second written into the region; <c>null</c> = unlimited.</param>
public sealed record RegionLimits(int Concurrency, long? BandwidthBytesPerSecond);
