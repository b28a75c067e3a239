namespace GeoSync.Domain.Topology;

/// <summary>The fields one kind of object in a topology file accepts; <see cref="Name"/> is its <c>$defs</c> name in the schema.</summary>
public sealed record ObjectShape(string Name, IReadOnlyList<string> Properties)
{
    /// <summary>True when <paramref name="property"/> is a field of this object.</summary>
    public bool Accepts(string property) => Properties.Contains(property, StringComparer.Ordinal);
}

/// <summary>
/// Every kind of object a topology file holds and the fields it accepts: the validator rejects any other field,
/// and <c>topology/topology.schema.json</c> declares exactly these under <c>$defs</c> (a test keeps the two equal).
/// </summary>
public static class TopologyShapes
{
    public static ObjectShape Topology { get; } = new("topology", ["$schema", "version", "engine", "defaults", "regions", "links", "rules"]);

    public static ObjectShape Engine { get; } = new("engine", ["listen", "dataDirectory", "persistence", "statusToken", "maxEventBodyBytes", "inboxRetention", "abandonAfter", "cluster"]);

    public static ObjectShape Cluster { get; } = new("cluster", ["id", "siloPort", "gatewayPort", "advertisedAddress"]);

    public static ObjectShape Persistence { get; } = new("persistence", ["provider", "connectionString"]);

    public static ObjectShape Defaults { get; } = new("defaults", ["region", "rule", "webhook", "linkCost", "currency"]);

    public static ObjectShape RegionDefaults { get; } = new("regionDefaults", ["priority", "limits"]);

    public static ObjectShape RuleDefaults { get; } = new("ruleDefaults", ["deletes", "referrers", "reconcileInterval"]);

    public static ObjectShape WebhookDefaults { get; } = new("webhookDefaults", ["maxAge", "timeout"]);

    public static ObjectShape Limits { get; } = new("limits", ["concurrency", "bandwidthBytesPerSecond"]);

    public static ObjectShape Region { get; } = new("region", ["name", "priority", "store", "registry", "webhooks", "limits"]);

    public static ObjectShape FileSystemStore { get; } = new("filesystemStore", ["kind", "path"]);

    public static ObjectShape AzureStore { get; } = new("azureStore", ["kind", "connectionString", "container"]);

    public static ObjectShape RegistryStore { get; } = new("registryStore", ["kind", "endpoint", "credentials", "tls"]);

    public static ObjectShape RegistryCredentials { get; } = new("registryCredentials", ["username", "password"]);

    public static ObjectShape StoreTls { get; } = new("storeTls", ["insecure", "caFile"]);

    public static ObjectShape Registry { get; } = new("registry", ["domains", "endpoints", "notificationToken", "instance"]);

    public static ObjectShape RegistryInstance { get; } = new("registryInstance", ["id", "name", "cloudRegion"]);

    public static ObjectShape RegistryDomains { get; } = new("registryDomains", ["public", "vpc"]);

    public static ObjectShape RegistryEndpoints { get; } = new("registryEndpoints", ["public", "vpc"]);

    public static ObjectShape Webhook { get; } = new("webhook", ["name", "url", "secrets", "repositories", "tags", "maxAge", "timeout", "pull"]);

    public static ObjectShape Link { get; } = new("link", ["from", "to", "cost", "oneWay", "pricePerGiB"]);

    public static ObjectShape Rule { get; } = new("rule", ["name", "sources", "targets", "repositories", "tags", "deletes", "referrers", "requireReferrer", "reconcileInterval"]);

    public static ObjectShape TagFilter { get; } = new("tagFilter", ["include", "exclude"]);

    public static ObjectShape ReferrerGate { get; } = new("referrerGate", ["artifactType"]);

    /// <summary>Every shape.</summary>
    public static IReadOnlyList<ObjectShape> All { get; } =
    [
        Topology, Engine, Cluster, Persistence, Defaults, RegionDefaults, RuleDefaults, WebhookDefaults, Limits, Region,
        FileSystemStore, AzureStore, RegistryStore, RegistryCredentials, StoreTls, Registry, RegistryDomains, RegistryEndpoints, RegistryInstance, Webhook, Link, Rule, TagFilter, ReferrerGate,
    ];
}
