using System.Globalization;
using GeoSync.Host.Telemetry;
using GeoSync.Host.Tests.Support;
using GeoSync.Testing;

namespace GeoSync.Host.Tests.Telemetry;

public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private EngineHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await EngineHarness.StartAsync(["eu", "us"]);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Metrics_AfterPushSynced_PrometheusTextWithEventsBytesLagBucketsAndBacklogs()
    {
        TestImage image = TestImage.Single("metrics-img", TestImage.Layer("metrics-a", 7000));
        await _harness.PushAsync("eu", "team/metrics", "v1", image);
        await _harness.WaitForAsync("team/metrics", "v1", "Synced");

        using HttpResponseMessage response = await _harness.Http.GetAsync("metrics");
        string text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE geosync_events_accepted_total counter", text, StringComparison.Ordinal);
        Assert.True(Values(text, "geosync_events_accepted_total").Sum() >= 1, text);
        // Names carry their unit the Prometheus way (By: _bytes, s: _seconds); each histogram has its own buckets.
        Assert.Contains("# TYPE geosync_blob_bytes_copied_bytes_total counter", text, StringComparison.Ordinal);
        Assert.True(Values(text, "geosync_blob_bytes_copied_bytes_total").Sum() >= image.TotalBytes - 1, text);
        Assert.Contains("# TYPE geosync_replication_lag_seconds histogram", text, StringComparison.Ordinal);
        Assert.True(Values(text, "geosync_replication_lag_seconds_count").Sum() >= 1, text);
        Assert.Equal(HistogramBuckets.ReplicationLagSeconds, Boundaries(text, "geosync_replication_lag_seconds"));
        Assert.Equal(HistogramBuckets.Counts, Boundaries(text, "geosync_persistence_batch_size"));
        Assert.Equal(HistogramBuckets.ShortSeconds, Boundaries(text, "geosync_persistence_batch_duration_seconds"));
        Assert.Single(Values(text, "geosync_inbox_backlog"));
        Assert.Single(Values(text, "geosync_webhooks_outbox_backlog"));

        // The event counts as applied once the repository's state holding it is written (write-behind, within
        // RepositoryGrain.DefaultCheckpointDelay); the gauge is re-read at most every HostMetrics.RefreshInterval.
        await Eventually.HoldsAsync(
            async () => Values(await _harness.Http.GetStringAsync("metrics"), "geosync_inbox_backlog") is [0],
            TimeSpan.FromSeconds(10),
            "the inbox backlog gauge back at 0 after the event was applied and checkpointed");
    }

    /// <summary>The finite bucket boundaries of a histogram's first series.</summary>
    private static double[] Boundaries(string text, string histogram)
    {
        string[] lines = [.. text.Split('\n').Where(l => l.StartsWith(histogram + "_bucket{", StringComparison.Ordinal))];
        string series = lines[0][..lines[0].IndexOf(",le=", StringComparison.Ordinal)];
        return
        [
            .. lines.Where(l => l.StartsWith(series + ",le=", StringComparison.Ordinal) && !l.Contains("le=\"+Inf\"", StringComparison.Ordinal))
                .Select(l => double.Parse(l[(l.IndexOf("le=\"", StringComparison.Ordinal) + 4)..l.IndexOf("\"}", StringComparison.Ordinal)], CultureInfo.InvariantCulture)),
        ];
    }

    /// <summary>The sample values of every series of one metric name (exact name, any labels).</summary>
    private static double[] Values(string text, string name) =>
    [
        .. text.Split('\n')
            .Where(l => l.StartsWith(name + " ", StringComparison.Ordinal) || l.StartsWith(name + "{", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)),
    ];
}
