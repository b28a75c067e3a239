using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace GeoSync.Webhooks;

/// <summary>The deploy-webhook component's ActivitySource and Meter (both named <see cref="Name"/>).</summary>
public static class WebhookTelemetry
{
    /// <summary>Name of the ActivitySource and the Meter.</summary>
    public const string Name = "GeoSync.Webhooks";

    /// <summary>Counter of finished attempts and expiries, tagged <c>outcome</c>, <c>region</c> and <c>endpoint</c>.</summary>
    public const string DeliveriesInstrument = "geosync.webhook.deliveries";

    /// <summary>Histogram of attempt durations in milliseconds, tagged <c>region</c> and <c>endpoint</c>.</summary>
    public const string AttemptDurationInstrument = "geosync.webhook.attempt.duration";

    /// <summary>Outcome tag values of <see cref="DeliveriesInstrument"/>.</summary>
    public static class Outcomes
    {
        public const string Delivered = "delivered";
        public const string Retry = "retry";
        public const string Failed = "failed";
        public const string Expired = "expired";
    }

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Deliveries =
        Meter.CreateCounter<long>(DeliveriesInstrument, unit: "{delivery}", description: "Webhook attempts and expiries by outcome");

    private static readonly Histogram<double> AttemptDuration =
        Meter.CreateHistogram<double>(AttemptDurationInstrument, unit: "ms", description: "Duration of one webhook attempt");

    internal static void CountOutcome(string outcome, string region, string endpoint) =>
        Deliveries.Add(1, new("outcome", outcome), new("region", region), new("endpoint", endpoint));

    internal static void RecordDuration(double milliseconds, string region, string endpoint) =>
        AttemptDuration.Record(milliseconds, new("region", region), new("endpoint", endpoint));
}
