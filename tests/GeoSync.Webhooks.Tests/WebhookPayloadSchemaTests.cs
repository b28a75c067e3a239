using System.Text.Json;
using System.Text.Json.Nodes;
using GeoSync.Domain.Topology;
using GeoSync.Testing.Webhooks;

namespace GeoSync.Webhooks.Tests;

/// <summary>
/// Every kind of payload the engine builds conforms to <c>deploy-webhook.schema.json</c>, and carries the pull
/// references a region's clusters can use as they are.
/// </summary>
public sealed class WebhookPayloadSchemaTests
{
    private static readonly DateTimeOffset Pushed = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly string Digest = "sha256:" + new string('c', 64);

    private static readonly RegistryInstance Instance = new("cri-abc123", "prod-ap", "ap-southeast-1");

    public static TheoryData<ImageChange, string?, bool, bool, RegistryNetwork?> Payloads()
    {
        var data = new TheoryData<ImageChange, string?, bool, bool, RegistryNetwork?>();
        foreach (ImageChange change in new[] { ImageChange.Synced, ImageChange.Deleted })
        {
            foreach (string? tag in new[] { "1.2", null })
            {
                foreach (bool vpc in new[] { true, false })
                {
                    foreach (bool instance in new[] { true, false })
                    {
                        foreach (RegistryNetwork? pull in vpc ? new RegistryNetwork?[] { null, RegistryNetwork.Public, RegistryNetwork.Vpc } : [null, RegistryNetwork.Public])
                        {
                            data.Add(change, tag, vpc, instance, pull);
                        }
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Build_EveryKindOfPayload_ConformsToTheSchema(ImageChange change, string? tag, bool vpc, bool instance, RegistryNetwork? pull)
    {
        byte[] body = WebhookCloudEvent.Build(Notice(change, tag), Region(vpc, instance), "msg_1", pull);

        Assert.Empty(DeployWebhookSchema.Check(body));
    }

    [Fact]
    public void Build_SyncedToVpcPreferringWebhook_ImageIsTheVpcReferenceByDigest()
    {
        JsonElement data = Data(WebhookCloudEvent.Build(Notice(ImageChange.Synced, "1.2"), Region(vpc: true, instance: true), "msg_1", RegistryNetwork.Vpc));

        Assert.Equal($"ap.vpc.internal:5000/team/app@{Digest}", data.GetProperty("image").GetString());
        JsonElement pull = data.GetProperty("pull");
        Assert.Equal($"ap.example.com/team/app@{Digest}", pull.GetProperty("public").GetString());
        Assert.Equal($"ap.vpc.internal:5000/team/app@{Digest}", pull.GetProperty("vpc").GetString());
        Assert.Equal("ap.example.com/team/app:1.2", pull.GetProperty("byTag").GetProperty("public").GetString());
        Assert.Equal("ap.vpc.internal:5000/team/app:1.2", pull.GetProperty("byTag").GetProperty("vpc").GetString());
        JsonElement registryInstance = data.GetProperty("region").GetProperty("registry").GetProperty("instance");
        Assert.Equal("cri-abc123", registryInstance.GetProperty("id").GetString());
        Assert.Equal("prod-ap", registryInstance.GetProperty("name").GetString());
        Assert.Equal("ap-southeast-1", registryInstance.GetProperty("cloudRegion").GetString());
    }

    [Fact]
    public void Build_SyncedWithoutPreferenceOrVpcDomain_PublicReferencesOnlyAndNoImage()
    {
        JsonElement data = Data(WebhookCloudEvent.Build(Notice(ImageChange.Synced, null), Region(vpc: false, instance: false), "msg_1"));

        JsonElement pull = data.GetProperty("pull");
        Assert.Equal(["public"], pull.EnumerateObject().Select(p => p.Name));
        Assert.Equal($"ap.example.com/team/app@{Digest}", pull.GetProperty("public").GetString());
        Assert.False(data.TryGetProperty("image", out _));
        Assert.False(data.GetProperty("region").GetProperty("registry").TryGetProperty("instance", out _));
    }

    [Fact]
    public void Build_Deleted_NothingToPullButTheInstanceStaysNamed()
    {
        JsonElement data = Data(WebhookCloudEvent.Build(Notice(ImageChange.Deleted, "1.2"), Region(vpc: true, instance: true), "msg_1", RegistryNetwork.Vpc));

        Assert.False(data.TryGetProperty("pull", out _));
        Assert.False(data.TryGetProperty("image", out _));
        Assert.Equal("cri-abc123", data.GetProperty("region").GetProperty("registry").GetProperty("instance").GetProperty("id").GetString());
    }

    [Fact]
    public void Build_RegionWithoutDomains_NoPullReferences()
    {
        Region bare = Region(vpc: false, instance: false) with { Registry = RegistrySettings.None };

        byte[] body = WebhookCloudEvent.Build(Notice(ImageChange.Synced, "1.2"), bare, "msg_1");

        Assert.False(Data(body).TryGetProperty("pull", out _));
        Assert.Empty(DeployWebhookSchema.Check(body));
    }

    [Theory]
    [InlineData("image without pull")]
    [InlineData("deleted with pull")]
    [InlineData("tag without byTag")]
    [InlineData("reference not by digest")]
    public void Schema_PayloadThatBreaksTheContract_IsRefused(string breakage)
    {
        JsonObject body = JsonNode.Parse(WebhookCloudEvent.Build(Notice(ImageChange.Synced, "1.2"), Region(vpc: true, instance: true), "msg_1", RegistryNetwork.Vpc))!.AsObject();
        JsonObject data = body["data"]!.AsObject();
        switch (breakage)
        {
            case "image without pull":
                data.Remove("pull");
                break;
            case "deleted with pull":
                body["type"] = "io.geosync.image.deleted";
                data["deletedAt"] = data["syncedAt"]!.DeepClone();
                data.Remove("syncedAt");
                break;
            case "tag without byTag":
                data["pull"]!.AsObject().Remove("byTag");
                break;
            case "reference not by digest":
                data["pull"]!["public"] = "ap.example.com/team/app:1.2";
                break;
        }

        Assert.NotEmpty(DeployWebhookSchema.Check(System.Text.Encoding.UTF8.GetBytes(body.ToJsonString())));
    }

    private static JsonElement Data(byte[] body) => JsonDocument.Parse(body).RootElement.GetProperty("data").Clone();

    private static ImageNotice Notice(ImageChange change, string? tag) =>
        new(change, "ap", "team/app", tag, Digest, "application/vnd.oci.image.index.v1+json", ["linux/amd64", "linux/arm64/v8"], "eu", Pushed, Pushed.AddMilliseconds(1500));

    private static Region Region(bool vpc, bool instance) => new(
        "ap", 2, new FileSystemStoreSettings("/data/ap"),
        new RegistrySettings(new RegistryDomains("ap.example.com", vpc ? "ap.vpc.internal:5000" : null), new RegistryEndpoints(null, null), null, instance ? Instance : null),
        [], new RegionLimits(4, null));
}
