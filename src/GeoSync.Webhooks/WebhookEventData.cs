using System.Text.Json;
using System.Text.Json.Serialization;
using GeoSync.Domain.Topology;

namespace GeoSync.Webhooks;

/// <summary>
/// The <c>data</c> of a deploy webhook's event. Absent values are left out; <c>pull</c> and <c>image</c> only on a
/// synced image (a deleted one has nothing to pull).
/// </summary>
internal sealed record WebhookEventData(
    WebhookRegionData Region,
    string Repository,
    string? Tag,
    string Digest,
    string? MediaType,
    IReadOnlyList<string>? Platforms,
    string SourceRegion,
    DateTime PushedAt,
    DateTime? SyncedAt,
    DateTime? DeletedAt,
    long LagMs,
    WebhookPullReferences? Pull,
    string? Image)
{
    /// <summary>camelCase names, nulls left out, and UTC times written with the shortest fraction (<c>.5Z</c>).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static WebhookEventData Of(ImageNotice notice, Region region, RegistryNetwork? pull)
    {
        RegistrySettings registry = region.Registry;
        bool synced = notice.Change == ImageChange.Synced;
        WebhookPullReferences? references = synced ? WebhookPullReferences.Of(registry.Domains, notice) : null;
        return new WebhookEventData(
            new WebhookRegionData(region.Name, new WebhookRegistryData(
                registry.Domains.Public, registry.Domains.Vpc,
                registry.Instance is { } i ? new WebhookInstanceData(i.Id, i.Name, i.CloudRegion) : null)),
            notice.Repository,
            notice.Tag,
            notice.Digest,
            notice.MediaType,
            notice.Platforms is { Count: > 0 } platforms ? platforms : null,
            notice.SourceRegion,
            notice.PushedAt.UtcDateTime,
            synced ? notice.AppliedAt.UtcDateTime : null,
            synced ? null : notice.AppliedAt.UtcDateTime,
            (long)Math.Max(0, notice.Lag.TotalMilliseconds),
            references,
            references is not null && pull is { } network ? references.On(network) : null);
    }
}

internal sealed record WebhookRegionData(string Name, WebhookRegistryData Registry);

/// <summary>The region's registry domains and, when the topology names it, its instance.</summary>
internal sealed record WebhookRegistryData(string? Public, string? Vpc, WebhookInstanceData? Instance);

internal sealed record WebhookInstanceData(string Id, string? Name, string? CloudRegion);

/// <summary>
/// The image's references on each of the region's domains: by digest (what a rollout should pin), and by tag under
/// <see cref="ByTag"/> when the event has a tag.
/// </summary>
internal sealed record WebhookPullReferences(string? Public, string? Vpc, WebhookTagReferences? ByTag)
{
    public static WebhookPullReferences? Of(RegistryDomains domains, ImageNotice notice)
    {
        if (domains.Public is null && domains.Vpc is null)
        {
            return null;
        }

        WebhookTagReferences? byTag = notice.Tag is { } tag
            ? new WebhookTagReferences(Reference(domains.Public, notice.Repository, $":{tag}"), Reference(domains.Vpc, notice.Repository, $":{tag}"))
            : null;
        return new WebhookPullReferences(
            Reference(domains.Public, notice.Repository, $"@{notice.Digest}"), Reference(domains.Vpc, notice.Repository, $"@{notice.Digest}"), byTag);
    }

    /// <summary>The by-digest reference on <paramref name="network"/>'s domain.</summary>
    public string? On(RegistryNetwork network) => network == RegistryNetwork.Vpc ? Vpc : Public;

    private static string? Reference(string? domain, string repository, string suffix) =>
        domain is null ? null : $"{domain}/{repository}{suffix}";
}

internal sealed record WebhookTagReferences(string? Public, string? Vpc);
