using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace GeoSync.Host.Telemetry;

/// <summary>
/// The node's OpenTelemetry SDK (as eShop's <c>AddServiceDefaults</c>): every <c>GeoSync.*</c> source and meter and
/// Orleans' own, incoming requests and outgoing HTTP calls traced with the W3C context, exported over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads the standard <c>OTEL_*</c> variables).
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

    /// <summary>Adds the SDK to the host; without an OTLP endpoint there is nothing to export, so nothing is recorded.</summary>
    public static IHostApplicationBuilder AddGeoSyncTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "geosync"))
            .WithTracing(tracing => tracing
                .AddSource(Sources)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter())
            .WithMetrics(metrics => metrics
                .AddMeter(Meters)
                .AddOtlpExporter());
        return builder;
    }
}
