using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using GeoSync.Webhooks;
using GeoSync.Persistence.Webhooks;
using GeoSync.Testing.Webhooks;

namespace GeoSync.Webhooks.Tests;

/// <summary>Each attempt is a span continuing the stored trace, and each outcome is counted.</summary>
public sealed class WebhookTelemetryTests(WebhookReceiverFixture fixture) : IClassFixture<WebhookReceiverFixture>
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string ParentSpanId = "00f067aa0ba902b7";

    [Fact]
    public async Task Dispatcher_AttemptsWithListener_SpansContinueStoredTraceAndOutcomesCounted()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == WebhookTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(activities);
        var outcomes = new ConcurrentQueue<(string Outcome, string Region)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == WebhookTelemetry.Name && instrument.Name == WebhookTelemetry.DeliveriesInstrument)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            Dictionary<string, object?> t = tags.ToArray().ToDictionary(p => p.Key, p => p.Value);
            outcomes.Enqueue(((string)t["outcome"]!, (string)t["region"]!));
        });
        meters.Start();

        await using WebhookTestBed bed = await WebhookTestBed.CreateAsync(fixture.Receiver);
        bed.AddEndpoint("deploy", [bed.EnvironmentSecret("telemetry-secret")]);
        bed.Program("deploy", ReceiverResponse.Status(500), ReceiverResponse.Ok);
        WebhookNode node = await bed.StartNodeAsync();
        NewWebhookDelivery delivery = Assert.Single(await node.Publisher.EnqueueAsync(bed.Notice() with { TraceParent = $"00-{TraceId}-{ParentSpanId}-01" }));
        await bed.AwaitStateAsync(delivery.DeliveryId, WebhookDeliveryState.Delivered);
        await GeoSync.Testing.Eventually.HoldsAsync(() => Mine(spans, bed).Length == 2, TimeSpan.FromSeconds(10), "both attempt spans stopped");

        Activity[] attempts = Mine(spans, bed);
        Assert.All(attempts, a => Assert.Equal((TraceId, ParentSpanId, ActivityKind.Client), (a.TraceId.ToHexString(), a.ParentSpanId.ToHexString(), a.Kind)));
        Assert.Equal(["retry", "delivered"], attempts.Select(a => (string)a.GetTagItem("geosync.webhook.outcome")!));
        // The receiver's parent span is the attempt's span.
        Assert.Equal(attempts.Select(a => $"00-{TraceId}-{a.SpanId.ToHexString()}-01"), bed.Received("deploy").Select(r => r.TraceParent));
        Assert.Equal(["retry", "delivered"], outcomes.Where(o => o.Region == bed.RegionName).Select(o => o.Outcome));
    }

    private static Activity[] Mine(IEnumerable<Activity> spans, WebhookTestBed bed) =>
        [.. spans.Where(a => (string?)a.GetTagItem("geosync.region") == bed.RegionName).OrderBy(a => a.StartTimeUtc)];
}
