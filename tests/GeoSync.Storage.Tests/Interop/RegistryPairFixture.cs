using GeoSync.Domain.Content;
using GeoSync.Storage.FileSystem;
using GeoSync.Testing;
using GeoSync.Testing.Registry;

namespace GeoSync.Storage.Tests.Interop;

/// <summary>
/// Two real registries, each serving its own filesystem store (regions "a" and "b"), the filesystem driver over
/// each store, and an OCI layout holding test images built with umoci and GNU tar: <c>amd</c> (linux/amd64, two
/// layers), <c>arm</c> (linux/arm64/v8, sharing the first layer) and <c>multi</c> (an index of both). Started once
/// once for the registry collection; tests use distinct repository names.
/// </summary>
public sealed class RegistryPairFixture : IAsyncLifetime
{
    private readonly TestDirectory _directory = new("interop");

    public RegistryServer RegistryA { get; private set; } = null!;

    public RegistryServer RegistryB { get; private set; } = null!;

    public FileSystemRegionStore StoreA { get; private set; } = null!;

    public FileSystemRegionStore StoreB { get; private set; } = null!;

    public OciLayout Images { get; private set; } = null!;

    public Skopeo Skopeo { get; } = new();

    /// <summary>A fresh folder for one test's output (e.g. a layout to pull into).</summary>
    public string NewFolder(string name) => _directory.Combine($"{name}-{Guid.NewGuid():N}");

    public async Task InitializeAsync()
    {
        string rootA = _directory.Combine("store-a");
        string rootB = _directory.Combine("store-b");
        StoreA = new FileSystemRegionStore("a", rootA);
        StoreB = new FileSystemRegionStore("b", rootB);
        Task<RegistryServer> startA = RegistryServer.StartAsync(rootA);
        Task<RegistryServer> startB = RegistryServer.StartAsync(rootB);
        Images = await BuildImagesAsync(_directory.Combine("images"));
        RegistryA = await startA;
        RegistryB = await startB;
    }

    public async Task DisposeAsync()
    {
        if (RegistryA is not null)
        {
            await RegistryA.DisposeAsync();
        }

        if (RegistryB is not null)
        {
            await RegistryB.DisposeAsync();
        }

        Skopeo.Dispose();
        _directory.Dispose();
    }

    private static async Task<OciLayout> BuildImagesAsync(string path)
    {
        OciLayout layout = await OciLayout.CreateAsync(path);
        var shared = new Dictionary<string, string> { ["etc/os-release"] = "NAME=geosync-test\n" };
        await layout.AddImageAsync("amd", [shared, new Dictionary<string, string> { ["app/hello.txt"] = "hello from amd64\n" }], new Platform("linux", "amd64"));
        await layout.AddImageAsync("arm", [shared, new Dictionary<string, string> { ["app/hello.txt"] = "hello from arm64\n" }], new Platform("linux", "arm64", "v8"));
        layout.AddIndex("multi", [("amd", new Platform("linux", "amd64")), ("arm", new Platform("linux", "arm64", "v8"))]);
        return layout;
    }
}
