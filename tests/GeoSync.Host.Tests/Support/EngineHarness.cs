using System.Text.Json;
using GeoSync.Domain.Names;
using GeoSync.Domain.Topology;
using GeoSync.Grains;
using GeoSync.Host.Client;
using GeoSync.Host.Hosting;
using GeoSync.Host.Status;
using GeoSync.Host.Web;
using GeoSync.Persistence;
using GeoSync.Storage;
using GeoSync.Testing;
using GeoSync.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace GeoSync.Host.Tests.Support;

/// <summary>How the harness's topology replicates.</summary>
public sealed record HarnessRule
{
    public string[] Sources { get; init; } = ["*"];

    public string[] Targets { get; init; } = ["*"];

    public string[] Repositories { get; init; } = ["**"];

    public string[] IncludeTags { get; init; } = [".*"];

    public string[] ExcludeTags { get; init; } = [];

    public bool Deletes { get; init; } = true;

    public bool Referrers { get; init; } = true;

    public string? RequireReferrer { get; init; }
}

/// <summary>
/// A real engine in the test process: a topology file of filesystem regions (or registry regions, reached over the
/// distribution API at the endpoints given) in a temporary directory, SQLite state,
/// the HTTP host on a loopback port, and a client. Pushes write into a region's store as that region's registry
/// would, then notify the engine over HTTP with the region's token.
/// </summary>
public sealed class EngineHarness : IAsyncDisposable
{
    private readonly Dictionary<string, InstrumentedRegionStore> _stores = [];

    private readonly HarnessWebhooks? _webhooks;
    private IReadOnlyDictionary<string, HarnessRegistry> _registries = new Dictionary<string, HarnessRegistry>();
    private TimeSpan _checkpointDelay;
    private TimeSpan? _inboxRetention;
    private TimeSpan? _abandonAfter;
    private string? _statusToken;

    private EngineHarness(TestDirectory directory, string[] regions, HarnessWebhooks? webhooks)
    {
        Directory = directory;
        RegionNames = regions;
        _webhooks = webhooks;
    }

    public TestDirectory Directory { get; }

    public string[] RegionNames { get; }

    /// <summary>The grain state storage as the engine sees it: writes counted, failures injectable.</summary>
    public CountingGrainStateStore GrainState { get; private set; } = null!;

    public string TopologyPath => Directory.Combine("topology.json");

    public WebApplication App { get; private set; } = null!;

    /// <summary>The running node's services.</summary>
    public IServiceProvider Services => App.Services;

    /// <summary>The node's database.</summary>
    public GeoSyncDatabase Database => Services.GetRequiredService<GeoSyncDatabase>();

    /// <summary>Reconciles as <c>geosync resync</c> does.</summary>
    public Task<int> ResyncAsync(string? repository, string? tag) => Services.GetRequiredService<RepositoryCatalog>().ResyncAsync(repository, tag);

    public GeoSyncClient Client { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The instrumented store of a region (bytes written, fault switch).</summary>
    public InstrumentedRegionStore Store(string region) => _stores[region];

    public static string TokenOf(string region) => $"token-{region}";

    /// <summary>The variable the topology names for the status token, when a test sets one.</summary>
    public const string StatusTokenVariable = "GEOSYNC_STATUS_TOKEN";

    /// <summary>Writes the topology and starts the engine; the regions named in <paramref name="registries"/> are registry regions at those endpoints.</summary>
    /// <remarks><paramref name="prices"/> sets the matching links' <c>pricePerGiB</c>, in <paramref name="currency"/>.</remarks>
    public static async Task<EngineHarness> StartAsync(string[]? regions = null, HarnessRule? rule = null, (string From, string To, int Cost)[]? links = null, ILoggerFactory? loggerFactory = null, HarnessWebhooks? webhooks = null, int? concurrency = null, TimeSpan? checkpointDelay = null, TimeSpan? inboxRetention = null, IReadOnlyDictionary<string, HarnessRegistry>? registries = null, TimeSpan? abandonAfter = null, string? currency = null, IReadOnlyDictionary<(string From, string To), decimal>? prices = null, string? statusToken = null)
    {
        regions ??= ["eu", "us", "ap"];
        var harness = new EngineHarness(new TestDirectory("engine"), regions, webhooks)
        {
            _registries = registries ?? new Dictionary<string, HarnessRegistry>(),
            _checkpointDelay = checkpointDelay ?? GeoSync.Grains.Repositories.RepositoryGrain.DefaultCheckpointDelay,
            _inboxRetention = inboxRetention,
            _abandonAfter = abandonAfter,
            _statusToken = statusToken,
        };
        await File.WriteAllTextAsync(harness.TopologyPath, TopologyJson(regions, rule ?? new HarnessRule(), links ?? [], webhooks, concurrency, inboxRetention, harness._registries, currency, prices, statusToken is not null));
        await harness.StartEngineAsync(loggerFactory);
        return harness;
    }

    /// <summary>Stops and starts the engine on the same files (a clean restart).</summary>
    public async Task RestartAsync()
    {
        await StopEngineAsync();
        _stores.Clear();
        await StartEngineAsync(null);
    }

    /// <summary>Pushes <paramref name="image"/> into <paramref name="region"/>'s store and sends that registry's notification.</summary>
    public async Task<EventIntakeResponseView> PushAsync(string region, string repository, string tag, TestImage image, DateTimeOffset? timestamp = null, string? eventId = null)
    {
        await image.PushToAsync(Store(region).Inner, repository, tag);
        return await NotifyPushAsync(region, repository, tag, image, timestamp, eventId);
    }

    /// <summary>Sends a region's push notification only (the content is already in its store).</summary>
    public async Task<EventIntakeResponseView> NotifyPushAsync(string region, string repository, string tag, TestImage image, DateTimeOffset? timestamp = null, string? eventId = null)
    {
        string envelope = GeoSyncClient.PushEnvelope(repository, tag, image.Root, timestamp ?? DateTimeOffset.UtcNow, eventId);
        GeoSync.Host.Intake.EventIntakeResponse response = await Client.PostEventsAsync(TokenOf(region), envelope);
        return new EventIntakeResponseView(response.Accepted, response.Duplicates, response.Ignored);
    }

    /// <summary>Sends a raw envelope as <paramref name="region"/>'s registry.</summary>
    public Task<GeoSync.Host.Intake.EventIntakeResponse> SendAsync(string region, string envelope) => Client.PostEventsAsync(TokenOf(region), envelope);

    public Task<RepositoryStatus> StatusAsync(string repository) => Client.GetRepositoryAsync(repository);

    /// <summary>Waits until every listed region is in <paramref name="state"/> for the tag (at <paramref name="digest"/> when given).</summary>
    public Task WaitForAsync(string repository, string tag, string state, IEnumerable<string>? regions = null, GeoSync.Domain.Content.Digest? digest = null, TimeSpan? timeout = null)
    {
        string[] wanted = [.. regions ?? RegionNames];
        return Eventually.HoldsAsync(
            async () =>
            {
                RepositoryStatus status = await StatusAsync(repository);
                TagStatus? t = status.Tags.FirstOrDefault(x => x.Tag == tag);
                return t is not null && (digest is null || t.Digest == digest.ToString()) && wanted.All(r => t.Regions.Any(x => x.Region == r && x.State == state));
            },
            timeout ?? TimeSpan.FromSeconds(30),
            $"{repository}:{tag} {state} in {string.Join(", ", wanted)}");
    }

    public async ValueTask DisposeAsync()
    {
        await StopEngineAsync();
        Directory.Dispose();
    }

    private async Task StartEngineAsync(ILoggerFactory? loggerFactory)
    {
        RegionTopology topology = RegionTopology.Parse(TopologyPath, await File.ReadAllTextAsync(TopologyPath));
        var node = new GeoSyncNode(topology, name => name == StatusTokenVariable ? _statusToken : name.StartsWith("TOKEN_", StringComparison.Ordinal)
            ? TokenOf(name["TOKEN_".Length..].ToLowerInvariant().Replace('_', '-'))
            : name.StartsWith(HarnessRegistry.PasswordVariablePrefix, StringComparison.Ordinal)
                ? _registries.GetValueOrDefault(name[HarnessRegistry.PasswordVariablePrefix.Length..].ToLowerInvariant().Replace('_', '-'))?.Password
                : _webhooks?.Environment.GetValueOrDefault(name));
        WebApplicationBuilder builder = GeoSyncWebHost.CreateBuilder(node, "http://127.0.0.1:0");
        if (loggerFactory is not null)
        {
            builder.Services.Replace(ServiceDescriptor.Singleton(loggerFactory));
        }

        builder.Services.Configure<WebhookOptions>(w =>
        {
            w.PollInterval = TimeSpan.FromMilliseconds(100);
            w.BaseDelay = TimeSpan.FromMilliseconds(100);
        });
        builder.Services.Configure<ReplicationOptions>(o =>
        {
            o.ReminderPeriod = TimeSpan.FromMilliseconds(200);
            o.CheckpointDelay = _checkpointDelay;
            o.AbandonAfter = _abandonAfter ?? o.AbandonAfter;
        });
        builder.Services.Configure<NodeOptions>(o =>
        {
            o.PeriodicReconciliation = false;
            // A test of the retention looks often; the others keep the engine's interval and never see it act.
            o.InboxPruneInterval = _inboxRetention is null ? o.InboxPruneInterval : TimeSpan.FromMilliseconds(100);
        });
        // Every region's store instrumented, and the grain state's writes counted.
        builder.Services.Replace(ServiceDescriptor.Singleton<IRegionStoreFactory>(sp => new InstrumentingStoreFactory(
            new RegionStoreFactory(node.BaseDirectory, node.Secrets, sp.GetRequiredService<ILoggerFactory>()), _stores)));
        builder.Services.Replace(ServiceDescriptor.Singleton<IGrainStateStore>(sp => GrainState = new CountingGrainStateStore(sp.GetRequiredService<GeoSyncDatabase>().GrainState!)));
        App = GeoSyncWebHost.Build(builder);
        await App.StartAsync();
        // The grain storage opens it at the first activation; a test may set its faults before that.
        _ = Services.GetRequiredService<IGrainStateStore>();
        BaseAddress = new Uri(App.Urls.First() + "/");
        Http = new HttpClient { BaseAddress = BaseAddress };
        if (_statusToken is not null)
        {
            // The harness's own status reads; a request that sets its own Authorization (a region's push) keeps it.
            Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _statusToken);
        }

        Client = new GeoSyncClient(Http);
    }

    private async Task StopEngineAsync()
    {
        Http?.Dispose();
        if (App is not null)
        {
            // The host gives its services this long to stop; one that ignores it fails the test instead of hanging the run.
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await App.StopAsync(stopping.Token).WaitAsync(TimeSpan.FromSeconds(90));
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException("the engine did not stop within 90 s of being asked to", e);
            }

            await App.DisposeAsync();
        }
    }

    /// <summary>Opens the stores as the engine does, each wrapped in an <see cref="InstrumentedRegionStore"/> the harness keeps.</summary>
    private sealed class InstrumentingStoreFactory(IRegionStoreFactory inner, Dictionary<string, InstrumentedRegionStore> stores) : IRegionStoreFactory
    {
        public IRegionStore Open(Region region) => stores[region.Name] = new InstrumentedRegionStore(inner.Open(region));
    }

    private static string TopologyJson(string[] regions, HarnessRule rule, (string From, string To, int Cost)[] links, HarnessWebhooks? webhooks, int? concurrency, TimeSpan? inboxRetention, IReadOnlyDictionary<string, HarnessRegistry> registries, string? currency = null, IReadOnlyDictionary<(string From, string To), decimal>? prices = null, bool statusToken = false)
    {
        var engine = new Dictionary<string, object?> { ["listen"] = "http://127.0.0.1:0", ["dataDirectory"] = "data" };
        if (statusToken)
        {
            engine["statusToken"] = $"env:{StatusTokenVariable}";
        }

        if (inboxRetention is { } retention)
        {
            engine["inboxRetention"] = retention.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        }

        var topology = new Dictionary<string, object?>
        {
            ["version"] = 1,
            ["engine"] = engine,
            ["defaults"] = currency is null ? new { } : new { currency },
            ["regions"] = regions.Select((r, i) =>
            {
                var region = new Dictionary<string, object?>
                {
                    ["name"] = r,
                    ["priority"] = i + 1,
                    ["store"] = registries.TryGetValue(r, out HarnessRegistry? registry)
                        ? registry.StoreJson(r)
                        : new { kind = "filesystem", path = $"regions/{r}" },
                    ["registry"] = RegistryJson(r, webhooks),
                    ["webhooks"] = webhooks?.PerRegion(r) ?? [],
                };
                if (concurrency is int c)
                {
                    region["limits"] = new { concurrency = c };
                }

                return region;
            }),
            ["links"] = links.Select(l => prices?.TryGetValue((l.From, l.To), out decimal price) == true
                ? (object)new { from = l.From, to = l.To, cost = l.Cost, pricePerGiB = price }
                : new { from = l.From, to = l.To, cost = l.Cost }),
            ["rules"] = new[] { RuleJson(rule) },
        };
        return JsonSerializer.Serialize(topology, new JsonSerializerOptions { WriteIndented = true });
    }

    private static Dictionary<string, object?> RegistryJson(string region, HarnessWebhooks? webhooks)
    {
        (string? vpc, object? instance) = webhooks?.Registry?.Invoke(region) ?? (null, null);
        var domains = new Dictionary<string, object?> { ["public"] = $"{region}.registry.test" };
        if (vpc is not null)
        {
            domains["vpc"] = vpc;
        }

        var registry = new Dictionary<string, object?> { ["domains"] = domains, ["notificationToken"] = $"env:TOKEN_{region.ToUpperInvariant().Replace('-', '_')}" };
        if (instance is not null)
        {
            registry["instance"] = instance;
        }

        return registry;
    }

    private static Dictionary<string, object?> RuleJson(HarnessRule rule)
    {
        var json = new Dictionary<string, object?>
                {
                    ["name"] = "test-rule",
                    ["sources"] = rule.Sources,
                    ["targets"] = rule.Targets,
                    ["repositories"] = rule.Repositories,
                    ["tags"] = new { include = rule.IncludeTags, exclude = rule.ExcludeTags },
                    ["deletes"] = rule.Deletes,
                    ["referrers"] = rule.Referrers,
                };
        if (rule.RequireReferrer is not null)
        {
            json["requireReferrer"] = new { artifactType = rule.RequireReferrer };
        }

        return json;
    }
}

/// <summary>Deploy webhooks of the harness's topology: each region's webhook objects (topology JSON shape) and the
/// environment variables their <c>env:</c> secret references name.</summary>
public sealed record HarnessWebhooks(Func<string, object[]> PerRegion, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>A region's VPC domain and registry instance (topology JSON), which its payloads carry; by default neither.</summary>
    public Func<string, (string? VpcDomain, object? Instance)>? Registry { get; init; }
}

/// <summary>A registry region of the harness's topology: its endpoint, and the account the engine signs in with (none: anonymous).</summary>
public sealed record HarnessRegistry(Uri Endpoint, string? Username = null, string? Password = null)
{
    /// <summary>The environment variables the topology's password references are named after: this prefix, then the region.</summary>
    public const string PasswordVariablePrefix = "REGISTRY_PASSWORD_";

    /// <summary>The region's <c>store</c> in topology JSON, its password an <c>env:</c> reference.</summary>
    public object StoreJson(string region) => Username is null
        ? new { kind = "registry", endpoint = Endpoint.ToString(), tls = new { insecure = true } }
        : new
        {
            kind = "registry",
            endpoint = Endpoint.ToString(),
            credentials = new { username = Username, password = $"env:{PasswordVariablePrefix}{region.ToUpperInvariant().Replace('-', '_')}" },
            tls = new { insecure = true },
        };
}

/// <summary>The intake's answer, as tests read it.</summary>
public sealed record EventIntakeResponseView(int Accepted, int Duplicates, int Ignored);
