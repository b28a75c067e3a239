using System.Text.Json;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Host.Status;
using GeoSync.Host.Tests.Support;
using GeoSync.Storage.FileSystem;
using GeoSync.Testing;
using GeoSync.Testing.Registry;
using GeoSync.Testing.Webhooks;

namespace GeoSync.Host.Tests.Webhooks;

/// <summary>
/// The signature gate and the source region with a real registry: the CNCF distribution registry serves eu's
/// store and sends its own notifications to the engine, images and the cosign-style signature are pushed with
/// skopeo, and each region's deploy webhook lands on a loopback receiver.
/// </summary>
public sealed class RealRegistryGateEndToEndTests : IAsyncLifetime
{
    private const string Sig = "application/vnd.dev.cosign.artifact.sig.v1+json";
    private const string Repository = "team/real";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly TestDirectory _directory = new("real-gate");
    private readonly Skopeo _skopeo = new();
    private WebhookedEngine _engine = null!;
    private RegistryServer _registry = null!;

    public async Task InitializeAsync()
    {
        _engine = await WebhookedEngine.StartAsync(rule: new HarnessRule { RequireReferrer = Sig });
        var eu = (FileSystemRegionStore)_engine.Harness.Store("eu").Inner;
        _registry = await RegistryServer.StartAsync(eu.RootPath, new RegistryNotificationEndpoint(new Uri(_engine.Harness.BaseAddress, "v1/events"))
        {
            Headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {EngineHarness.TokenOf("eu")}" },
        });
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        await _engine.DisposeAsync();
        _skopeo.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task SkopeoPushThenSignature_EveryRegionsWebhookWaitsForIt_SignatureGetsNoneOfItsOwn_SourceNeverWritten()
    {
        EngineHarness harness = _engine.Harness;
        OciLayout layout = await OciLayout.CreateAsync(_directory.Combine("layout"));
        Digest image = await layout.AddImageAsync("v1", [new Dictionary<string, string> { ["app.txt"] = "gated by a real registry" }], new Platform("linux", "amd64"));
        await layout.AddImageAsync("sig", [new Dictionary<string, string> { ["signature.json"] = "{\"critical\":{}}" }], new Platform("linux", "amd64"));

        await _skopeo.PushAsync(layout, "v1", _registry, Repository, "v1");
        await Eventually.HoldsAsync(
            async () => await TagAsync(harness, "v1") is { Regions.Count: 3 } tag && tag.Regions.All(r => r.State == "Pending" && r.LastError?.Contains(Sig, StringComparison.Ordinal) == true),
            Deadline,
            "the registry's notification arrived and every region, eu included, waits for the signature");
        Assert.All(harness.RegionNames, r => Assert.Empty(HooksFor(r, $"{Repository}:v1")));

        string sigTag = Referrers.TagFor(image, Referrers.SignatureSuffix).Value;
        await _skopeo.PushAsync(layout, "sig", _registry, Repository, sigTag);
        await harness.WaitForAsync(Repository, "v1", "Synced", digest: image, timeout: Deadline);
        await harness.WaitForAsync(Repository, sigTag, "Synced", timeout: Deadline);
        await Eventually.HoldsAsync(() => harness.RegionNames.All(r => HooksFor(r, $"{Repository}:v1").Count > 0), Deadline, "a webhook for v1 in every region");

        Assert.True((await harness.StatusAsync(Repository)).AllSettled, "geosync status settles");
        Assert.All(harness.RegionNames, r => Assert.Empty(HooksFor(r, $"{Repository}:{sigTag}")));
        foreach (string target in new[] { "us", "ap" })
        {
            Assert.Equal(image, await harness.Store(target).ReadTagAsync(RepositoryName.Parse(Repository), Tag.Parse("v1")));
            Assert.NotNull(await harness.Store(target).ReadTagAsync(RepositoryName.Parse(Repository), Tag.Parse(sigTag)));
        }

        // The registry wrote eu; GeoSync only read it.
        Assert.Equal(0, harness.Store("eu").LastMutationTimestamp);
        Assert.Equal(0, harness.Store("eu").TotalBytesWritten);
    }

    [Fact]
    public async Task TagMovedThreeTimesInTheSource_TargetsEndOnTheLastPush_SourceKeepsItsOwn()
    {
        EngineHarness harness = _engine.Harness;
        OciLayout layout = await OciLayout.CreateAsync(_directory.Combine("moves"));
        var pushed = new List<Digest>();
        for (int i = 0; i < 3; i++)
        {
            pushed.Add(await layout.AddImageAsync($"m{i}", [new Dictionary<string, string> { ["app.txt"] = $"move {i}" }], new Platform("linux", "amd64")));
        }

        foreach (Digest image in pushed)
        {
            await layout.AddImageAsync($"sig-{image.Hex[..8]}", [new Dictionary<string, string> { ["signature.json"] = image.ToString() }], new Platform("linux", "amd64"));
        }

        for (int i = 0; i < 3; i++)
        {
            await _skopeo.PushAsync(layout, $"m{i}", _registry, "team/moves", "latest");
            await _skopeo.PushAsync(layout, $"sig-{pushed[i].Hex[..8]}", _registry, "team/moves", Referrers.TagFor(pushed[i], Referrers.SignatureSuffix).Value);
        }

        try
        {
            await harness.WaitForAsync("team/moves", "latest", "Synced", digest: pushed[^1], timeout: Deadline);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; pushed {string.Join(", ", pushed.Select(d => d.Short))}; status: {JsonSerializer.Serialize(await harness.StatusAsync("team/moves"))}", e);
        }
        RepositoryName repository = RepositoryName.Parse("team/moves");
        foreach (string region in harness.RegionNames)
        {
            Assert.Equal(pushed[^1], await harness.Store(region).ReadTagAsync(repository, Tag.Parse("latest")));
        }

        Assert.Equal(0, harness.Store("eu").LastMutationTimestamp);
    }

    private static async Task<TagStatus?> TagAsync(EngineHarness harness, string tag)
    {
        try
        {
            return (await harness.StatusAsync(Repository)).Tags.FirstOrDefault(t => t.Tag == tag);
        }
        catch (GeoSync.Host.Client.GeoSyncApiException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private List<ReceivedWebhook> HooksFor(string region, string subject) =>
        [.. _engine.Receiver.Received(WebhookedEngine.EndpointOf(region)).Where(h => SubjectOf(h) == subject)];

    private static string? SubjectOf(ReceivedWebhook hook)
    {
        using JsonDocument body = JsonDocument.Parse(hook.Body);
        return body.RootElement.GetProperty("subject").GetString();
    }
}
