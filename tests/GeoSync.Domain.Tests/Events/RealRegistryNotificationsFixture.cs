using GeoSync.Domain.Content;
using GeoSync.Domain.Events;
using GeoSync.Testing;
using GeoSync.Testing.Registry;

namespace GeoSync.Domain.Tests.Events;

/// <summary>
/// A real CNCF distribution registry sending notifications to a <see cref="NotificationReceiver"/>, into which skopeo
/// pushed a two-platform OCI index (<c>team/app:v1</c>, built with umoci and GNU tar, the platforms sharing a base
/// layer) and a Docker schema 2 conversion of one platform (<c>team/docker:v1</c>). Started once per test class.
/// </summary>
public sealed class RealRegistryNotificationsFixture : IAsyncLifetime
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly TestDirectory _directory = new("domain-registry");
    private readonly Skopeo _skopeo = new();
    private NotificationReceiver? _receiver;

    public RegistryServer Registry { get; private set; } = null!;

    public Digest IndexDigest { get; private set; }

    internal NotificationReceiver Receiver => _receiver!;

    /// <summary>Every event received so far, with the Content-Type and event count of the POST that carried it.</summary>
    internal IReadOnlyList<(ReceivedNotification Post, IReadOnlyList<RegistryEvent> Events)> Posts =>
        [.. Receiver.Received.Select(p => (p, NotificationEnvelope.Parse(p.Body)))];

    public IReadOnlyList<RegistryEvent> Events => [.. Posts.SelectMany(p => p.Events)];

    /// <summary>Reads content from the registry's own filesystem store, as a region store would.</summary>
    public ValueTask<ReadOnlyMemory<byte>> FetchFromStorageAsync(Descriptor descriptor, CancellationToken cancellationToken) =>
        new(File.ReadAllBytesAsync(
            Path.Combine(Registry.StorageRoot, "docker", "registry", "v2", "blobs", "sha256", descriptor.Digest.Hex[..2], descriptor.Digest.Hex, "data"),
            cancellationToken).ContinueWith(t => (ReadOnlyMemory<byte>)t.Result, cancellationToken, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default));

    public async Task InitializeAsync()
    {
        _receiver = NotificationReceiver.Start();
        Task<RegistryServer> start = RegistryServer.StartAsync(
            _directory.Combine("store"),
            new RegistryNotificationEndpoint(_receiver.Url) { Threshold = 3, Backoff = TimeSpan.FromMilliseconds(200) });

        OciLayout layout = await OciLayout.CreateAsync(_directory.Combine("images"));
        var shared = new Dictionary<string, string> { ["etc/os-release"] = "NAME=geosync-domain-test\n" };
        await layout.AddImageAsync("amd", [shared, new Dictionary<string, string> { ["app/hello.txt"] = "hello from amd64\n" }], new Platform("linux", "amd64"));
        await layout.AddImageAsync("arm", [shared, new Dictionary<string, string> { ["app/hello.txt"] = "hello from arm64\n" }], new Platform("linux", "arm64", "v8"));
        IndexDigest = layout.AddIndex("multi", [("amd", new Platform("linux", "amd64")), ("arm", new Platform("linux", "arm64", "v8"))]);

        Registry = await start;
        await _skopeo.PushAsync(layout, "multi", Registry, "team/app", "v1");
        await _skopeo.CopyAsync($"oci:{layout.Path}:amd", $"docker://{Registry.Address}/team/docker:v1", preserveDigests: false, default, "--format", "v2s2");

        await Eventually.HoldsAsync(
            () => Events.Any(e => e.Kind == RegistryEventKind.ManifestPush && e.Target.Tag?.Value == "v1" && e.Target.Repository.Value == "team/app")
                && Events.Any(e => e.Kind == RegistryEventKind.ManifestPush && e.Target.Tag?.Value == "v1" && e.Target.Repository.Value == "team/docker"),
            Deadline,
            $"the registry's tagged manifest push events for team/app:v1 and team/docker:v1; registry printed: {Registry.Output}");
    }

    public async Task DisposeAsync()
    {
        if (Registry is not null)
        {
            await Registry.DisposeAsync();
        }

        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }

        _skopeo.Dispose();
        _directory.Dispose();
    }
}
