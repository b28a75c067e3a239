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
    private long _pages;
    private double _seconds;
    private long _writerCpuNanoseconds = WriterCpuNanoseconds();

    public CommitStats()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PersistenceTelemetry.MeterName
                && instrument.Name is PersistenceTelemetry.BatchSizeInstrument or PersistenceTelemetry.BatchDurationInstrument or PersistenceTelemetry.PagesWrittenInstrument)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, size, _, _) =>
        {
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _writes, size);
        });
        _listener.SetMeasurementEventCallback<long>((_, pages, _, _) => Interlocked.Add(ref _pages, pages));
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
        long pages = Interlocked.Exchange(ref _pages, 0);
        long writerCpu = WriterCpuNanoseconds();
        long writerCpuSpent = writerCpu - Interlocked.Exchange(ref _writerCpuNanoseconds, writerCpu);
        double seconds;
        lock (_listener)
        {
            seconds = _seconds;
            _seconds = 0;
        }

        return batches == 0
            ? "no commits"
            : $"{batches / elapsed.TotalSeconds:N0} commits/s, {(double)writes / batches:0.0} writes each, {writes / elapsed.TotalSeconds:N0} writes/s, writer busy {100 * seconds / elapsed.TotalSeconds:0}%, "
              + $"{writerCpuSpent / 1000.0 / writes:0} us of its CPU per write, {(double)pages / writes:0.00} WAL pages per write";
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>CPU time the SQLite commit thread (<c>geosync-sqlite-commit</c>) has used so far, from /proc (Linux).</summary>
    private static long WriterCpuNanoseconds()
    {
        foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith("geosync-sqlite", StringComparison.Ordinal))
                {
                    // schedstat: time on CPU (ns), time runnable but waiting (ns), timeslices.
                    return long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }

        return 0;
    }
}
