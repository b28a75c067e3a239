using System.Text.Json;
using GeoSync.Domain.Topology;
using GeoSync.Webhooks;

namespace GeoSync.Webhooks.Tests;

public sealed class WebhookCloudEventTests
{
    private static readonly DateTimeOffset Pushed = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static Region Region(string? publicDomain, string? vpcDomain) => new(
        "ap", 2, new FileSystemStoreSettings("/data/ap"),
        new RegistrySettings(new RegistryDomains(publicDomain, vpcDomain), new RegistryEndpoints(null, null), null), [], new RegionLimits(4, null));

    [Fact]
    public void Build_DeleteByDigest_DeletedTypeDigestSubjectAndDeletedAt()
    {
        var notice = new ImageNotice(ImageChange.Deleted, "ap", "team/app", null, "sha256:" + new string('b', 64), null, null, "eu", Pushed, Pushed.AddMilliseconds(1500));

        using JsonDocument json = JsonDocument.Parse(WebhookCloudEvent.Build(notice, Region("ap.example.com", null), "msg_x"));

        JsonElement e = json.RootElement;
        Assert.Equal("io.geosync.image.deleted", e.GetProperty("type").GetString());
        Assert.Equal($"team/app@sha256:{new string('b', 64)}", e.GetProperty("subject").GetString());
        // The CloudEvents SDK keeps whole milliseconds in `time`; the data's times keep the shortest fraction.
        Assert.Equal("2026-03-01T12:00:01.500Z", e.GetProperty("time").GetString());
        JsonElement data = e.GetProperty("data");
        Assert.Equal("2026-03-01T12:00:01.5Z", data.GetProperty("deletedAt").GetString());
        Assert.Equal("2026-03-01T12:00:00Z", data.GetProperty("pushedAt").GetString());
        Assert.Equal(1500, data.GetProperty("lagMs").GetInt64());
        Assert.Equal("ap.example.com", data.GetProperty("region").GetProperty("registry").GetProperty("public").GetString());
        foreach (string absent in new[] { "syncedAt", "tag", "mediaType", "platforms" })
        {
            Assert.False(data.TryGetProperty(absent, out _), $"{absent} is left out");
        }

        Assert.False(data.GetProperty("region").GetProperty("registry").TryGetProperty("vpc", out _));
    }

    [Fact]
    public void Build_SameNotice_SameBytes()
    {
        var notice = new ImageNotice(ImageChange.Synced, "ap", "team/app", "1.0", "sha256:" + new string('c', 64),
            "application/vnd.oci.image.manifest.v1+json", ["linux/amd64"], "eu", Pushed, Pushed.AddSeconds(2));

        Assert.Equal(WebhookCloudEvent.Build(notice, Region("a", "b"), "msg_y"), WebhookCloudEvent.Build(notice, Region("a", "b"), "msg_y"));
    }
}
