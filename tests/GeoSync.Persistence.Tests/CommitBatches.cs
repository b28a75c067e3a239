using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace GeoSync.Persistence.Tests;

/// <summary>The sizes of the group commit's transactions on one database engine, as its batch-size metric reports them.</summary>
internal sealed class CommitBatches : IDisposable
{
    private readonly MeterListener _listener;
    private readonly ConcurrentQueue<int> _sizes = new();

    public CommitBatches(string dbSystem)
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == PersistenceTelemetry.MeterName && instrument.Name == PersistenceTelemetry.BatchSizeInstrument)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<int>((_, size, tags, _) =>
        {
            if (tags.ToArray().Contains(new("db.system", dbSystem)))
            {
                _sizes.Enqueue(size);
            }
        });
        _listener.Start();
    }

    /// <summary>Transactions committed so far.</summary>
    public int Count => _sizes.Count;

    /// <summary>Writes they held.</summary>
    public int Writes => _sizes.Sum();

    public void Dispose() => _listener.Dispose();
}
