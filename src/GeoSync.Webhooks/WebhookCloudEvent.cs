using System.Text.Json;
using GeoSync.Domain.Topology;

namespace GeoSync.Webhooks;

/// <summary>
/// Writes a deploy webhook's body: a CloudEvents 1.0 event in structured JSON mode. The body is built once, when
/// the delivery is queued, and sent byte for byte on every attempt (the signature covers it).
/// <code>
/// { "specversion": "1.0", "type": "io.geosync.image.synced", "source": "/geosync/regions/eu", "id": "msg_…",
///   "time": "…Z", "subject": "team/app:1.2", "datacontenttype": "application/json",
///   "data": { "region": { "name": "eu", "registry": { "public": "…", "vpc": "…" } }, "repository", "tag",
///             "digest", "mediaType", "platforms", "sourceRegion", "pushedAt", "syncedAt" | "deletedAt", "lagMs" } }
/// </code>
/// </summary>
public static class WebhookCloudEvent
{
    /// <summary>The <c>source</c> of a region's events.</summary>
    public static string SourceOf(string region) => $"/geosync/regions/{region}";

    /// <summary>The event body for <paramref name="notice"/>, identified by <paramref name="webhookId"/>.</summary>
    public static byte[] Build(ImageNotice notice, Region region, string webhookId)
    {
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentNullException.ThrowIfNull(region);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("specversion", "1.0");
            json.WriteString("type", notice.EventType);
            json.WriteString("source", SourceOf(region.Name));
            json.WriteString("id", webhookId);
            json.WriteString("time", notice.AppliedAt.UtcDateTime);
            json.WriteString("subject", notice.Subject);
            json.WriteString("datacontenttype", "application/json");
            json.WriteStartObject("data");
            WriteRegion(json, region);
            json.WriteString("repository", notice.Repository);
            WriteOptional(json, "tag", notice.Tag);
            json.WriteString("digest", notice.Digest);
            WriteOptional(json, "mediaType", notice.MediaType);
            if (notice.Platforms is { Count: > 0 })
            {
                json.WriteStartArray("platforms");
                foreach (string platform in notice.Platforms)
                {
                    json.WriteStringValue(platform);
                }

                json.WriteEndArray();
            }

            json.WriteString("sourceRegion", notice.SourceRegion);
            json.WriteString("pushedAt", notice.PushedAt.UtcDateTime);
            json.WriteString(notice.Change == ImageChange.Synced ? "syncedAt" : "deletedAt", notice.AppliedAt.UtcDateTime);
            json.WriteNumber("lagMs", (long)Math.Max(0, notice.Lag.TotalMilliseconds));
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteRegion(Utf8JsonWriter json, Region region)
    {
        json.WriteStartObject("region");
        json.WriteString("name", region.Name);
        json.WriteStartObject("registry");
        WriteOptional(json, "public", region.Registry.Domains.Public);
        WriteOptional(json, "vpc", region.Registry.Domains.Vpc);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
