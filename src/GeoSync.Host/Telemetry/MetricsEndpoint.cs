namespace GeoSync.Host.Telemetry;

/// <summary><c>GET /metrics</c>: the Prometheus text format of every GeoSync meter and the host's backlog gauges.</summary>
public static class MetricsEndpoint
{
    public static WebApplication MapMetrics(this WebApplication app)
    {
        HostMetrics metrics = app.Services.GetRequiredService<HostMetrics>();
        var exposition = new PrometheusExposition(metrics.Meter);
        app.Lifetime.ApplicationStopped.Register(exposition.Dispose);
        app.MapGet("/metrics", async (CancellationToken cancellationToken) =>
        {
            await metrics.RefreshAsync(cancellationToken).ConfigureAwait(false);
            return Results.Text(exposition.Scrape(), "text/plain; version=0.0.4; charset=utf-8");
        });
        return app;
    }
}
