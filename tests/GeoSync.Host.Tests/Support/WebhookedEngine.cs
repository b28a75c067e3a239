using GeoSync.Testing.Webhooks;
using Microsoft.Extensions.Logging;

namespace GeoSync.Host.Tests.Support;

/// <summary>
/// An <see cref="EngineHarness"/> whose regions each have one deploy webhook (named <c>{region}-deploy</c>) pointing
/// at a real loopback <see cref="WebhookReceiver"/>, signed with a per-region secret from an <c>env:</c> reference;
/// every log line of the engine is captured.
/// </summary>
public sealed class WebhookedEngine : IAsyncDisposable
{
    private WebhookedEngine(EngineHarness harness, WebhookReceiver receiver, CapturedLogs logs, ILoggerFactory loggerFactory)
    {
        Harness = harness;
        Receiver = receiver;
        Logs = logs;
        LoggerFactory = loggerFactory;
    }

    public EngineHarness Harness { get; }

    public WebhookReceiver Receiver { get; }

    public CapturedLogs Logs { get; }

    private ILoggerFactory LoggerFactory { get; }

    /// <summary>The signing secret of a region's webhook (what <c>env:HOOK_SECRET_{REGION}</c> resolves to).</summary>
    public static string SecretOf(string region) => $"whsec-{region}-{new string('s', 12)}-do-not-log";

    public static string EndpointOf(string region) => $"{region}-deploy";

    public static async Task<WebhookedEngine> StartAsync(string[]? regions = null, HarnessRule? rule = null)
    {
        regions ??= ["eu", "us", "ap"];
        WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        var logs = new CapturedLogs();
        ILoggerFactory loggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var webhooks = new HarnessWebhooks(
            region => [new { name = EndpointOf(region), url = receiver.UrlOf(EndpointOf(region)).ToString(), secrets = new[] { $"env:HOOK_SECRET_{region.ToUpperInvariant()}" }, repositories = new[] { "**" } }],
            regions.ToDictionary(r => $"HOOK_SECRET_{r.ToUpperInvariant()}", SecretOf));
        EngineHarness harness = await EngineHarness.StartAsync(regions, rule, loggerFactory: loggerFactory, webhooks: webhooks);
        return new WebhookedEngine(harness, receiver, logs, loggerFactory);
    }

    public async ValueTask DisposeAsync()
    {
        await Harness.DisposeAsync();
        await Receiver.DisposeAsync();
        LoggerFactory.Dispose();
    }
}
