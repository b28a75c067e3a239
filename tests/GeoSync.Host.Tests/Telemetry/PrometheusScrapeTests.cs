using GeoSync.Host.Tests.Support;
using GeoSync.Testing;
using GeoSync.Testing.Prometheus;

namespace GeoSync.Host.Tests.Telemetry;

public sealed class PrometheusScrapeTests
{
    [Fact]
    public async Task Prometheus_ScrapingTheEngine_QueryReturnsGeoSyncSeries()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(["eu", "us"]);
        await using PrometheusServer prometheus = await PrometheusServer.StartAsync(harness.BaseAddress.Authority);
        TestImage image = TestImage.Single("prometheus-img", TestImage.Layer("prometheus-a", 2000));

        await harness.PushAsync("eu", "team/prometheus", "v1", image);
        await harness.WaitForAsync("team/prometheus", "v1", "Synced");

        try
        {
            await Eventually.HoldsAsync(
                async () => (await prometheus.QueryAsync("geosync_events_accepted_total{region=\"eu\"}")).Sum(s => s.Value) >= 1
                    && (await prometheus.QueryAsync("geosync_replication_lag_seconds_count")).Count > 0
                    && (await prometheus.QueryAsync("geosync_inbox_backlog")).Count == 1,
                TimeSpan.FromSeconds(20),
                "Prometheus returning GeoSync's accepted events, replication lag and inbox backlog series");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\nscrape targets: {await prometheus.TargetsAsync()}\nprometheus printed:\n{prometheus.Output}", e);
        }
    }
}
