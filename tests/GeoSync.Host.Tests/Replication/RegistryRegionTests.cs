using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Host.Tests.Support;
using GeoSync.Testing;
using GeoSync.Testing.Registry;

namespace GeoSync.Host.Tests.Replication;

/// <summary>
/// The engine with a region reached only over the OCI distribution API: a real distribution registry whose storage
/// GeoSync never touches. What GeoSync replicates there is pulled back through the registry with skopeo, and the
/// registry's access log shows how blobs got in.
/// </summary>
public sealed class RegistryRegionTests : IAsyncLifetime
{
    private readonly TestDirectory _directory = new("registry-region");
    private readonly Skopeo _skopeo = new();
    private RegistryServer _registry = null!;
    private EngineHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _registry = await RegistryServer.StartAsync(_directory.Combine("us-registry"), options: new RegistryServerOptions { AccessLog = true });
        _harness = await EngineHarness.StartAsync(regions: ["eu", "us"], registries: new Dictionary<string, HarnessRegistry> { ["us"] = new(_registry.BaseUri) });
    }

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }

        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }

        _skopeo.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Push_MultiArchIntoFilesystemRegion_IsPullableFromTheRegistryRegion()
    {
        TestImage amd = TestImage.Single("amd", "amd64", TestImage.Layer("registry-shared", 3 * 1024 * 1024), TestImage.Layer("registry-amd", 4096));
        TestImage arm = TestImage.Single("arm", "arm64", TestImage.Layer("registry-shared", 3 * 1024 * 1024), TestImage.Layer("registry-arm", 4096));
        TestImage index = TestImage.Index(amd, arm);

        await _harness.PushAsync("eu", "team/app", "v1", index);
        await _harness.WaitForAsync("team/app", "v1", "Synced", digest: index.Root.Digest);

        string? raw = await _skopeo.TryInspectRawAsync(_registry, "team/app", "v1");
        Assert.Equal(index.Root.Digest, Digest.Compute(System.Text.Encoding.UTF8.GetBytes(raw ?? string.Empty)));
        OciLayout pulled = await _skopeo.PullAsync(_registry, "team/app", "v1", _directory.Combine("pulled"), "v1");
        Assert.Equal(index.Root.Digest, pulled.DigestOf("v1"));
        // Every byte the registry region lacked crossed once: the shared layer once, manifests put whole.
        Assert.Equal(index.TotalBytes, _harness.Store("us").TotalBytesWritten);
    }

    [Fact]
    public async Task Push_SecondRepositorySharingALayer_MountsItInsteadOfUploading()
    {
        byte[] shared = TestImage.Layer("registry-mounted", 2 * 1024 * 1024);
        TestImage first = TestImage.Single("first", shared, TestImage.Layer("registry-first", 2048));
        TestImage second = TestImage.Single("second", shared, TestImage.Layer("registry-second", 2048));

        await _harness.PushAsync("eu", "team/first", "v1", first);
        await _harness.WaitForAsync("team/first", "v1", "Synced");
        await _harness.PushAsync("eu", "team/second", "v1", second);
        await _harness.WaitForAsync("team/second", "v1", "Synced");

        Assert.Equal(shared.Length, _harness.Store("us").BytesWritten[Digest.Compute(shared)]);
        await Eventually.HoldsAsync(
            () => RegistryLog("POST /v2/team/second/blobs/uploads/?mount=").Any(l => l.Contains("\" 201 ", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(5),
            "the registry answered a mount into team/second with 201 Created");
        Assert.NotNull(await _skopeo.TryInspectRawAsync(_registry, "team/second", "v1"));
    }

    [Fact]
    public async Task Push_IntoTheRegistryRegion_ReplicatesToTheFilesystemRegion()
    {
        TestImage image = TestImage.Single("from-registry", TestImage.Layer("registry-source", 1024 * 1024));

        await _harness.PushAsync("us", "team/source", "v1", image);
        await _harness.WaitForAsync("team/source", "v1", "Synced");

        Assert.Equal(image.Root.Digest, await _harness.Store("eu").Inner.ReadTagAsync(RepositoryName.Parse("team/source"), Tag.Parse("v1")));
        Assert.Equal(image.TotalBytes, _harness.Store("eu").TotalBytesWritten);
    }

    [Fact]
    public async Task Resync_ImagePushedWithSkopeoWithoutNotification_IsFoundInTheCatalogAndArrives()
    {
        OciLayout layout = await OciLayout.CreateAsync(_directory.Combine("skopeo-images"));
        await layout.AddImageAsync("v1", [new Dictionary<string, string> { ["app/hello.txt"] = "pushed while notifications were lost\n" }], new Platform("linux", "amd64"));
        await _skopeo.PushAsync(layout, "v1", _registry, "team/unnotified", "v1");

        await _harness.ResyncAsync(null, null);

        await _harness.WaitForAsync("team/unnotified", "v1", "Synced", digest: layout.DigestOf("v1"));
        Assert.Equal(layout.DigestOf("v1"), await _harness.Store("eu").Inner.ReadTagAsync(RepositoryName.Parse("team/unnotified"), Tag.Parse("v1")));
    }

    private string[] RegistryLog(string text) => [.. _registry.Output.Split('\n').Where(l => l.Contains(text, StringComparison.Ordinal))];
}
