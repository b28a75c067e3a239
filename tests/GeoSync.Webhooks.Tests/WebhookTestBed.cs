using GeoSync.Domain.Topology;
using GeoSync.Webhooks;
using GeoSync.Persistence;
using GeoSync.Persistence.Webhooks;
using GeoSync.Testing;
using GeoSync.Testing.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace GeoSync.Webhooks.Tests;

/// <summary>
/// A database (SQLite in a temporary file by default, or the PostgreSQL database given) opened through
/// <see cref="GeoSyncDatabase"/> with the production script, a region whose webhooks point at the shared loopback
/// receiver, and "nodes": each a DI container with its own database handle and dispatcher over that same database
/// (a second node stands for the process after a restart, or another node of a cluster).
/// </summary>
internal sealed class WebhookTestBed : IAsyncDisposable
{
    private readonly TestDirectory _directory = new("webhooks");
    private readonly List<WebhookNode> _nodes = [];
    private readonly List<string> _environmentVariables = [];

    private WebhookTestBed(WebhookReceiver receiver, TimeProvider time, PersistenceOptions? persistence)
    {
        Receiver = receiver;
        Time = time;
        Persistence = persistence ?? new PersistenceOptions { ConnectionString = $"Data Source={_directory.Combine("geosync.db")}" };
    }

    public PersistenceOptions Persistence { get; }

    public WebhookReceiver Receiver { get; }

    public TimeProvider Time { get; }

    public CapturedLogs Logs { get; } = new();

    private GeoSyncDatabase Database { get; set; } = null!;

    /// <summary>The outbox, for inspecting what the nodes did.</summary>
    public IWebhookOutbox Outbox => Database.WebhookOutbox;

    public string RegionName { get; } = "eu-" + Guid.NewGuid().ToString("N")[..6];

    public List<Webhook> Endpoints { get; } = [];

    /// <summary>Test defaults: fast polls and retries, so real-HTTP tests finish in milliseconds.</summary>
    public Action<WebhookOptions> Options { get; set; } = o =>
    {
        o.PollInterval = TimeSpan.FromMilliseconds(50);
        o.BaseDelay = TimeSpan.FromMilliseconds(50);
        o.MaxDelay = TimeSpan.FromSeconds(5);
        o.LeaseMargin = TimeSpan.FromSeconds(5);
    };

    public static async Task<WebhookTestBed> CreateAsync(WebhookReceiver receiver, TimeProvider? time = null, PersistenceOptions? persistence = null)
    {
        var bed = new WebhookTestBed(receiver, time ?? TimeProvider.System, persistence);
        bed.Database = await GeoSyncDatabase.OpenAsync(bed.Persistence, timeProvider: bed.Time);
        return bed;
    }

    /// <summary>Puts <paramref name="value"/> in a fresh environment variable and returns its <c>env:</c> reference.</summary>
    public string EnvironmentSecret(string value)
    {
        string name = "GEOSYNC_TEST_SECRET_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Environment.SetEnvironmentVariable(name, value);
        _environmentVariables.Add(name);
        return "env:" + name;
    }

    /// <summary>Writes <paramref name="value"/> to a file (with a trailing newline) and returns its <c>file:</c> reference.</summary>
    public string FileSecret(string value)
    {
        string path = _directory.Combine("secret-" + Guid.NewGuid().ToString("N")[..8]);
        File.WriteAllText(path, value + "\n");
        return "file:" + path;
    }

    /// <summary>Adds an endpoint (a unique path on the receiver) to the test region and returns it.</summary>
    /// <param name="secrets">Secret references, <c>env:</c> or <c>file:</c>.</param>
    /// <param name="repositories">Repository globs; default every repository.</param>
    /// <param name="tags">Tag patterns; default every tag.</param>
    public Webhook AddEndpoint(
        string name,
        IReadOnlyList<string> secrets,
        TimeSpan? maxAge = null,
        TimeSpan? timeout = null,
        string[]? repositories = null,
        string[]? tags = null,
        Uri? url = null)
    {
        var endpoint = new Webhook(
            name,
            url ?? Receiver.UrlOf(RegionName + "-" + name),
            [.. secrets.Select(SecretReference.Parse)],
            [.. (repositories ?? ["**"]).Select(RepositoryGlob.Parse)],
            [.. (tags ?? []).Select(TagPattern.Parse)],
            maxAge ?? TimeSpan.FromHours(1),
            timeout ?? TimeSpan.FromSeconds(10));
        Endpoints.Add(endpoint);
        return endpoint;
    }

    /// <summary>The receiver's path segment of an endpoint of this bed.</summary>
    public string PathOf(string endpoint) => RegionName + "-" + endpoint;

    public IReadOnlyList<ReceivedWebhook> Received(string endpoint) => Receiver.Received(PathOf(endpoint));

    public void Program(string endpoint, params ReceiverResponse[] responses) => Receiver.Program(PathOf(endpoint), responses);

    /// <summary>Starts a node: a container with the publisher and a running dispatcher over this bed's database.</summary>
    public async Task<WebhookNode> StartNodeAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton(Time);
        GeoSyncDatabase database = await GeoSyncDatabase.OpenAsync(Persistence, timeProvider: Time);
        services.AddSingleton(_ => database); // created by a factory, so the container disposes it with the node
        services.AddSingleton(database.WebhookOutbox);
        var registry = new RegistrySettings(
            new RegistryDomains("eu.registry.example.com", "registry.eu.internal"), new RegistryEndpoints(null, null), null);
        var region = new Region(RegionName, 1, new FileSystemStoreSettings(_directory.Combine("store")), registry, [.. Endpoints], new RegionLimits(4, null));
        services.AddSingleton<IWebhookEndpointSource>(new StaticWebhookEndpointSource([region]));
        services.AddGeoSyncWebhooks(Options);
        ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var node = new WebhookNode(provider);
        await node.Dispatcher.StartAsync();
        _nodes.Add(node);
        return node;
    }

    public ImageNotice Notice(string repository = "team/app", string? tag = "1.0", string? digest = null, ImageChange change = ImageChange.Synced)
    {
        DateTimeOffset now = Time.GetUtcNow();
        return new ImageNotice(
            change, RegionName, repository, tag, digest ?? "sha256:" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()),
            "application/vnd.oci.image.index.v1+json", ["linux/amd64", "linux/arm64/v8"], "us", now.AddSeconds(-3), now);
    }

    /// <summary>The delivery's row and attempts.</summary>
    public async Task<WebhookDeliveryDetails> DeliveryAsync(string deliveryId) =>
        await Outbox.GetAsync(deliveryId) ?? throw new InvalidOperationException($"delivery {deliveryId} not in the outbox");

    /// <summary>Waits until the delivery reaches <paramref name="state"/>.</summary>
    /// <summary>
    /// Waits until the delivery is in <paramref name="state"/>. With <paramref name="advancing"/>, that fake clock moves a
    /// second per look: the dispatchers' poll timers run on it, and one started after the test's last move would
    /// otherwise wait for a tick that never comes.
    /// </summary>
    public Task AwaitStateAsync(string deliveryId, WebhookDeliveryState state, TimeSpan? timeout = null, FakeTimeProvider? advancing = null) =>
        Eventually.HoldsAsync(
            async () =>
            {
                advancing?.Advance(TimeSpan.FromSeconds(1));
                return (await DeliveryAsync(deliveryId)).Delivery.State == state;
            },
            timeout ?? TimeSpan.FromSeconds(20),
            $"delivery {deliveryId} is {state}");

    public async ValueTask DisposeAsync()
    {
        foreach (WebhookNode node in _nodes)
        {
            await node.DisposeAsync();
        }

        foreach (string name in _environmentVariables)
        {
            Environment.SetEnvironmentVariable(name, null);
        }

        await Database.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}

/// <summary>One GeoSync process as far as webhooks go.</summary>
internal sealed class WebhookNode(ServiceProvider provider) : IAsyncDisposable
{
    private bool _disposed;

    public IWebhookPublisher Publisher { get; } = provider.GetRequiredService<IWebhookPublisher>();

    public WebhookDispatcher Dispatcher { get; } = provider.GetRequiredService<WebhookDispatcher>();

    /// <summary>Stops the dispatcher (abandoning attempts under way, as a crash would) and the container.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await provider.DisposeAsync();
    }
}
