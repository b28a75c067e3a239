using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace GeoSync.Host.Telemetry;

/// <summary>
/// Bucket boundaries per histogram, in the instrument's own unit: replication lag spans seconds to an hour, a
/// group commit lasts milliseconds, a webhook attempt is timed in milliseconds, batch sizes are counts. Histograms
/// not listed (Orleans') get boundaries by unit, or the SDK's defaults.
/// </summary>
public static class HistogramBuckets
{
    /// <summary>Seconds from a push to Synced in a region: a copy of a small image to a long catch-up.</summary>
    public static readonly double[] ReplicationLagSeconds = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    /// <summary>Short operations timed in seconds (a group-commit transaction).</summary>
    public static readonly double[] ShortSeconds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    /// <summary>Remote calls timed in milliseconds (a webhook attempt, bounded by its timeout).</summary>
    public static readonly double[] Milliseconds = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];

    /// <summary>Sizes in bytes: 1 KiB to 1 GiB by powers of 4.</summary>
    public static readonly double[] Bytes = [1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864, 268435456, 1073741824];

    /// <summary>Counts of things (writes in a batch), by powers of 2.</summary>
    public static readonly double[] Counts = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    private static readonly Dictionary<string, double[]> ByInstrument = new(StringComparer.Ordinal)
    {
        ["geosync.replication.lag"] = ReplicationLagSeconds,
        [GeoSync.Persistence.PersistenceTelemetry.BatchDurationInstrument] = ShortSeconds,
        [GeoSync.Persistence.PersistenceTelemetry.BatchSizeInstrument] = Counts,
        [GeoSync.Webhooks.WebhookTelemetry.AttemptDurationInstrument] = Milliseconds,
    };

    /// <summary>The view of one instrument: its boundaries when it is a histogram we know, otherwise null (the default stream).</summary>
    public static MetricStreamConfiguration? View(Instrument instrument)
    {
        if (instrument.GetType().GetGenericTypeDefinition() != typeof(Histogram<>))
        {
            return null;
        }

        double[]? boundaries = ByInstrument.GetValueOrDefault(instrument.Name) ?? instrument.Unit switch
        {
            "s" => ShortSeconds,
            "ms" => Milliseconds,
            "By" => Bytes,
            _ => null,
        };
        return boundaries is null ? null : new ExplicitBucketHistogramConfiguration { Boundaries = boundaries };
    }
}
