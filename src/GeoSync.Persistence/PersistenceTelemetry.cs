using System.Diagnostics.Metrics;

namespace GeoSync.Persistence;

/// <summary>
/// Metrics of the persistence layer (one <see cref="Meter"/>, named <see cref="MeterName"/>). The group-commit
/// batch size is the figure that shows whether durability is being shared: near 1 under load means every write
/// pays its own disk flush.
/// </summary>
public static class PersistenceTelemetry
{
    public const string MeterName = "GeoSync.Persistence";

    /// <summary>Writes committed together, per batch; tags <c>db.system</c> (sqlite, postgresql) and <c>outcome</c>.</summary>
    public const string BatchSizeInstrument = "geosync.persistence.batch.size";

    /// <summary>Time from BEGIN to COMMIT of a batch, in seconds; same tags.</summary>
    public const string BatchDurationInstrument = "geosync.persistence.batch.duration";

    /// <summary>
    /// Database pages the SQLite writer wrote to its write-ahead log; tag <c>db.system</c>. Divided by the writes
    /// committed, it says how much disk each write costs (a page is 4 KiB, whatever the row's size).
    /// </summary>
    public const string PagesWrittenInstrument = "geosync.persistence.pages.written";

    internal static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> PagesWritten =
        Meter.CreateCounter<long>(PagesWrittenInstrument, "{page}", "Database pages written to the write-ahead log by committed batches");

    internal static readonly Histogram<int> BatchSize =
        Meter.CreateHistogram<int>(BatchSizeInstrument, "{write}", "Writes committed in one group-commit transaction");

    internal static readonly Histogram<double> BatchDuration =
        Meter.CreateHistogram<double>(BatchDurationInstrument, "s", "Duration of one group-commit transaction");
}
