using System.Text.Json;

namespace GeoSync.Domain.Topology.Parsing;

/// <summary>Reads one entry of <c>regions</c>, applying the region defaults.</summary>
internal static class RegionParser
{
    public static Region? Parse(TopologyReader reader, JsonElement element, string path, TopologyDefaults defaults, string dataDirectory)
    {
        ObjectFields? region = reader.Object(element, path, TopologyShapes.Region);
        if (region is null)
        {
            return null;
        }

        string? name = region.String("name", required: true);
        if (name is not null && TopologyGrammar.CheckRegionName(name) is { } nameError)
        {
            reader.Error(region.PathOf("name"), nameError);
        }

        int priority = region.Int32("priority", 0) ?? defaults.Region.Priority;
        RegistrySettings registry = Registry(reader, region.Object("registry", TopologyShapes.Registry));
        StoreSettings? store = region.Read("store", (e, p) => StoreParser.Parse(reader, e, p, dataDirectory, registry.Endpoints), required: true);
        IReadOnlyList<Webhook> webhooks = region.List("webhooks", (e, p) => WebhookParser.Parse(reader, e, p, defaults.Webhook, registry.Domains)) ?? [];
        RegionLimits limits = DefaultsParser.Limits(region.Object("limits", TopologyShapes.Limits), defaults.Region.Limits);
        return name is null || store is null ? null : new Region(name, priority, store, registry, webhooks, limits);
    }

    private static RegistrySettings Registry(TopologyReader reader, ObjectFields? registry)
    {
        if (registry is null)
        {
            return RegistrySettings.None;
        }

        var domains = new RegistryDomains(null, null);
        if (registry.Object("domains", TopologyShapes.RegistryDomains) is { } domainFields)
        {
            domains = new RegistryDomains(HostName(reader, domainFields, "public"), HostName(reader, domainFields, "vpc"));
        }

        var endpoints = new RegistryEndpoints(null, null);
        if (registry.Object("endpoints", TopologyShapes.RegistryEndpoints) is { } endpointFields)
        {
            endpoints = new RegistryEndpoints(endpointFields.HttpUrl("public"), endpointFields.HttpUrl("vpc"));
        }

        return new RegistrySettings(domains, endpoints, registry.Secret("notificationToken"), Instance(reader, registry.Object("instance", TopologyShapes.RegistryInstance)));
    }

    private static RegistryInstance? Instance(TopologyReader reader, ObjectFields? instance)
    {
        if (instance is null)
        {
            return null;
        }

        string? id = Checked(reader, instance, "id", TopologyGrammar.CheckInstanceName, required: true);
        string? name = Checked(reader, instance, "name", TopologyGrammar.CheckInstanceName);
        string? cloudRegion = Checked(reader, instance, "cloudRegion", TopologyGrammar.CheckCloudRegion);
        return id is null ? null : new RegistryInstance(id, name, cloudRegion);
    }

    private static string? Checked(TopologyReader reader, ObjectFields fields, string field, Func<string, string, string?> check, bool required = false)
    {
        string? value = fields.String(field, required);
        if (value is not null && check(field, value) is { } error)
        {
            reader.Error(fields.PathOf(field), error);
            return null;
        }

        return value;
    }

    private static string? HostName(TopologyReader reader, ObjectFields domains, string field)
    {
        string? value = domains.String(field);
        if (value is not null && TopologyGrammar.CheckHostName(value) is { } error)
        {
            reader.Error(domains.PathOf(field), error);
            return null;
        }

        return value;
    }
}
