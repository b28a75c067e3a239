using OpenTelemetry.Metrics;

namespace GeoSync.Host.Telemetry;

/// <summary>
/// <c>GET /metrics</c>: the OpenTelemetry Prometheus exporter's text of every GeoSync meter, Orleans' and the
/// host's backlog gauges, which are re-read from the database before the scrape.
/// </summary>
public static class MetricsEndpoint
{
    public static WebApplication MapMetrics(this WebApplication app)
    {
        HostMetrics metrics = app.Services.GetRequiredService<HostMetrics>();
        app.MapPrometheusScrapingEndpoint("/metrics", meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            await metrics.RefreshAsync(context.RequestAborted).ConfigureAwait(false);
            await next(context).ConfigureAwait(false);
        }), optionsName: null);
        return app;
    }
}
