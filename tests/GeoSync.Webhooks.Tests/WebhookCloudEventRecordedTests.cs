using System.Net.Mime;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using GeoSync.Domain.Topology;
using GeoSync.Webhooks;

namespace GeoSync.Webhooks.Tests;

/// <summary>
/// The deploy webhook's body, byte for byte, against recorded payloads, and read back by the CloudEvents SDK's own
/// JSON formatter. The SDK writes the event's <c>time</c> with whole milliseconds kept (<c>.500Z</c>); the data's
/// times keep the shortest fraction (<c>.5Z</c>). Both are RFC 3339: receivers parse them.
/// </summary>
public sealed class WebhookCloudEventRecordedTests
{
    private static readonly DateTimeOffset Pushed = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Region Ap = new(
        "ap", 2, new FileSystemStoreSettings("/data/ap"),
        new RegistrySettings(new RegistryDomains("ap.example.com", "ap.vpc.internal"), new RegistryEndpoints(null, null), null, new RegistryInstance("cri-abc123", "prod-ap", "ap-southeast-1")),
        [], new RegionLimits(4, null));

    public static TheoryData<string, ImageNotice, RegistryNetwork?> Notices => new()
    {
        {
            // To a webhook that pulls over the VPC: `image` is the VPC reference by digest.
            "synced-index.json",
            new ImageNotice(ImageChange.Synced, "ap", "team/app", "1.2", "sha256:" + new string('c', 64),
                "application/vnd.oci.image.index.v1+json", ["linux/amd64", "linux/arm64/v8"], "eu", Pushed, Pushed.AddMilliseconds(2345.678)),
            RegistryNetwork.Vpc
        },
        {
            // Whole milliseconds: the SDK writes `time` as `.500Z`, the data's `syncedAt` is `.5Z`.
            "synced-whole-millis.json",
            new ImageNotice(ImageChange.Synced, "ap", "team/app", "2.0", "sha256:" + new string('d', 64),
                "application/vnd.oci.image.manifest.v1+json", null, "eu", Pushed, Pushed.AddMilliseconds(1500)),
            null
        },
        {
            "deleted-by-digest.json",
            new ImageNotice(ImageChange.Deleted, "ap", "team/app", null, "sha256:" + new string('b', 64), null, null, "eu", Pushed, Pushed.AddSeconds(-1)),
            RegistryNetwork.Vpc
        },
    };

    [Theory]
    [MemberData(nameof(Notices))]
    public void Build_RecordedNotice_RecordedBytes(string fixture, ImageNotice notice, RegistryNetwork? pull)
    {
        byte[] recorded = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", fixture));

        byte[] built = WebhookCloudEvent.Build(notice, Ap, "msg_2f0c1e9a", pull);

        Assert.Equal(System.Text.Encoding.UTF8.GetString(recorded), System.Text.Encoding.UTF8.GetString(built));
        Assert.Equal(recorded, built);
    }

    [Theory]
    [MemberData(nameof(Notices))]
    public void Build_AnyNotice_ReadByCloudEventsSdk(string fixture, ImageNotice notice, RegistryNetwork? pull)
    {
        _ = fixture;
        var formatter = new JsonEventFormatter();

        CloudEvent read = formatter.DecodeStructuredModeMessage(
            WebhookCloudEvent.Build(notice, Ap, "msg_2f0c1e9a", pull), new ContentType(WebhookEventTypes.CloudEventsJson), extensionAttributes: null);

        Assert.Equal(CloudEventsSpecVersion.V1_0, read.SpecVersion);
        Assert.Equal(notice.EventType, read.Type);
        Assert.Equal("/geosync/regions/ap", read.Source?.ToString());
        Assert.Equal("msg_2f0c1e9a", read.Id);
        Assert.Equal(notice.AppliedAt, read.Time);
        Assert.Equal(notice.Subject, read.Subject);
        Assert.Equal("application/json", read.DataContentType);
        Assert.Equal(notice.Digest, Assert.IsType<System.Text.Json.JsonElement>(read.Data).GetProperty("digest").GetString());
    }
}
