using System.Diagnostics;
using GeoSync.Host.Telemetry;
using GeoSync.Host.Tests.Support;
using GeoSync.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace GeoSync.Host.Tests.Telemetry;

public sealed class TraceLinkTests
{
    [Fact]
    public async Task Push_WithWebhooks_OneTraceLinksIntakeReplicationAndDelivery()
    {
        var exporter = new ListExporter();
        using TracerProvider tracer = Sdk.CreateTracerProviderBuilder()
            .AddSource(GeoSyncTelemetry.Sources)
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation()
            .AddProcessor(new SimpleActivityExportProcessor(exporter))
            .Build();
        await using WebhookedEngine engine = await WebhookedEngine.StartAsync(["eu", "us"]);
        TestImage image = TestImage.Single("trace-img", TestImage.Layer("trace-a", 3000));

        await engine.Harness.PushAsync("eu", "team/trace", "v1", image);
        await engine.Harness.WaitForAsync("team/trace", "v1", "Synced");
        await Eventually.HoldsAsync(() => engine.Receiver.Received(WebhookedEngine.EndpointOf("us")).Count > 0, TimeSpan.FromSeconds(30), "the us webhook");

        // Other tests run engines in parallel: follow this push's trace from the webhook the receiver got.
        string? traceParent = engine.Receiver.Received(WebhookedEngine.EndpointOf("us"))[0].TraceParent;
        Assert.NotNull(traceParent);
        ActivityTraceId trace = ActivityContext.Parse(traceParent, null).TraceId;
        await SpanAsync(exporter, a => a.TraceId == trace && a.OperationName == "events.accept");
        await SpanAsync(exporter, a => a.TraceId == trace && a.OperationName == "region.replicate");
        await SpanAsync(exporter, a => a.TraceId == trace && a.OperationName == "blob.transfer");
        await SpanAsync(exporter, a => a.TraceId == trace && a.Source.Name == "GeoSync.Webhooks");
    }

    private static async Task<Activity> SpanAsync(ListExporter exporter, Func<Activity, bool> match)
    {
        await Eventually.HoldsAsync(() => exporter.Spans.Any(match), TimeSpan.FromSeconds(30), "a matching exported span");
        return exporter.Spans.First(match);
    }

    /// <summary>Collects exported spans in memory.</summary>
    private sealed class ListExporter : BaseExporter<Activity>
    {
        private readonly List<Activity> _spans = [];

        public IReadOnlyList<Activity> Spans
        {
            get
            {
                lock (_spans)
                {
                    return [.. _spans];
                }
            }
        }

        public override ExportResult Export(in Batch<Activity> batch)
        {
            lock (_spans)
            {
                foreach (Activity activity in batch)
                {
                    _spans.Add(activity);
                }
            }

            return ExportResult.Success;
        }
    }
}
