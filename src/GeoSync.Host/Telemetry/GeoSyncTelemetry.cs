using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace GeoSync.Host.Telemetry;

/// <summary>
/// The node's OpenTelemetry SDK (as eShop's <c>AddServiceDefaults</c>): every <c>GeoSync.*</c> meter and Orleans'
/// own, scraped as Prometheus text at <c>/metrics</c> (<see cref="MetricsEndpoint"/>) with buckets per histogram
/// (<see cref="HistogramBuckets"/>). When <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, metrics are also exported over
/// OTLP and every <c>GeoSync.*</c> and Orleans source is traced with incoming requests and outgoing HTTP calls (W3C
/// context); the exporter reads the standard <c>OTEL_*</c> variables. Without it nothing is traced: no span would be
/// exported.
/// </summary>
public static class GeoSyncTelemetry
{
    /// <summary>
    /// Every GeoSync source and Orleans' grain-call sources, so that with the ASP.NET Core and HttpClient
    /// instrumentation one trace runs from the registry's request through the intake and grain calls to the copy and
    /// the webhook.
    /// </summary>
    public static readonly string[] Sources = ["GeoSync.*", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>Every GeoSync meter, and Orleans' own.</summary>
    public static readonly string[] Meters = ["GeoSync.*", "Microsoft.Orleans"];

    /// <summary>Adds the SDK to the host.</summary>
    public static IHostApplicationBuilder AddGeoSyncTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        bool otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        OpenTelemetry.OpenTelemetryBuilder telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "geosync"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters).AddPrometheusExporter();
                ((IDeferredMeterProviderBuilder)metrics).Configure((services, configured) => configured.AddView(View(services.GetRequiredService<IMeterFactory>())));
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(Sources)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter());
        }

        return builder;
    }

    /// <summary>
    /// One view for all instruments (views that both match would make two streams): drops the instruments of meters
    /// another node's <see cref="IMeterFactory"/> made (nodes share a process in tests and the demo; a static meter
    /// has no factory and is the process's), and gives each histogram its buckets.
    /// </summary>
    private static Func<Instrument, MetricStreamConfiguration?> View(IMeterFactory own) =>
        instrument => instrument.Meter.Scope is IMeterFactory factory && factory != own ? MetricStreamConfiguration.Drop : HistogramBuckets.View(instrument);
}
