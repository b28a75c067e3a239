using System.Diagnostics.Metrics;
using GeoSync.Persistence;

namespace GeoSync.Benchmarks.Engine;

/// <summary>
/// Group-commit figures of a measurement, from the persistence meter: transactions, writes per transaction, and
/// how busy the single writer was (a writer near 100% busy is the bottleneck; well below it, something else is).
/// </summary>
internal sealed class CommitStats : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _batches;
    private long _writes;
    private double _seconds;

    public CommitStats()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PersistenceTelemetry.MeterName
                && instrument.Name is PersistenceTelemetry.BatchSizeInstrument or PersistenceTelemetry.BatchDurationInstrument)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, size, _, _) =>
        {
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _writes, size);
        });
        _listener.SetMeasurementEventCallback<double>((_, seconds, _, _) =>
        {
            lock (_listener)
            {
                _seconds += seconds;
            }
        });
        _listener.Start();
    }

    /// <summary>Forgets what was counted so far.</summary>
    public void Reset() => Take(TimeSpan.FromSeconds(1));

    /// <summary>The figures since the last call, over <paramref name="elapsed"/> of wall time; then starts again.</summary>
    public string Take(TimeSpan elapsed)
    {
        long batches = Interlocked.Exchange(ref _batches, 0);
        long writes = Interlocked.Exchange(ref _writes, 0);
        double seconds;
        lock (_listener)
        {
            seconds = _seconds;
            _seconds = 0;
        }

        return batches == 0
            ? "no commits"
            : $"{batches / elapsed.TotalSeconds:N0} commits/s, {(double)writes / batches:0.0} writes each, {writes / elapsed.TotalSeconds:N0} writes/s, writer busy {100 * seconds / elapsed.TotalSeconds:0}%";
    }

    public void Dispose() => _listener.Dispose();
}
