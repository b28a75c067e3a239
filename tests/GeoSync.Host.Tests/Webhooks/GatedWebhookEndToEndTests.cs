using System.Diagnostics;
using System.Text.Json;
using GeoSync.Domain.Content;
using GeoSync.Host.Status;
using GeoSync.Host.Tests.Support;
using GeoSync.Testing;
using GeoSync.Testing.Webhooks;

namespace GeoSync.Host.Tests.Webhooks;

/// <summary>
/// A running engine whose rule requires a cosign signature, with a deploy webhook per region on a real loopback
/// receiver: what each region's clusters hear, and when.
/// </summary>
public sealed class GatedWebhookEndToEndTests : IAsyncLifetime
{
    private const string Sig = "application/vnd.dev.cosign.artifact.sig.v1+json";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private WebhookedEngine _engine = null!;

    public async Task InitializeAsync() => _engine = await WebhookedEngine.StartAsync(rule: new HarnessRule { RequireReferrer = Sig });

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task GatedPush_NoRegionsWebhookBeforeTheSignatureIsThere_SourceRegionIncluded()
    {
        EngineHarness harness = _engine.Harness;
        TestImage image = TestImage.Single("gated-hook", TestImage.Layer("gated-hook", 2000));
        await harness.PushAsync("eu", "team/gated", "v1", image);

        await Eventually.HoldsAsync(
            async () => (await harness.StatusAsync("team/gated")).Tags.FirstOrDefault(t => t.Tag == "v1")?.Regions is { Count: 3 } regions
                && regions.All(r => r.State == "Pending" && r.LastError?.Contains(Sig, StringComparison.Ordinal) == true),
            Deadline,
            "every region, eu included, waits for the signature");
        long signedAt = Stopwatch.GetTimestamp();
        await harness.PushAsync("eu", "team/gated", SignatureTag(image), CosignSignature("gated-hook"));
        await harness.WaitForAsync("team/gated", "v1", "Synced");
        await Eventually.HoldsAsync(() => harness.RegionNames.All(r => HooksFor(r, "team/gated:v1").Count > 0), Deadline, "a webhook for v1 in every region");

        foreach (string region in harness.RegionNames)
        {
            Assert.All(HooksFor(region, "team/gated:v1"), hook => Assert.True(hook.ReceivedAtTimestamp > signedAt, $"{region}: its webhook arrived before the signature was pushed"));
        }
    }

    [Fact]
    public async Task CosignSignatureTag_ReplicatesAndSettlesEverywhere_WithoutADeployWebhookOfItsOwn()
    {
        EngineHarness harness = _engine.Harness;
        TestImage image = TestImage.Single("signed-hook", TestImage.Layer("signed-hook", 2000));
        string sigTag = SignatureTag(image);
        await harness.PushAsync("eu", "team/signed", "v1", image);
        await harness.PushAsync("eu", "team/signed", sigTag, CosignSignature("signed-hook"));

        await harness.WaitForAsync("team/signed", sigTag, "Synced");
        await harness.WaitForAsync("team/signed", "v1", "Synced");
        await Eventually.HoldsAsync(() => harness.RegionNames.All(r => HooksFor(r, "team/signed:v1").Count > 0), Deadline, "a webhook for v1 in every region");

        Assert.True((await harness.StatusAsync("team/signed")).AllSettled, "geosync status settles");
        // A region's deploy webhooks are queued before it is recorded Synced: the signature's would be in the outbox by now.
        IReadOnlyList<DeliveryStatus> deliveries = await harness.Client.ListDeliveriesAsync(repository: "team/signed");
        Assert.Equal(harness.RegionNames.Order(StringComparer.Ordinal), deliveries.Select(d => d.Region).Order(StringComparer.Ordinal));
        Assert.All(deliveries, d => Assert.Equal("v1", d.Tag));
        Assert.DoesNotContain(harness.RegionNames.SelectMany(r => _engine.Receiver.Received(WebhookedEngine.EndpointOf(r))), hook => hook.BodyText.Contains(sigTag, StringComparison.Ordinal));
    }

    private static string SignatureTag(TestImage image) => Referrers.TagFor(image.Root.Digest, Referrers.SignatureSuffix).Value;

    /// <summary>What cosign writes: an ordinary image manifest (OCI image config, no artifactType, no subject).</summary>
    private static TestImage CosignSignature(string seed) => TestImage.Single($"{seed}-sig", TestImage.Layer($"{seed}-sig", 300));

    private List<ReceivedWebhook> HooksFor(string region, string subject) =>
        [.. _engine.Receiver.Received(WebhookedEngine.EndpointOf(region)).Where(h => SubjectOf(h) == subject)];

    private static string? SubjectOf(ReceivedWebhook hook)
    {
        using JsonDocument body = JsonDocument.Parse(hook.Body);
        return body.RootElement.GetProperty("subject").GetString();
    }
}
